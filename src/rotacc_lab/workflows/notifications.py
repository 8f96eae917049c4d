"""Change notifications: queue in the outbox with the change, deliver later, each row once.

Queueing
    Every workflow that changes shifts (leave approval, swaps, locum bookings,
    manual adjustments) adds to its ChangeSet the messages
    :func:`notifications_for` computes from its shift changes (pure); the
    committer writes them in the same transaction as the change.
    Changes touching a date inside the fixed period (``today`` ..
    ``today + fixed_period_weeks × 7`` days, both ends included) produce one
    outbox message per affected clinician, listing all of that clinician's
    changes. A change that does not alter when or what someone works (pinning,
    unpinning) is not notified. The message is committed or rolled back together
    with the change, so there is never a notification for a change that did not
    happen, nor a change inside the fixed period without its notification.

Delivery (:class:`OutboxSender`)
    One row at a time: *claim* (QUEUED -> SENDING, ``attempts + 1``,
    ``claimed_at = now``; committed), *send* (outside any transaction, so the
    workspace is not held open during the SMTP conversation), then *mark*
    (SENDING -> SENT with ``provider_message_id``; committed). Every attempt for
    a row carries the same ``Message-ID`` header (``<message_id@rotacc-lab>``).

    A failed send puts the row back to QUEUED with ``next_attempt_at = now +
    base_delay × 2^(attempts-1)`` (capped at ``max_delay``), or to FAILED when
    the error is permanent or ``attempts`` reached ``max_attempts``.

    Guarantee: the sender never hands the same outbox row to the provider
    twice. A process that dies between claim and mark leaves the row in SENDING;
    the next sender run *reconciles* SENDING rows whose claim is older than
    ``lease`` by marking them FAILED with ``last_error`` beginning
    ``delivery uncertain`` - it does not resend them, because SMTP offers no way
    to ask whether the server accepted the message before the crash. So
    delivery is *at most once* per row automatically; an operator who finds the
    message missing from the recipient's mailbox can :func:`requeue` it (the
    repeated Message-ID then lets mail clients recognise a duplicate). The
    ``lease`` must exceed the longest possible send (the SMTP timeout), so that
    a slow sender that is still alive is never reconciled under its feet.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable

from ..args import choice_arg, text_arg
from ..changes import ChangeSet, Notification
from ..clock import utcnow
from ..domain import Duration, PracticeSnapshot, Settings, Shift, ShiftStatus, ShiftType
from ..store import outbox
from ..store.workspace import Workspace
from .smtp import DeliveryProvider, OutgoingMessage, PermanentDeliveryError, TransientDeliveryError

OUTBOX_STATUSES = ("QUEUED", "SENDING", "SENT", "FAILED")
UNCERTAIN = "delivery uncertain"


def fixed_period(settings: Settings, today: date | None = None) -> tuple[date, date]:
    """``(today, today + fixed_period_weeks × 7 days)``, both included."""
    start = today or date.today()
    return start, start + timedelta(days=7 * settings.fixed_period_weeks)


def header_message_id(message_id: str) -> str:
    """The RFC 5322 Message-ID of an outbox row; the same on every attempt."""
    return f"<{message_id}@rotacc-lab>"


# ---------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class ShiftChange:
    """One shift before and after a change (``None`` before = added, ``None`` after = removed)."""

    before: Shift | None
    after: Shift | None

    @property
    def dates(self) -> set[date]:
        return {s.date for s in (self.before, self.after) if s is not None}

    @property
    def clinicians(self) -> set[str]:
        return {s.clinician_id for s in (self.before, self.after) if s is not None}

    @property
    def alters_work(self) -> bool:
        """False for changes that only (un)pin a shift or touch its origin."""
        if self.before is None or self.after is None:
            return True
        b, a = self.before, self.after
        return (b.clinician_id, b.date, b.shift_type, b.duration, b.status) != (
            a.clinician_id, a.date, a.shift_type, a.duration, a.status)


def _label(s: Shift) -> str:
    kind = {ShiftType.STANDARD: "standard shift", ShiftType.DUTY: "duty",
            ShiftType.STUDY_LEAVE: "study leave", ShiftType.CORONERS: "coroners"}[s.shift_type]
    if s.duration is Duration.HALF:
        kind += " (half day)"
    return kind


def _day(d: date) -> str:
    return f"{d.strftime('%a')} {d.isoformat()}"


def describe(change: ShiftChange, clinician_id: str, names: dict[str, str]) -> str:
    """One line, from ``clinician_id``'s point of view."""
    b, a = change.before, change.after
    name = lambda cid: names.get(cid, cid)  # noqa: E731
    if b is None and a is not None:
        return f"{_day(a.date)}: new {_label(a)}"
    if a is None and b is not None:
        return f"{_day(b.date)}: {_label(b)} removed"
    assert a is not None and b is not None
    if b.clinician_id != a.clinician_id:
        if clinician_id == b.clinician_id:
            return f"{_day(b.date)}: your {_label(b)} now goes to {name(a.clinician_id)}"
        return f"{_day(a.date)}: you take over the {_label(a)} of {name(b.clinician_id)}"
    if a.status is ShiftStatus.CANCELLED and b.status is not ShiftStatus.CANCELLED:
        return f"{_day(b.date)}: {_label(b)} cancelled"
    if b.date != a.date:
        return f"{_day(b.date)}: {_label(b)} moved to {_day(a.date)}"
    return f"{_day(a.date)}: {_label(b)} changed to {_label(a)}"


