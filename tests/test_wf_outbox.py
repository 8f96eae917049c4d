"""Outbox delivery against a real local SMTP server: retries, back-off, no duplicate after a crash."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rotacc_lab.workflows.notifications import (
    OutboxSender,
    header_message_id,
    list_outbox,
    message,
    requeue,
    utcnow,
)
from rotacc_lab.changes import ChangeSet
from rotacc_lab.store.committer import Scope, commit
from rotacc_lab.workflows.smtp import SmtpProvider, SmtpSettings

from _wf_helpers import CollectingHandler, SmtpServer


class Clock:
    """A controllable clock: tests move time instead of sleeping."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


def queue(ws, n=1, address="ada@example.org"):
    def change(snap):
        return ChangeSet("test messages", notifications=tuple(
            message(snap, "P01", address, f"subject {i}", f"body {i}\n") for i in range(n)))

    return list(commit(ws, change, actor="test", scope=Scope()).message_ids)


def provider(port: int) -> SmtpProvider:
    return SmtpProvider(SmtpSettings(host="127.0.0.1", port=port, timeout=10))


def rows(ws):
    return {r["message_id"]: r for r in list_outbox(ws)}


def test_queued_messages_are_sent_once_each(workspace):
    ids = queue(workspace, 3)
    handler = CollectingHandler()
    with SmtpServer(handler) as srv:
        report = OutboxSender(workspace, provider(srv.port)).run()
        again = OutboxSender(workspace, provider(srv.port)).run()
    assert sorted(report.sent) == sorted(ids) and again.sent == []
    assert sorted(handler.message_ids()) == sorted(header_message_id(i) for i in ids)
    for r in rows(workspace).values():
        assert r["status"] == "SENT" and r["attempts"] == 1 and r["provider_message_id"].startswith("Q")


def test_retry_after_451_with_backoff(workspace):
    [mid] = queue(workspace)
    clock = Clock()
    handler = CollectingHandler(reject_first=1)
    with SmtpServer(handler) as srv:
        sender = OutboxSender(workspace, provider(srv.port), clock=clock, base_delay=timedelta(minutes=2))
        first = sender.run()
        assert first.retrying == [mid]
        r = rows(workspace)[mid]
        assert (r["status"], r["attempts"]) == ("QUEUED", 1) and "451" in r["last_error"]
        assert r["next_attempt_at"] == clock.now + timedelta(minutes=2)
        assert sender.run().sent == []  # not due yet
        clock.now += timedelta(minutes=2)
        assert sender.run().sent == [mid]
    assert handler.message_ids() == [header_message_id(mid)]
    r = rows(workspace)[mid]
    assert (r["status"], r["attempts"], r["last_error"]) == ("SENT", 2, None)


def test_gives_up_after_max_attempts(workspace):
    [mid] = queue(workspace)
    clock = Clock()
    handler = CollectingHandler(reject_first=99)
    with SmtpServer(handler) as srv:
        sender = OutboxSender(workspace, provider(srv.port), clock=clock, max_attempts=3,
                              base_delay=timedelta(seconds=10))
        for _ in range(5):
            sender.run()
            clock.now += timedelta(hours=2)
    r = rows(workspace)[mid]
    assert (r["status"], r["attempts"]) == ("FAILED", 3) and r["last_error"].startswith("gave up after 3 attempts")
    assert handler.attempts == 3 and handler.messages == []
    assert sender.backoff(1) == timedelta(seconds=10) and sender.backoff(3) == timedelta(seconds=40)


def test_message_without_address_is_failed_not_sent(workspace):
    [mid] = queue(workspace, address=None)
    r = rows(workspace)[mid]
    assert r["status"] == "FAILED" and "no e-mail address" in r["last_error"]
    with pytest.raises(Exception, match="no recipient address"):
        requeue(workspace, mid, "admin")


CRASH = textwrap.dedent(
    """
    import os, sys
    from rotacc_lab.store import Workspace
    from rotacc_lab.workflows.notifications import OutboxSender
    from rotacc_lab.workflows.smtp import SmtpProvider, SmtpSettings

    class CrashAfterSend(SmtpProvider):
        def send(self, message):
            super().send(message)          # the server has accepted the message ...
            os._exit(17)                    # ... and the process dies before marking it SENT

    ws = Workspace.open(sys.argv[1])
    OutboxSender(ws, CrashAfterSend(SmtpSettings(host="127.0.0.1", port=int(sys.argv[2])))).run()
    """
)


def test_crash_between_send_and_mark_never_sends_twice(workspace, tmp_path: Path):
    [mid, other] = queue(workspace, 2)
    handler = CollectingHandler()
    with SmtpServer(handler) as srv:
        script = tmp_path / "crash.py"
        script.write_text(CRASH, encoding="utf-8")
        done = subprocess.run([sys.executable, str(script), str(workspace.path), str(srv.port)], timeout=120)
        assert done.returncode == 17
        assert len(handler.messages) == 1
        crashed = handler.message_ids()[0]
        crashed_id = crashed.strip("<>").split("@")[0]
        assert rows(workspace)[crashed_id]["status"] == "SENDING"
        # restart: a sender whose clock is past the lease reconciles the stale claim and sends the rest
        clock = Clock()
        clock.now = utcnow() + timedelta(minutes=11)
        report = OutboxSender(workspace, provider(srv.port), clock=clock).run()
        again = OutboxSender(workspace, provider(srv.port), clock=clock).run()
    assert report.reconciled == [crashed_id] and again.sent == [] and again.reconciled == []
    assert sorted(handler.message_ids()) == sorted(header_message_id(i) for i in (mid, other))  # each exactly once
    r = rows(workspace)[crashed_id]
    assert r["status"] == "FAILED" and r["last_error"].startswith("delivery uncertain")
    assert header_message_id(crashed_id) in r["last_error"]


def test_live_claim_inside_the_lease_is_left_alone(workspace):
    [mid] = queue(workspace)
    clock = Clock()
    handler = CollectingHandler()
    with SmtpServer(handler) as srv:
        sender = OutboxSender(workspace, provider(srv.port), clock=clock)
        row = sender._claim()
        assert row["message_id"] == mid
        clock.now += timedelta(minutes=5)  # inside the 10-minute lease: another sender must not touch it
        other = OutboxSender(workspace, provider(srv.port), clock=clock).run()
        assert other.reconciled == [] and other.sent == []
        from rotacc_lab.workflows.notifications import SendReport

        rep = SendReport()
        sender.send_one(row, rep)
    assert rep.sent == [mid] and handler.message_ids() == [header_message_id(mid)]
