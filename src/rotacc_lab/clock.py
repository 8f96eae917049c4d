"""Time as the store records it: naive UTC (the outbox and delivery times are compared in UTC)."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC now."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