def notifications_for(
    snapshot: PracticeSnapshot,
    changes: Iterable[ShiftChange],
    *,
    reason: str,
    today: date | None = None,
) -> tuple[Notification, ...]:
    """One message per clinician affected by ``changes`` inside the fixed period (pure).

    The ChangeSet that makes the changes carries these; the committer writes
    them to the outbox in the same transaction. A clinician without an e-mail
    address gets a row in status FAILED (``last_error`` says why), so the gap
    is visible. Message ids are derived from the practice, its data version
    and the message, so the same change on the same workspace gives the same id.
    """
    start, end = fixed_period(snapshot.settings, today)
    per: dict[str, list[ShiftChange]] = {}
    for ch in changes:
        if not ch.alters_work or not any(start <= d <= end for d in ch.dates):
            continue
        for cid in sorted(ch.clinicians):
            per.setdefault(cid, []).append(ch)
    names = {c.clinician_id: c.name for c in snapshot.clinicians}
    out = []
    for cid, items in per.items():
        clinician = snapshot.clinician_by_id.get(cid)
        lines = sorted({describe(ch, cid, names) for ch in items}, key=lambda t: t.split(": ", 1)[0][4:])
        first = min(min(ch.dates) for ch in items)
        subject = f"Rota change from {first.isoformat()}: {len(lines)} change(s)"
        body = (
            f"Dear {names.get(cid, cid)},\n\n"
            f"Your rota changed inside the fixed period ({start.isoformat()} to {end.isoformat()}):\n\n"
            + "".join(f"  - {line}\n" for line in lines)
            + f"\nReason: {reason}\n"
        )
        out.append(message(snapshot, cid, clinician.email if clinician else None, subject, body))
    return tuple(out)


def message(snapshot: PracticeSnapshot, clinician_id: str | None, to_address: str | None, subject: str,
            body: str) -> Notification:
    """An outbox message with a deterministic id (practice, data version, recipient and text)."""
    digest = hashlib.sha256("\x1f".join(
        (snapshot.settings.practice_name, str(snapshot.data_version), clinician_id or "", to_address or "",
         subject, body)).encode("utf-8")).hexdigest()
    return Notification(digest[:32], clinician_id, to_address, subject, body)


def with_notifications(cs: ChangeSet, snapshot: PracticeSnapshot, today: date | None = None) -> ChangeSet:
    """``cs`` plus the notifications its shift changes cause (see :func:`notifications_for`)."""
    changes = [ShiftChange(r.before, r.after) for r in cs.of("shift")]
    extra = notifications_for(snapshot, changes, reason=cs.reason, today=today)
    return cs.with_(notifications=cs.notifications + extra) if extra else cs


# ---------------------------------------------------------------------------- outbox access


def list_outbox(ws: Workspace, status: str | None = None) -> list[dict]:
    """Outbox rows, oldest first, optionally of one status."""
    return outbox.rows(ws, None if status is None else choice_arg(status, "status", OUTBOX_STATUSES))


