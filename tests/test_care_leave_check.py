"""Leave approval as a cover re-solve (issue 16 item 4): approved only without shortfall and within the cost limit."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from _care_helpers import write_provider
from rotacc_lab.carehomes.leave_check import check_leave, request_window
from rotacc_lab.carehomes.model import LeaveKind, LeaveStatus
from rotacc_lab.cli import app
from rotacc_lab.store.provider_io import load_provider, provider_audit

from test_care_cover import BANK, MONDAY, PERM, one_unit


def test_a_day_off_that_costs_extra_passes_only_within_the_limit():
    p = one_unit([PERM, BANK])
    wed = MONDAY + timedelta(days=2)
    free = check_leave(p, "P", wed, wed, max_extra_pence=0, time_limit=5)
    assert free.start == MONDAY and free.days == 7 and free.short_after == 0
    assert free.extra_pence > 0 and not free.approved  # someone must be paid to cover P's Wednesday
    assert any("costs £" in r and "above the limit of £0.00" in r for r in free.reasons())
    ok = check_leave(p, "P", wed, wed, max_extra_pence=free.extra_pence, time_limit=5)
    assert ok.approved and ok.extra_pence == free.extra_pence  # reproducible: the same figures twice
    assert ok.request.status is LeaveStatus.PENDING  # the check decides nothing by itself


def test_leave_that_leaves_the_cover_short_is_never_approved_whatever_the_limit():
    p = one_unit([PERM, BANK], agency=())
    week = check_leave(p, "P", MONDAY, MONDAY + timedelta(days=6), max_extra_pence=10**9, time_limit=5)
    assert week.short_after == 3 and week.short_before == 0 and not week.approved
    assert "short by 3 people" in week.reasons()[0]


def test_bad_requests_name_the_parameter():
    p = one_unit([PERM])
    with pytest.raises(ValueError, match="staff: 'X' is not one of"):
        check_leave(p, "X", MONDAY, MONDAY)
    with pytest.raises(ValueError, match="end: .* is before start"):
        check_leave(p, "P", MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(ValueError, match="spans 9 weeks; check at most 8"):
        check_leave(p, "P", MONDAY, MONDAY + timedelta(days=60))
    with pytest.raises(ValueError, match="max extra cost"):
        check_leave(p, "P", MONDAY, MONDAY, max_extra_pence=-1)
    assert request_window(date(2026, 3, 4), date(2026, 3, 9)) == (MONDAY, 14)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_records_approved_or_pending_with_an_audit_row(tmp_path):
    runner = CliRunner()
    ws = tmp_path / "p.duckdb"
    assert runner.invoke(app, ["import", str(ws), str(write_provider(tmp_path / "folder"))]).exit_code == 0
    p = load_provider(ws)
    who = p.staff[0].staff_id
    day = p.settings.horizon_start + timedelta(days=2)
    before = _digest(ws)
    r = runner.invoke(app, ["provider-leave", str(ws), who, str(day), str(day), "--max-extra", "100000",
                            "--time-limit", "2", "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "dry run: nothing written" in r.output and _digest(ws) == before
    approved = "approved" in r.output.splitlines()[0]
    r = runner.invoke(app, ["provider-leave", str(ws), who, str(day), str(day), "--max-extra", "100000",
                            "--time-limit", "2", "--actor", "manager"])
    assert r.exit_code == 0, r.output
    status = LeaveStatus.APPROVED if approved else LeaveStatus.PENDING
    assert f"recorded as {status.value}" in r.output
    added = [x for x in load_provider(ws).leave if x.staff_id == who and x.start_date == day]
    assert [x.status for x in added] == [status] and added[0].kind is LeaveKind.ANNUAL
    row = provider_audit(ws)[-1]
    assert row["action"] == "leave" and row["actor"] == "manager"
    for args, words in ((["NOPE", str(day), str(day)], "staff: 'NOPE'"),
                        ([who, "2026-13-01", str(day)], "start"),
                        ([who, str(day), str(day), "--kind", "HOLIDAY"], "--kind: 'HOLIDAY' is not accepted"),
                        ([who, str(day), str(day), "--max-extra", "-5"], "--max-extra")):
        digest = _digest(ws)
        r = runner.invoke(app, ["provider-leave", str(ws), *args, "--time-limit", "1"])
        assert r.exit_code == 2 and words in r.output, r.output
        assert _digest(ws) == digest
