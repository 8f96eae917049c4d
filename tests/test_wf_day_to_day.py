"""Running a practice day to day (issue 20): the rota from the command line, swap list/cancel, one open swap per shift."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.workflows import adjustments as adj
from rotacc_lab.workflows import swaps
from rotacc_lab.workflows.rota import ROTA_COLUMNS, rota_rows

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def new_shift(ws):
    from datetime import date

    return adj.add_shift(ws, "P01", date(2026, 3, 3), actor="alice")


def live_shift(ws, clinician):
    return next(s for s in sorted(ws.load_snapshot().shifts, key=lambda s: s.date)
                if s.clinician_id == clinician and s.status.value == "SCHEDULED")


def test_shifts_lists_the_rota_with_ids_in_three_formats(workspace):
    snap = workspace.load_snapshot()
    a = live_shift(workspace, "P01")
    r = run("shifts", workspace.path, "--clinician", "P01", "--from", a.date, "--to", a.date, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [x["shift_id"] for x in rows] == [s.shift_id for s in snap.shifts
                                              if s.clinician_id == "P01" and s.date == a.date]
    name = next(c.name for c in snap.clinicians if c.clinician_id == "P01")
    assert rows[0]["name"] == name and rows[0]["weekday"] == a.date.strftime("%a") and set(rows[0]) == set(ROTA_COLUMNS)
    r = run("shifts", workspace.path, "--format", "csv")
    assert r.exit_code == 0, r.output
    got = list(csv.DictReader(io.StringIO(r.output)))
    assert len(got) == len(snap.shifts) and tuple(got[0]) == ROTA_COLUMNS
    r = run("shifts", workspace.path, "--clinician", "P01")
    assert r.exit_code == 0 and r.output.splitlines()[0].split() == list(ROTA_COLUMNS)
    assert f"{sum(s.clinician_id == 'P01' for s in snap.shifts)} shift(s)" in r.output


def test_shifts_filters_are_inclusive_and_sorted(workspace):
    from datetime import date

    for d in (date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 10)):
        adj.add_shift(workspace, "P01", d, actor="alice")
    adj.add_shift(workspace, "S02", date(2026, 3, 4), actor="alice")
    snap = workspace.load_snapshot()
    lo, hi = date(2026, 3, 3), date(2026, 3, 4)
    rows = rota_rows(snap, start=lo, end=hi)
    assert len(rows) >= 3 and all(lo.isoformat() <= r["date"] <= hi.isoformat() for r in rows)
    assert len(rows) == sum(lo <= s.date <= hi for s in snap.shifts)
    assert rows == sorted(rows, key=lambda r: (r["date"], r["clinician_id"], r["shift_id"]))


@pytest.mark.parametrize("args, message", [
    (("--from", "2026-02-30"), "--from: '2026-02-30' is not a date"),
    (("--to", "12/05/2026"), "--to: '12/05/2026'"),
    (("--format", "xml"), "--format: 'xml' is not one of TABLE, CSV, JSON"),
    (("--clinician", "NOBODY"), "--clinician: 'NOBODY' is not a clinician of this workspace"),
    (("--from", "2026-03-10", "--to", "2026-03-01"), "--to: 2026-03-01 is before --from 2026-03-10"),
])
def test_shifts_bad_values_exit_2_naming_the_option(workspace, args, message):
    r = run("shifts", workspace.path, *args)
    assert r.exit_code == 2 and message in r.output, r.output


def test_second_open_swap_for_a_shift_is_refused_naming_the_first(workspace):
    a = new_shift(workspace)
    first = swaps.request_swap(workspace, "P01", a.shift_id, to_clinician="S02", actor="ada")
    before = len(workspace.load_snapshot().swap_requests)
    with pytest.raises(adj.WorkflowError, match=f"shift {a.shift_id} already has an open swap {first.swap_id}"):
        swaps.request_swap(workspace, "P01", a.shift_id, to_clinician="S02", actor="ada")
    assert len(workspace.load_snapshot().swap_requests) == before  # nothing written
    r = run("swap", "request", workspace.path, "P01", a.shift_id, "--to", "S02")
    assert r.exit_code == 2 and f"already has an open swap {first.swap_id}" in r.output
    # once the first is cancelled, a new request is accepted
    r = run("swap", "cancel", workspace.path, first.swap_id, "--by", "ada")
    assert r.exit_code == 0 and f"swap {first.swap_id}: CANCELLED" in r.output
    assert [h["action"] for h in adj.history(workspace, "swap_request", first.swap_id)] == ["insert", "cancelled"]
    second = swaps.request_swap(workspace, "P01", a.shift_id, to_clinician="S02", actor="ada")
    r = run("swap", "list", workspace.path)
    assert r.exit_code == 0 and second.swap_id in r.output and first.swap_id not in r.output
    r = run("swap", "list", workspace.path, "--status", "all")
    assert first.swap_id in r.output and "CANCELLED" in r.output and second.swap_id in r.output
    r = run("swap", "list", workspace.path, "--status", "done")
    assert r.exit_code == 2 and "--status: 'done' is not one of OPEN, ALL" in r.output
    r = run("swap", "cancel", workspace.path, first.swap_id)
    assert r.exit_code == 2 and "is CANCELLED; only REQUESTED swaps can be cancelled" in r.output


def test_open_swap_check_runs_inside_the_transaction(workspace):
    """The refusal is made by the plan on the snapshot the committer reads, not by a check before it."""
    a = new_shift(workspace)
    first = swaps.request_swap(workspace, "P01", a.shift_id, to_clinician="S02", actor="ada")
    snap = workspace.load_snapshot()
    with pytest.raises(adj.WorkflowError, match=first.swap_id):
        swaps.plan_request_swap(snap, "P01", a.shift_id, to_clinician="S02", actor="ada")
    assert swaps.open_swap_for(snap, a.shift_id).swap_id == first.swap_id


# --------------------------------------------------------------------------- manual changes stick (item 5)


def _free_day(snap, clinician, lo, hi):
    """A working day in [lo, hi] on which ``clinician`` has no live shift and may work."""
    from datetime import timedelta

    d = lo
    while d <= hi:
        if d.weekday() < 5 and not adj.eligibility_problems(snap, clinician, d):
            return d
        d += timedelta(days=1)
    raise AssertionError(f"no free day for {clinician} in {lo}..{hi}")


def test_manual_add_and_move_are_pinned_by_default_and_survive_a_rebalance(workspace):
    from datetime import date

    from rotacc_lab.generation.pipeline import generate
    from rotacc_lab.generation.rebalance import rebalance

    lo, hi = date(2026, 3, 2), date(2026, 3, 27)
    generate(workspace.path, date(2026, 1, 5), hi, phases=(1, 2, 3, 4, 6), today=date(2026, 1, 1))
    snap = workspace.load_snapshot()
    moved = next(s for s in sorted(snap.shifts, key=lambda s: (s.date, s.clinician_id))
                 if lo <= s.date <= hi and not s.is_pinned and s.status.value == "SCHEDULED"
                 and s.shift_type.value == "STANDARD")
    to = _free_day(snap, moved.clinician_id, lo, hi)
    r = run("shift", "move", workspace.path, moved.shift_id, "--to-date", to, "--actor", "alice")
    assert r.exit_code == 0 and r.output.strip().endswith(", pinned"), r.output
    day = _free_day(workspace.load_snapshot(), "S02", lo, hi)
    r = run("shift", "add", workspace.path, "S02", day, "--actor", "alice")
    assert r.exit_code == 0 and r.output.strip().endswith(", pinned"), r.output
    added = max(workspace.load_snapshot().shifts, key=lambda s: s.shift_id)
    assert (added.clinician_id, added.date, added.is_pinned) == ("S02", day, True)
    loose_day = _free_day(workspace.load_snapshot(), "P01", lo, hi)
    r = run("shift", "add", workspace.path, "P01", loose_day, "--no-pin", "--actor", "alice")
    assert r.exit_code == 0 and r.output.strip().endswith(", not pinned"), r.output
    loose = max(workspace.load_snapshot().shifts, key=lambda s: s.shift_id)
    assert not loose.is_pinned and not adj.move_shift(workspace, loose.shift_id, to_date=_free_day(
        workspace.load_snapshot(), "P01", lo, hi), actor="alice", pin=False).is_pinned

    result = rebalance(workspace.path, lo, hi, today=date(2026, 1, 5), fixed_period_weeks=8, phases=(1, 2, 3, 4, 6))
    after = {s.shift_id: s for s in workspace.load_snapshot().shifts}
    assert (after[moved.shift_id].date, after[moved.shift_id].clinician_id) == (to, moved.clinician_id)
    assert after[moved.shift_id].is_pinned and after[moved.shift_id].status.value == "SCHEDULED"
    assert (after[added.shift_id].date, after[added.shift_id].status.value) == (day, "SCHEDULED")
    assert result.summary.stats["overwrite"]["deleted"] > 0  # the rebalance did replace unpinned shifts


def test_rebalance_explains_each_clinicians_change_with_its_figures(workspace):
    from datetime import date

    from rotacc_lab.generation.pipeline import generate

    generate(workspace.path, date(2026, 1, 5), date(2026, 3, 27), phases=(1, 2, 3, 4, 6), today=date(2026, 1, 1))
    r = run("rebalance", workspace.path, "--start", "2026-03-02", "--end", "2026-03-27", "--today", "2026-01-05",
            "--phases", "1,2,3,4,6")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    why = [x.strip() for x in lines[lines.index("why:") + 1:]]
    table = lines[lines.index("why:") - len(why) - 2:lines.index("why:")]
    assert len(why) == len({x.split()[0] for x in why}) >= 4
    for row in table[2:]:
        cid, before, after, change, d_before, d_after, _ = row.split()
        [sentence] = [w for w in why if w.split()[0] == cid]
        n = int(change)
        if n:
            assert sentence.startswith(f"{cid} {'+' if n > 0 else '-'}{abs(n)} shift") and f"({before} -> {after})" in sentence
        else:
            assert sentence.startswith(f"{cid} no change ({before} shifts)")
        def words(d):
            d = float(d)
            return (f"{d:.1f} below target after leave" if d > 0.05 else f"{-d:.1f} over target after leave"
                    if d < -0.05 else "on target after leave")
        assert words(d_before) in sentence and (not n or f"now {words(d_after)}" in sentence), sentence
        assert sentence.endswith(".")