def requeue(ws: Workspace, message_id: str, actor: str) -> None:
    """Put a FAILED row back in the queue (attempts reset), e.g. after checking an uncertain delivery."""
    message_id = text_arg(message_id, "message_id", "give the outbox message id (text) shown by `rotacc-lab outbox`")
    actor = text_arg(actor, "actor", "give the name of the person making the change (e.g. --actor alice)")
    outbox.requeue(ws, message_id, actor, utcnow())


# ---------------------------------------------------------------------------- sender


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    reconciled: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"sent {len(self.sent)}, will retry {len(self.retrying)}, failed {len(self.failed)}, "
                f"uncertain after a crash {len(self.reconciled)}")


_SEND_LOCK = threading.Lock()


class OutboxSender:
    """Deliver due outbox rows through a provider; see the module docstring for the guarantee."""

    def __init__(
        self,
        ws: Workspace,
        provider: DeliveryProvider,
        *,
        max_attempts: int = 5,
        base_delay: timedelta = timedelta(minutes=1),
        max_delay: timedelta = timedelta(hours=1),
        lease: timedelta = timedelta(minutes=10),
        clock: Callable[[], datetime] = utcnow,
        actor: str = "outbox-sender",
    ):
        if max_attempts < 1:
            raise ValueError(f"max_attempts: {max_attempts!r} is not accepted; give an integer >= 1")
        if base_delay <= timedelta(0) or max_delay < base_delay:
            raise ValueError("base_delay must be > 0 and max_delay >= base_delay")
        self.ws, self.provider = ws, provider
        self.max_attempts, self.base_delay, self.max_delay, self.lease = max_attempts, base_delay, max_delay, lease
        self.clock, self.actor = clock, actor

    def backoff(self, attempts: int) -> timedelta:
        """Delay before the next attempt after ``attempts`` failed ones (1, 2, 4 ... × base, capped)."""
        return min(self.base_delay * (2 ** max(attempts - 1, 0)), self.max_delay)

    def reconcile(self) -> list[str]:
        """Mark SENDING rows whose claim is older than the lease as FAILED (uncertain); never resend them."""

        def verdict(row: dict) -> str:
            return (f"{UNCERTAIN}: the sender stopped after claiming this message at "
                    f"{row['claimed_at']:%Y-%m-%d %H:%M:%S} UTC, possibly after the server accepted it; "
                    "not resent to avoid a duplicate. Check the recipient's mailbox for Message-ID "
                    f"{header_message_id(row['message_id'])} and requeue it if missing.")

        return outbox.reconcile(self.ws, self.actor, self.clock() - self.lease, verdict)

    def _claim(self) -> dict | None:
        return outbox.claim(self.ws, self.actor, self.clock())

    def _finish(self, row: dict, **values) -> None:
        outbox.finish(self.ws, self.actor, row, values)

    def send_one(self, row: dict, report: SendReport) -> None:
        """Send a claimed row and record the outcome."""
        message = OutgoingMessage(header_message_id(row["message_id"]), row["to_address"], row["subject"], row["body"])
        try:
            provider_id = self.provider.send(message)
        except PermanentDeliveryError as err:
            self._finish(row, status="FAILED", last_error=str(err))
            report.failed.append(row["message_id"])
        except TransientDeliveryError as err:
            if row["attempts"] >= self.max_attempts:
                self._finish(row, status="FAILED",
                             last_error=f"gave up after {row['attempts']} attempts: {err}")
                report.failed.append(row["message_id"])
            else:
                self._finish(row, status="QUEUED", claimed_at=None, last_error=str(err),
                             next_attempt_at=self.clock() + self.backoff(row["attempts"]))
                report.retrying.append(row["message_id"])
        else:
            self._finish(row, status="SENT", provider_message_id=provider_id,
                         sent_at=self.clock(), last_error=None)
            report.sent.append(row["message_id"])

    def run(self, limit: int | None = None) -> SendReport:
        """Reconcile stale claims, then send due rows until none is due (or ``limit`` were tried)."""
        report = SendReport()
        with _SEND_LOCK:
            report.reconciled = self.reconcile()
            tried = 0
            while limit is None or tried < limit:
                row = self._claim()
                if row is None:
                    break
                tried += 1
                self.send_one(row, report)
        return report
