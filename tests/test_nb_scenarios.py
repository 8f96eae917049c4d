"""scenarios: each what-if change on a real branch (audited, baseline untouched), parsing, comparison."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from _nb_helpers import END, START, TIME_LIMIT, _nb_demo_template, demo_ws  # noqa: F401 - fixtures
from rotacc_lab import scenarios as sc
from rotacc_lab.domain import (
    ClinicianType,
    LeaveStatus,
    OptimiserSettings,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    Weekday,
)
from rotacc_lab.notebook_support import file_digest
from rotacc_lab.store import Workspace


@pytest.fixture
def branch(demo_ws: Path) -> Workspace:
    return sc.make_branch(demo_ws, sc.default_branch_path(demo_ws))


def _audit(ws: Workspace, entity: str, entity_id: str) -> list[dict]:
    return [r for r in ws.audit_history(entity, entity_id) if r["actor"].startswith("what-if:")]


# --------------------------------------------------------------------------- each change


def test_wte_change_splits_the_term_and_updates_later_ones(branch: Workspace) -> None:
    change = sc.WteChange("P02", 50, date(2026, 3, 9))
    change.apply(branch)
    terms = {t.term_id: t for t in branch.load_snapshot().terms if t.clinician_id == "P02"}
    assert terms["P02-2026a"].end_date == date(2026, 3, 8) and terms["P02-2026a"].percentage == 80
    tail = terms["P02-2026a~2026-03-09"]
    assert (tail.start_date, tail.end_date, tail.percentage) == (date(2026, 3, 9), date(2026, 7, 5), 50)
    assert terms["P02-2026b"].percentage == 50
    assert [r["action"] for r in _audit(branch, "term", "P02-2026a")] == ["update"]
    assert _audit(branch, "term", "P02-2026a~2026-03-09")[0]["after"]["percentage"] == 50
    # on the first day of a term the term itself is updated (no split)
    sc.WteChange("P02", 40, date(2026, 7, 6)).apply(branch)
    assert {t.term_id: t.percentage for t in branch.load_snapshot().terms if t.clinician_id == "P02"}[
        "P02-2026b"] == 40


def test_extra_leave_is_approved_and_removes_unpinned_scheduled_shifts(demo_ws: Path) -> None:
    from rotacc_lab.generation.pipeline import generate

    generate(demo_ws, START, END, actor="t", phases=(1,), today=START)  # fixed shifts to remove
    br = sc.make_branch(demo_ws, sc.default_branch_path(demo_ws))
    before = [s for s in br.load_snapshot().shifts if s.clinician_id == "S01" and START <= s.date <= END]
    assert before, "S01 works fixed days, phase 1 gave them shifts"
    note = sc.ExtraLeave("S01", START, END).apply(br)
    snap = br.load_snapshot()
    added = [lv for lv in snap.leave if lv.leave_id.startswith("WHATIF-")]
    assert len(added) == 1 and added[0].status is LeaveStatus.APPROVED
    assert not [s for s in snap.shifts if s.clinician_id == "S01" and START <= s.date <= END]
    assert note.endswith(f"{len(before)} shift(s) removed")
    assert _audit(br, "leave", added[0].leave_id)[0]["action"] == "insert"


def test_new_locum_gets_a_term_a_booking_and_pinned_shifts(branch: Workspace) -> None:
    days = (date(2026, 3, 10), date(2026, 3, 11))
    sc.NewLocum("L90", "Dr New", [d.isoformat() for d in days]).apply(branch)
    snap = branch.load_snapshot()
    assert snap.clinician("L90").clinician_type is ClinicianType.LOCUM
    assert [t.percentage for t in snap.terms if t.clinician_id == "L90"] == [0]
    assert [b.dates for b in snap.locum_bookings if b.clinician_id == "L90"] == [days]
    shifts = [s for s in snap.shifts if s.clinician_id == "L90"]
    assert sorted(s.date for s in shifts) == list(days) and all(s.is_pinned for s in shifts)
    assert _audit(branch, "clinician", "L90")[0]["after"]["clinician_type"] == "LOCUM"


def test_minimum_change_rewrites_settings_with_an_audit_row(branch: Workspace) -> None:
    sc.MinimumChange("monday", 7).apply(branch)
    assert branch.load_settings().min_doctors[Weekday.MON] == 7
    row = _audit(branch, "settings", "practice")[-1]
    assert row["before"]["staffing.min_doctors.mon"] == 6 and row["after"]["staffing.min_doctors.mon"] == 7


def test_partner_leaving_ends_terms_and_cancels_later_leave_and_shifts(demo_ws: Path) -> None:
    from rotacc_lab.generation.pipeline import generate

    generate(demo_ws, START, END, actor="t", phases=(1,), today=START)  # P01 must work Mondays
    br = sc.make_branch(demo_ws, sc.default_branch_path(demo_ws))
    last = date(2026, 3, 4)
    sc.PartnerLeaves("P01", last).apply(br)
    snap = br.load_snapshot()
    assert all(t.end_date == last for t in snap.terms if t.clinician_id == "P01")
    assert all(lv.status not in (LeaveStatus.PENDING, LeaveStatus.APPROVED)
               for lv in snap.leave if lv.clinician_id == "P01" and lv.start_date > last)
    later = [s for s in snap.shifts if s.clinician_id == "P01" and s.date > last]
    assert later and all(s.status is ShiftStatus.CANCELLED for s in later)
    # P01's term has a leave adjustment: the term changes in the same single transaction, the
    # adjustment stays attached and is not touched (no foreign key forces a detach/re-attach any more)
    assert [a.adjustment_id for a in snap.leave_adjustments if a.term_id == "P01-2026"] == ["ADJ001"]
    assert _audit(br, "leave_adjustment", "ADJ001") == []


def test_a_failing_change_leaves_the_branch_as_it_was(branch: Workspace) -> None:
    from rotacc_lab.changes import inserted

    class Broken(sc.WteChange):
        def _rows(self, snap):  # type: ignore[no-untyped-def]
            rows, done = super()._rows(snap)
            clash = snap.clinician_by_id["P06"]  # inserting an existing clinician fails the commit
            return rows + (inserted("clinician", clash),), done

    before = branch.load_snapshot()
    with pytest.raises(Exception, match="clinician P06 already exists"):
        Broken("P06", 50, date(2026, 3, 9)).apply(branch)
    snap = branch.load_snapshot()
    assert [t.percentage for t in snap.terms if t.clinician_id == "P06"] == [100]  # nothing written
    assert [a.term_id for a in snap.leave_adjustments if a.adjustment_id == "ADJ002"] == ["P06-2026"]
    assert snap == before and snap.data_version == before.data_version


def test_partner_leaving_refuses_a_salaried_doctor(branch: Workspace) -> None:
    with pytest.raises(sc.ScenarioError, match="S01 is a salaried, not a partner"):
        sc.PartnerLeaves("S01", date(2026, 3, 4)).apply(branch)


def test_a_change_is_never_written_into_a_workspace_that_is_not_a_branch(demo_ws: Path) -> None:
    digest = file_digest(demo_ws)
    with pytest.raises(sc.ScenarioError, match="is not a branch"):
        sc.MinimumChange("Mon", 9).apply(Workspace.open(demo_ws))
    assert Workspace.open(demo_ws, read_only=True).load_settings().min_doctors[Weekday.MON] == 6
    assert file_digest(demo_ws) == digest  # the refusal happens before any write


# --------------------------------------------------------------------------- validation and parsing


@pytest.mark.parametrize(
    ("spec", "pattern"),
    [
        ({"kind": "holiday"}, r"change kind: 'holiday' is not known; accepted: wte, leave, locum"),
        ({"kind": "wte", "clinician_id": "P01"}, r"missing field\(s\) percentage, effective_from"),
        ({"kind": "wte", "clinician_id": "P01", "percentage": 50, "effective_from": "2026-03-02", "x": 1},
         r"unknown field\(s\) x"),
        ({"kind": "wte", "clinician_id": "P01", "percentage": 150, "effective_from": "2026-03-02"},
         r"wte\.percentage: 150 is not accepted"),
        ({"kind": "leave", "clinician_id": "P01", "start": "2026-03-09", "end": "2026-03-02"},
         r"leave\.end: 2026-03-02 is before start"),
        ({"kind": "leave", "clinician_id": "P01", "start": "2026-03-02", "end": "2026-03-03",
          "leave_type": "HOLIDAY"}, r"leave\.leave_type: 'HOLIDAY' is not one of"),
        ({"kind": "locum", "clinician_id": "L9", "name": "Dr L", "dates": ["2026-03-07"]}, r"fall on a weekend"),
        ({"kind": "locum", "clinician_id": "L9", "name": "Dr L", "dates": []}, r"locum\.dates: .* non-empty"),
        ({"kind": "minimum", "weekday": "Sat", "doctors": 3}, r"minimum\.weekday: 'Sat' is not a working day"),
        ({"kind": "minimum", "weekday": "Mon", "doctors": -1}, r"minimum\.doctors: -1 is not accepted"),
        ({"kind": "partner_leaves", "clinician_id": "P01", "last_day": "soon"},
         r"partner_leaves\.last_day: 'soon' is not a date"),
    ],
)
def test_malformed_changes_are_refused_with_a_clear_message(spec: dict, pattern: str) -> None:
    with pytest.raises(sc.ScenarioError, match=pattern):
        sc.parse_changes([spec])


def test_checks_against_the_practice(demo_ws: Path) -> None:
    snap = Workspace.open(demo_ws, read_only=True).load_snapshot()
    with pytest.raises(sc.ScenarioError, match=r"^changes\[0\]: locum\.clinician_id: 'L01' already exists"):
        sc.parse_changes([{"kind": "locum", "clinician_id": "L01", "name": "x", "dates": ["2026-03-10"]}], snap)
    with pytest.raises(sc.ScenarioError, match=r"2026-04-06 are bank holidays"):
        sc.parse_changes([{"kind": "locum", "clinician_id": "L9", "name": "x", "dates": ["2026-04-06"]}], snap)
    with pytest.raises(sc.ScenarioError, match=r"F01 has no working term on 2026-06-01"):
        sc.parse_changes([{"kind": "wte", "clinician_id": "F01", "percentage": 50,
                           "effective_from": "2026-06-01"}], snap)
    parsed = sc.parse_changes('[{"kind": "minimum", "weekday": "fri", "doctors": 4}]', snap)
    assert parsed == [sc.MinimumChange(Weekday.FRI, 4)]
    assert parsed[0].as_dict() == {"kind": "minimum", "weekday": "FRI", "doctors": 4}


def test_make_branch_replaces_only_its_own_branch(demo_ws: Path, tmp_path: Path) -> None:
    target = tmp_path / "b.duckdb"
    sc.make_branch(demo_ws, target)
    with pytest.raises(sc.ScenarioError, match="already exists"):
        sc.make_branch(demo_ws, target)
    sc.make_branch(demo_ws, target, replace_existing=True)  # its own branch: replaced
    stranger = tmp_path / "someone.duckdb"
    stranger.write_bytes(demo_ws.read_bytes())  # a workspace that is not a branch
    with pytest.raises(sc.ScenarioError, match="is not a what-if branch"):
        sc.make_branch(demo_ws, stranger, replace_existing=True)
    assert stranger.exists()


# --------------------------------------------------------------------------- comparison


def _tiny() -> PracticeSnapshot:
    from _gen_helpers import partner

    people = [partner("A", 100), partner("B", 50)]
    return PracticeSnapshot(
        settings=Settings(min_doctors={d: 1 for d in Weekday}),
        clinicians=tuple(c for c, _ in people),
        terms=tuple(t for _, t in people),
    )


def test_shifts_moved_lists_added_removed_and_changed() -> None:
    base = _tiny()
    d1, d2, d3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
    a = base.with_shifts((Shift(1, "A", d1), Shift(2, "B", d2), Shift(3, "A", d3, ShiftType.DUTY),
                          Shift(4, "B", d3, status=ShiftStatus.CANCELLED)))
    b = base.with_shifts((Shift(1, "A", d1), Shift(5, "A", d2), Shift(3, "A", d3, ShiftType.STANDARD)))
    moved = sc.shifts_moved(a, b, d1, d3)
    assert moved.select("clinician_id", "date", "baseline", "branch", "change").rows() == [
        ("A", d2, None, "STANDARD", "added"),
        ("B", d2, "STANDARD", None, "removed"),
        ("A", d3, "DUTY", "STANDARD", "changed"),
    ]


def test_comparing_a_rota_with_itself_shows_no_difference() -> None:
    base = _tiny()
    days = [date(2026, 3, d) for d in (2, 3, 4, 5, 6)]
    snap = base.with_shifts(tuple(Shift(i, "A" if i % 2 else "B", d) for i, d in enumerate(days, 1)))
    cmp = sc.compare(snap, snap, days[0], days[-1])
    assert cmp.moved.height == 0
    assert cmp.summary["delta"].abs().sum() == 0
    assert cmp.fairness.select(pl.col("^.*_delta$")).sum_horizontal().abs().sum() == 0
    assert cmp.staffing_gaps.height == 0


def test_compare_reports_the_staffing_gap_a_change_creates() -> None:
    base = _tiny()
    days = [date(2026, 3, d) for d in (2, 3, 4, 5, 6)]
    full = base.with_shifts(tuple(Shift(i, "A", d) for i, d in enumerate(days, 1)))
    short = base.with_shifts(full.shifts[1:])  # Monday uncovered
    cmp = sc.compare(full, short, days[0], days[-1])
    metrics = dict(zip(cmp.summary["metric"], cmp.summary["delta"]))
    assert metrics["days below minimum"] == 1 and metrics["doctor-days worked"] == -1
    assert cmp.staffing_gaps.select("date", "working_baseline", "working_branch").rows() == [(days[0], 1.0, 0.0)]
    row = cmp.clinicians.filter(pl.col("clinician_id") == "A").row(0, named=True)
    assert (row["worked_baseline"], row["worked_branch"], row["worked_delta"]) == (5.0, 4.0, -1.0)


def test_what_if_end_to_end_leaves_the_baseline_file_byte_for_byte(demo_ws: Path) -> None:
    from rotacc_lab.generation.pipeline import generate

    digest = file_digest(demo_ws)
    baseline = Workspace.open(demo_ws, read_only=True).load_snapshot()
    br = sc.make_branch(demo_ws, sc.default_branch_path(demo_ws))
    for change in sc.parse_changes([
        {"kind": "wte", "clinician_id": "P02", "percentage": 50, "effective_from": "2026-03-02"},
        {"kind": "minimum", "weekday": "Mon", "doctors": 7},
        {"kind": "partner_leaves", "clinician_id": "P08", "last_day": "2026-03-06"},
    ], baseline):
        change.apply(br)
    opt = replace(baseline.settings.optimiser, time_limit_seconds=TIME_LIMIT, num_workers=1)
    assert isinstance(opt, OptimiserSettings)
    generate(br.path, START, END, actor="what-if:test", overwrite=True, optimiser=opt, today=START)
    cmp = sc.compare(baseline, br.load_snapshot(), START, END)
    assert cmp.moved.height > 0  # the branch has a rota, the fresh baseline does not
    assert file_digest(demo_ws) == digest
    assert Workspace.open(br.path, read_only=True).meta()["branch_parent"] == str(demo_ws.resolve())


@pytest.mark.slow
def test_replanned_baseline_is_pure_and_fills_the_range(demo_ws: Path) -> None:
    ws = Workspace.open(demo_ws, read_only=True)
    snap, version = ws.load_snapshot(), ws.data_version()
    opt = replace(snap.settings.optimiser, time_limit_seconds=TIME_LIMIT, num_workers=1)
    planned = sc.replanned(snap, START, END, optimiser=opt)
    in_range = [s for s in planned.shifts if START <= s.date <= END and s.status is not ShiftStatus.CANCELLED]
    stored = {s.shift_id for s in snap.shifts}
    generated = [s for s in in_range if s.origin and s.origin.startswith("phase")]
    assert len(generated) > 40
    # new shifts are numbered after the stored ones in memory (snapshot.next_shift_id), never written
    assert all(s.shift_id not in stored and s.shift_id >= snap.next_shift_id for s in generated)
    assert ws.data_version() == version
    assert planned.clinicians == snap.clinicians and planned.terms == snap.terms
