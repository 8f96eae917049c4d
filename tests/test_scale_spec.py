"""Sweep specs: parsing, rejection of malformed specs before any task runs, scenario transforms.

No solver runs here except where a bad spec must be refused *before* the runner
would start one (``on_ready`` is the runner's last step before submitting).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.domain import ClinicianType, LeaveStatus, ShiftStatus, Weekday
from rotacc_lab.scale import Scenario, SpecError, apply_change, load_spec, parse_spec, run_sweep
from rotacc_lab.scenarios import ExtraLeave, MinimumChange, NewLocum, PartnerLeaves, WteChange
from rotacc_lab.synth import synthetic_practice

from _scale_helpers import GRID_SPEC, make_workspace, write_spec

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ws_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("scale_spec")
    make_workspace(d)
    return d


def test_grid_order_and_size(ws_dir: Path) -> None:
    spec = load_spec(write_spec(ws_dir, GRID_SPEC))
    tasks = spec.tasks()
    assert len(tasks) == 3 * 2 * 2
    assert [t.task_id for t in tasks] == list(range(12))
    assert [(t.scenario.name, t.weights_name, t.seed) for t in tasks[:4]] == [
        ("baseline", "default", 0), ("baseline", "default", 7),
        ("baseline", "fair_mondays", 0), ("baseline", "fair_mondays", 7),
    ]
    assert tasks[0].workspace == str(ws_dir / "tiny.duckdb")
    assert dict(tasks[2].weights) == {"S2": 400, "S11": 50}
    assert tasks[4].scenario.changes == (
        WteChange("P02", 40, date(2026, 3, 9)),
        ExtraLeave("P01", date(2026, 3, 4), date(2026, 3, 5)),
    )
    assert tasks[8].scenario.changes == (MinimumChange(Weekday.MON, 40),)


def test_defaults_give_one_baseline_task_per_workspace(ws_dir: Path) -> None:
    spec = parse_spec({"workspaces": ["tiny.duckdb"], "start": date(2026, 3, 2), "end": date(2026, 3, 6)}, ws_dir)
    (task,) = spec.tasks()
    assert task.scenario == Scenario("baseline") and dict(task.weights) == {} and task.seed == 0
    assert task.reproducible and task.phases == (1, 2, 3, 4, 5, 6)


def test_shipped_example_is_valid() -> None:
    spec = load_spec(ROOT / "examples" / "sweep.toml", check_files=False)
    kinds = {c.kind for sc in spec.scenarios for c in sc.changes}
    assert kinds == {"wte", "leave", "locum", "minimum", "partner_leaves"}
    assert len(spec.tasks()) >= 8


BASE = {"workspaces": ["tiny.duckdb"], "start": "2026-03-02", "end": "2026-03-13"}

#: (spec changes, words the error must contain: the key path and what is accepted)
BAD_SPECS = [
    ({"colour": "blue"}, ["colour", "accepted keys", "workspaces"]),
    ({"workspaces": ["nope.duckdb"]}, ["workspaces[0]", "nope.duckdb", "does not exist"]),
    ({"workspaces": []}, ["workspaces", "non-empty array"]),
    ({"start": "2026-13-01"}, ["start", "2026-13-01", "date"]),
    ({"end": "2026-03-01"}, ["end", "before start"]),
    ({"seeds": [1, -2]}, ["seeds[1]", "-2", "integer >= 0"]),
    ({"seeds": [1, 1]}, ["seeds", "duplicates"]),
    ({"phases": [1, 7]}, ["phases[1]", "1..6"]),
    ({"time_limit_seconds": 0}, ["time_limit_seconds", "> 0"]),
    ({"reproducible": "yes"}, ["reproducible", "true or false"]),
    ({"solver_workers": 4}, ["solver_workers", "reproducible = false"]),
    ({"reproducible": False, "solver_workers": 1}, ["solver_workers", ">= 2"]),
    ({"weights": {"w": {"S99": 3}}}, ["weights.w", "S99", "S1", "S13"]),
    ({"weights": {"w": {"S2": -1}}}, ["weights.w.S2", "-1", "integer >= 0"]),
    ({"weights": {"w": 5}}, ["weights.w", "table"]),
    ({"scenarios": [{"name": "a"}, {"name": "a"}]}, ["scenarios", "duplicate", "'a'"]),
    ({"scenarios": [{"name": "a", "colour": 1}]}, ["scenarios[0]", "colour", "accepted keys"]),
    ({"scenarios": [{"changes": []}]}, ["scenarios[0]", "missing", "name"]),
    ({"scenarios": [{"name": "a", "changes": [{"kind": "raise_pay"}]}]},
     ["scenarios[0].changes[0].kind", "raise_pay", "wte", "partner_leaves"]),
    ({"scenarios": [{"name": "a", "changes": [{"kind": "wte", "clinician_id": "P01"}]}]},
     ["scenarios[0].changes[0]", "missing", "percentage", "effective_from"]),
    ({"scenarios": [{"name": "a", "changes": [{"kind": "wte", "clinician_id": "P01", "percentage": 120,
                                               "effective_from": "2026-03-02"}]}]},
     ["scenarios[0].changes[0]", "percentage", "120", "0..100"]),
    ({"scenarios": [{"name": "a", "changes": [{"kind": "leave", "clinician_id": "P01", "start": "2026-03-02",
                                               "end": "2026-03-03", "leave_type": "holiday"}]}]},
     ["scenarios[0].changes[0]", "leave_type", "ANNUAL_LEAVE"]),
    ({"scenarios": [{"name": "a", "changes": [{"kind": "minimum", "weekday": "Sat", "doctors": 3}]}]},
     ["scenarios[0].changes[0]", "Sat", "Mon"]),
    ({"scenarios": [{"name": "a", "changes": [{"kind": "minimum", "weekday": "Mon", "doctors": 3, "x": 1}]}]},
     ["scenarios[0].changes[0]", "unknown field(s) x", "weekday", "doctors"]),
    ({"out": "results.csv"}, ["out", "results.csv", ".duckdb", ".parquet"]),
]


@pytest.mark.parametrize("change, words", BAD_SPECS, ids=[",".join(c) for c, _ in BAD_SPECS])
def test_malformed_spec_is_rejected_with_a_clear_message(ws_dir: Path, change: dict, words: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        parse_spec({**BASE, **change}, ws_dir)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


#: changes that parse but do not fit the practice's data: caught against the snapshot, still before any task
BAD_AGAINST_DATA = [
    ({"kind": "wte", "clinician_id": "P99", "percentage": 50, "effective_from": "2026-03-02"},
     ["scenarios[0].changes[0]", "P99", "P01", "tiny.duckdb"]),
    ({"kind": "wte", "clinician_id": "P01", "percentage": 50, "effective_from": "2020-03-02"},
     ["scenarios[0].changes[0]", "no working term on 2020-03-02"]),
    ({"kind": "partner_leaves", "clinician_id": "P77", "last_day": "2026-03-06"}, ["P77", "known"]),
    ({"kind": "locum", "clinician_id": "P01", "name": "Dr L", "dates": ["2026-03-03"]}, ["P01", "already exists"]),
    ({"kind": "leave", "clinician_id": "P03", "start": "2020-01-06", "end": "2020-01-07"}, ["P03", "no working term"]),
]


@pytest.mark.parametrize("change, words", BAD_AGAINST_DATA, ids=[f"{c['kind']}-{i}" for i, (c, _) in enumerate(BAD_AGAINST_DATA)])
def test_change_that_does_not_fit_the_data_is_rejected_before_submitting(ws_dir: Path, change, words) -> None:
    spec = parse_spec({**BASE, "scenarios": [{"name": "x", "changes": [change]}]}, ws_dir)
    ready: list[int] = []
    with pytest.raises(SpecError) as info:
        run_sweep(spec, serial=True, progress=False, on_ready=ready.append)
    assert ready == []  # the runner never got to the point of submitting
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_cli_rejects_a_bad_spec_with_exit_2_and_writes_nothing(ws_dir: Path, tmp_path: Path) -> None:
    spec = write_spec(ws_dir, GRID_SPEC.replace("S11 = 50", "S11 = 50\nS42 = 1"), "bad.toml")
    out = tmp_path / "r.duckdb"
    res = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(out), "--serial"])
    assert res.exit_code == 2
    assert "error: weights.fair_mondays: unknown term name(s) 'S42'" in res.output  # the one message
    assert not out.exists()


@pytest.mark.parametrize("args, words", [
    (["--out", "results.txt"], ["--out", ".parquet"]),
    (["--workers", "0"], ["--workers", ">= 1"]),
    (["--serial", "--scheduler", "tcp://127.0.0.1:1"], ["--serial", "--scheduler"]),
], ids=["out", "workers", "serial+scheduler"])
def test_cli_rejects_bad_options(ws_dir: Path, tmp_path: Path, args: list[str], words: list[str]) -> None:
    spec = write_spec(ws_dir, GRID_SPEC, "ok.toml")
    res = CliRunner().invoke(app, ["sweep", str(spec), *[a.replace("results.txt", str(tmp_path / "r.txt"))
                                                            for a in args]])
    assert res.exit_code == 2, res.output
    for word in words:
        assert word in res.output


def test_cli_missing_and_invalid_toml(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["sweep", str(tmp_path / "missing.toml")])
    assert res.exit_code == 2 and "missing.toml does not exist" in res.output
    bad = write_spec(tmp_path, "workspaces = [", "broken.toml")
    res = CliRunner().invoke(app, ["sweep", str(bad)])
    assert res.exit_code == 2 and "not valid TOML" in res.output


# --------------------------------------------------------------------------- scenario transforms

SNAP = synthetic_practice(n_partners=5, n_salaried=2, weeks=12, seed=3)
PARTNERS = sorted(c.clinician_id for c in SNAP.clinicians if c.clinician_type is ClinicianType.PARTNER)
DAYS = [SNAP.terms[0].start_date + timedelta(days=k) for k in range(0, 84)]


@settings(max_examples=40, deadline=None)
@given(cid=st.sampled_from(PARTNERS), pct=st.integers(0, 100), eff=st.sampled_from(DAYS), probe=st.sampled_from(DAYS))
def test_wte_change_is_pure_and_splits_the_term_at_the_date(cid, pct, eff, probe) -> None:
    before = replace(SNAP)
    after = apply_change(WteChange(cid, pct, eff), SNAP)
    assert SNAP == before  # the input snapshot is untouched
    old, new = SNAP.term_on(cid, probe), after.term_on(cid, probe)
    assert (old is None) == (new is None)  # coverage unchanged
    if old is not None:
        assert new.percentage == (pct if probe >= eff else old.percentage)
    assert len({t.term_id for t in after.terms}) == len(after.terms)
    for other in PARTNERS:
        if other != cid:
            assert after.terms_by_clinician[other] == SNAP.terms_by_clinician[other]


WITH_SHIFTS = synthetic_practice(n_partners=5, n_salaried=2, weeks=12, seed=3, with_shifts=True)


@settings(max_examples=30, deadline=None)
@given(cid=st.sampled_from(PARTNERS), last=st.sampled_from(DAYS))
def test_partner_leaves_ends_terms_and_cancels_what_comes_later(cid, last) -> None:
    after = apply_change(PartnerLeaves(cid, last), WITH_SHIFTS)
    assert all(t.end_date is not None and t.end_date <= last for t in after.terms_by_clinician.get(cid, ()))
    assert not any(s.clinician_id == cid and s.date > last and s.status is ShiftStatus.SCHEDULED
                   for s in after.shifts)
    assert not any(lv.clinician_id == cid and lv.start_date > last and lv.status is LeaveStatus.APPROVED
                   for lv in after.leave)
    assert len(after.shifts) == len(WITH_SHIFTS.shifts)  # cancelled, not removed (as in a branch workspace)
    assert {s for s in WITH_SHIFTS.shifts if s.clinician_id != cid} <= set(after.shifts)


def test_leave_locum_and_minimum_changes() -> None:
    cid = PARTNERS[0]
    worked = [s for s in WITH_SHIFTS.shifts if s.clinician_id == cid and s.status is ShiftStatus.SCHEDULED
              and not s.is_pinned]
    day = worked[0].date if worked else DAYS[10]
    after = apply_change(ExtraLeave(cid, day, day + timedelta(days=2)), WITH_SHIFTS)
    lv = after.approved_leave_on(cid, day)
    assert lv is not None and lv.status is LeaveStatus.APPROVED and len(after.leave) == len(WITH_SHIFTS.leave) + 1
    assert not any(s.clinician_id == cid and lv.covers(s.date) and s.status is ShiftStatus.SCHEDULED
                   and not s.is_pinned for s in after.shifts)

    dates = (DAYS[1], DAYS[8])
    after = apply_change(NewLocum("LX", "Dr Cover", dates), WITH_SHIFTS)
    assert after.clinician("LX").clinician_type is ClinicianType.LOCUM
    assert after.term_on("LX", DAYS[5]) is not None and after.locum_bookings[-1].dates == dates
    booked = [s for s in after.shifts if s.clinician_id == "LX"]
    assert [s.date for s in booked] == list(dates) and all(s.is_pinned for s in booked)
    ids = [s.shift_id for s in after.shifts]
    assert None not in ids and len(set(ids)) == len(ids)  # in-memory shifts get fresh, unique ids

    after = apply_change(MinimumChange(Weekday.MON, 9), SNAP)
    assert after.settings.min_doctors[Weekday.MON] == 9
    assert {d: v for d, v in after.settings.min_doctors.items() if d is not Weekday.MON} == {
        d: v for d, v in SNAP.settings.min_doctors.items() if d is not Weekday.MON}


def test_in_memory_change_matches_the_branch_workspace(tmp_path: Path) -> None:
    """apply_change gives the same practice as rotacc_lab.scenarios writing into a branch (ids aside)."""
    from rotacc_lab.store import Workspace

    base = Workspace.open(make_workspace(tmp_path))
    snap = base.load_snapshot()
    changes = [WteChange("P02", 40, date(2026, 3, 9)), ExtraLeave("P01", date(2026, 3, 4), date(2026, 3, 5)),
               MinimumChange(Weekday.TUE, 1), PartnerLeaves("P04", date(2026, 3, 10)),
               NewLocum("L9", "Dr Nine", (date(2026, 3, 3), date(2026, 3, 12)))]
    branch = base.branch(tmp_path / "branch.duckdb", actor="test")
    for c in changes:
        c.apply(branch, actor="test")
        snap = apply_change(c, snap)
    written = branch.load_snapshot()

    def shape(s):
        return (
            s.settings.min_doctors,
            sorted((t.clinician_id, t.start_date, t.end_date, t.percentage) for t in s.terms),
            sorted((lv.clinician_id, lv.start_date, lv.end_date, lv.status, lv.leave_type) for lv in s.leave),
            sorted((x.clinician_id, x.date, x.shift_type, x.status, x.is_pinned) for x in s.shifts),
            sorted((b.clinician_id, b.dates) for b in s.locum_bookings),
            sorted(c.clinician_id for c in s.clinicians),
        )

    assert shape(snap) == shape(written)
