"""Import validation (every problem reported, nothing written), round trips, and the workspace CLI."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import TINY_FILES, write_practice_folder
from rotacc_lab.errors import RotaccError, ValidationError
from rotacc_lab.store import Workspace, export_folder, export_xlsx, import_source, read_source


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base_ws(tmp_path_factory) -> Path:
    """One imported workspace shared by the bad-input tests (they must never change it)."""
    d = tmp_path_factory.mktemp("base")
    path = d / "practice.duckdb"
    import_source(path, write_practice_folder(d / "src"))
    return path


def edit(name: str, old: str, new: str) -> dict[str, str]:
    text = TINY_FILES[name]
    assert old in text, f"{old!r} not in {name}"
    return {name: text.replace(old, new, 1)}


def append(name: str, line: str) -> dict[str, str]:
    return {name: TINY_FILES[name] + line + "\n"}


# (id, file overrides, expected source, row, column, value, message fragment)
BAD_INPUTS = [
    ("unknown clinician in term", edit("working_terms.csv", "T01,P01", "T01,P99"),
     "working_terms.csv", 1, "clinician_id", "P99", "unknown clinician id"),
    ("duplicate clinician id", append("clinicians.csv", "P01,Dr Again,,PARTNER"),
     "clinicians.csv", 6, "clinician_id", "P01", "duplicate id; it is already used on row 1"),
    ("overlapping terms", append("working_terms.csv", "T06,P01,PARTNER,2026-01-01,,50,,,,,,,,"),
     "working_terms.csv", 6, "start_date", "2026-01-01", "overlaps term T01"),
    ("end before start", edit("working_terms.csv", "2025-04-01,2026-06-30", "2025-04-01,2025-01-01"),
     "working_terms.csv", 3, "end_date", "2025-01-01", "before start_date"),
    ("percentage above 100", edit("working_terms.csv", ",100,", ",120,"),
     "working_terms.csv", 1, "percentage", "120", "0..100"),
    ("percentage not an integer", edit("working_terms.csv", ",80,", ",80.5,"),
     "working_terms.csv", 2, "percentage", "80.5", "whole number 0..100"),
    ("unknown clinician type", edit("clinicians.csv", "Dr Ben Partner,ben@example.org,PARTNER", "Dr Ben Partner,ben@example.org,NURSE"),
     "clinicians.csv", 2, "clinician_type", "NURSE", "PARTNER, SALARIED, LOCUM"),
    ("unknown day name", edit("working_terms.csv", "Tue;Wed;Thu", "Tue;Sat"),
     "working_terms.csv", 3, "fixed_working_days", "Tue;Sat", "Mon..Fri"),
    ("bad date", edit("sick_leave.csv", "SK1,S01,2026-01-05", "SK1,S01,2026-13-05"),
     "sick_leave.csv", 1, "start_date", "2026-13-05", "YYYY-MM-DD"),
    ("minimum above maximum", edit("working_terms.csv", ",3,5,6", ",5,3,6"),
     "working_terms.csv", 1, "minimum_shifts_per_week", "5", "minimum must be <= the maximum"),
    ("negative minimum", edit("working_terms.csv", ",2,4,6", ",-1,4,6"),
     "working_terms.csv", 2, "minimum_shifts_per_week", "-1", "negative"),
    ("overlapping leave", append("leave.csv", "LV4,P01,STUDY_LEAVE,2026-01-16,2026-01-19,PENDING,FULL"),
     "leave.csv", 4, "start_date", "2026-01-16", "overlaps leave LV1"),
    ("week pattern on partner term", edit("working_terms.csv", "Fri,,,2,4", "Fri,Mon,,2,4"),
     "working_terms.csv", 2, "week_a_days", "Mon", "only allowed on ALTERNATE_WEEKS"),
    ("alternate term without pattern", edit("working_terms.csv", "Mon;Tue;Wed,Thu;Fri", ","),
     "working_terms.csv", 4, "week_a_days", None, "needs a week-A/B pattern"),
    ("duplicate shift", append("shifts.csv", "9,P01,2026-01-05,STANDARD,FULL,SCHEDULED,false,"),
     "shifts.csv", 6, "date", "2026-01-05", "already has a non-cancelled shift on 2026-01-05 (row 1)"),
    ("bad boolean", edit("shifts.csv", "SCHEDULED,no,", "SCHEDULED,maybe,"),
     "shifts.csv", 2, "is_pinned", "maybe", "true/false, yes/no or 1/0"),
    ("bad entitlement", edit("working_terms.csv", ",,,16.5", ",,,sixteen"),
     "working_terms.csv", 3, "annual_leave_entitlement", "sixteen", "at most 2 decimals"),
    ("bad adjustment amount", edit("leave_adjustments.csv", "-1.5", "-1.555"),
     "leave_adjustments.csv", 1, "amount", "-1.555", "at most 2 decimals"),
    ("malformed locum dates", edit("locum_bookings.csv", "2026-01-08;2026-01-09", "2026-01-08;9 Jan"),
     "locum_bookings.csv", 1, "dates", "2026-01-08;9 Jan", "separated by ';'"),
    ("trainer unknown clinician", edit("trainer_requirements.csv", "P01;P02", "P01;X9"),
     "trainer_requirements.csv", 2, "clinician_ids", "P01;X9", "unknown clinician id(s) X9"),
    ("affinity with itself", edit("affinity_pairs.csv", "P01,P02", "P02,P02"),
     "affinity_pairs.csv", 1, "clinician_b", "P02", "cannot be paired with itself"),
    ("affinity unknown id", edit("affinity_pairs.csv", "P01,P02", "Q01,P02"),
     "affinity_pairs.csv", 1, "clinician_a", "Q01", "unknown clinician id"),
    ("missing required file", {"working_terms.csv": None},
     "working_terms.csv", None, None, None, "required table is missing"),
    ("missing required column", {"clinicians.csv": "clinician_id,name,clinician_type\nP01,A,PARTNER\n"},
     "clinicians.csv", None, "email", None, "required column is missing"),
    ("unknown settings key", edit("settings.toml", "seed = 7", "seed = 7\nthreads = 4"),
     "settings.toml", None, "optimiser.threads", None, "unknown settings key"),
    ("unknown settings section", append("settings.toml", "[extras]\nfoo = 1"),
     "settings.toml", None, "extras.foo", None, "unknown section 'extras'"),
    ("bad uk_nation", edit("settings.toml", 'uk_nation = "england"', 'uk_nation = "france"'),
     "settings.toml", None, "practice.uk_nation", "france", "england, wales, scotland or northern_ireland"),
    ("shift without covering term", append("shifts.csv", "10,L01,2025-12-01,STANDARD,FULL,SCHEDULED,false,"),
     "shifts.csv", 6, "date", "2025-12-01", "no working term covering 2025-12-01"),
    ("term type does not fit clinician", edit("working_terms.csv", "T01,P01,PARTNER", "T01,P01,SALARIED"),
     "working_terms.csv", 1, "term_type", "SALARIED", "accepted for that type: PARTNER"),
    ("unknown leave type", edit("leave.csv", "LV1,P01,ANNUAL_LEAVE", "LV1,P01,HOLIDAY"),
     "leave.csv", 1, "leave_type", "HOLIDAY", "ANNUAL_LEAVE, STUDY_LEAVE"),
    ("missing settings file", {"settings.toml": None},
     "settings.toml", None, None, None, "required file is missing"),
    ("bad settings value", edit("settings.toml", "fixed_period_weeks = 6", 'fixed_period_weeks = "six"'),
     "settings.toml", None, "rota.fixed_period_weeks", "six", "integer >= 0"),
]


@pytest.mark.parametrize(
    "overrides, source, row, column, value, fragment",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_INPUTS],
)
def test_bad_input_is_reported_and_nothing_written(base_ws: Path, tmp_path: Path, overrides, source, row, column,
                                                   value, fragment) -> None:
    folder = write_practice_folder(tmp_path / "bad", **overrides)
    before = sha(base_ws)
    with pytest.raises(ValidationError) as exc:
        import_source(base_ws, folder, actor="test")
    assert sha(base_ws) == before
    assert not list(base_ws.parent.glob(".*.tmp"))
    matches = [p for p in exc.value.problems
               if (p.source, p.row, p.column) == (source, row, column) and fragment in p.message]
    assert matches, "\n".join(map(str, exc.value.problems))
    assert matches[0].value == value
    assert str(folder) in str(exc.value) and fragment in str(exc.value)


def test_many_errors_are_listed_together(base_ws: Path, tmp_path: Path) -> None:
    overrides = {}
    for case in (BAD_INPUTS[4], BAD_INPUTS[6], BAD_INPUTS[15], BAD_INPUTS[19], BAD_INPUTS[26], BAD_INPUTS[11]):
        overrides.update(case[1])
    folder = write_practice_folder(tmp_path / "bad", **overrides)
    before = sha(base_ws)
    with pytest.raises(ValidationError) as exc:
        import_source(base_ws, folder)
    assert sha(base_ws) == before
    found = {(p.source, p.column) for p in exc.value.problems}
    assert {("working_terms.csv", "percentage"), ("clinicians.csv", "clinician_type"), ("shifts.csv", "is_pinned"),
            ("trainer_requirements.csv", "clinician_ids"), ("settings.toml", "practice.uk_nation"),
            ("leave.csv", "start_date")} <= found
    assert str(exc.value).startswith(f"{len(exc.value.problems)} problem(s) in")


def test_a_flood_of_bad_rows_gives_a_readable_capped_message(base_ws: Path, tmp_path: Path) -> None:
    """Issue 22 item 6: the first 100 problems, then the rest counted by file, column and kind."""
    from rotacc_lab.errors import SHOWN_PROBLEMS

    bad_types = "".join(f"X{i:05d},Dr X{i},,SURGEON\n" for i in range(3000))
    bad_emails = "".join(f"Y{i:05d},Dr Y{i},not-an-email,PARTNER\n" for i in range(1500))
    folder = write_practice_folder(tmp_path / "flood", **{"clinicians.csv": TINY_FILES["clinicians.csv"] + bad_types + bad_emails})
    before = sha(base_ws)
    with pytest.raises(ValidationError) as exc:
        import_source(base_ws, folder)
    assert sha(base_ws) == before
    err = exc.value
    assert err.total >= 4500 and len(err.problems) <= 1000  # kept whole: at most the checker's cap
    text = str(err)
    lines = text.splitlines()
    assert lines[0].startswith(f"{err.total:,} problem(s) in")
    listed = [line for line in lines if line.startswith("  - ")]
    assert len(listed) == SHOWN_PROBLEMS
    assert f"... and {err.total - SHOWN_PROBLEMS:,} more, by file, column and kind:" in text
    kinds = [line for line in lines if line.startswith("    ") and " x clinicians.csv, column " in line]
    assert any("column clinician_type" in line for line in kinds), text[-2000:]
    assert sum(int(line.split(" x ")[0].replace(",", "")) for line in kinds) == err.total - SHOWN_PROBLEMS
    assert len(text) < 40_000


def test_a_short_list_is_shown_whole() -> None:
    from rotacc_lab.errors import Problem

    problems = [Problem("a.csv", i, "x", i, "is bad") for i in range(1, 4)]
    text = str(ValidationError(problems, "a folder"))
    assert text.splitlines()[0] == "3 problem(s) in a folder; nothing was written:"
    assert len(text.splitlines()) == 4 and "more" not in text


def test_new_workspace_is_not_created_on_failure(tmp_path: Path) -> None:
    folder = write_practice_folder(tmp_path / "bad", **BAD_INPUTS[0][1])
    with pytest.raises(ValidationError):
        import_source(tmp_path / "new.duckdb", folder)
    assert not (tmp_path / "new.duckdb").exists()


def test_unknown_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    header, *rows = TINY_FILES["clinicians.csv"].splitlines()
    text = "\n".join([header + ",phone"] + [r + ",01234 567890" for r in rows]) + "\n"
    folder = write_practice_folder(tmp_path / "src", **{"clinicians.csv": text})
    summary = import_source(tmp_path / "w.duckdb", folder)
    assert [(w.source, w.column) for w in summary.warnings] == [("clinicians.csv", "phone")]
    assert "unknown column ignored" in str(summary)


def test_read_source_parses_blanks_and_defaults(tiny_folder: Path) -> None:
    snap = read_source(tiny_folder)
    assert snap.settings.practice_name == "Tiny Practice"
    assert snap.settings.optimiser.weights["S2"] == 120 and snap.settings.optimiser.weights["S7"] == 1000
    assert snap.settings.reporting_period("Q1").end.isoformat() == "2026-03-31"
    l01 = next(s for s in snap.shifts if s.clinician_id == "L01")
    assert (l01.shift_id, l01.shift_type.value, l01.duration.value, l01.status.value, l01.is_pinned, l01.origin) == (
        None, "STANDARD", "FULL", "SCHEDULED", False, "import")
    lv3 = next(x for x in snap.leave if x.leave_id == "LV3")
    assert (lv3.leave_type.value, lv3.status.value, lv3.duration.value) == ("ANNUAL_LEAVE", "PENDING", "FULL")
    assert snap.sick_leave[1].end_date is None
    assert snap.term_by_id["T04"].week_b_days[0].label == "Thu"


def _strip_version(s):
    return dataclasses.replace(s, data_version=0)


def test_folder_round_trip_is_exact(workspace: Workspace, tmp_path: Path) -> None:
    first = tmp_path / "out1"
    export_folder(workspace, first)
    import_source(tmp_path / "again.duckdb", first)
    again = Workspace.open(tmp_path / "again.duckdb")
    assert _strip_version(again.load_snapshot()) == _strip_version(workspace.load_snapshot())
    second = tmp_path / "out2"
    export_folder(again, second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) == 10
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_xlsx_round_trip(workspace: Workspace, tmp_path: Path) -> None:
    book = export_xlsx(workspace, tmp_path / "practice.xlsx")
    import_source(tmp_path / "x.duckdb", book)
    assert _strip_version(Workspace.open(tmp_path / "x.duckdb").load_snapshot()) == _strip_version(
        workspace.load_snapshot())


def test_xlsx_problems_name_the_sheet(workspace: Workspace, tmp_path: Path) -> None:
    import openpyxl

    book = export_xlsx(workspace, tmp_path / "practice.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["working_terms"]["F2"] = 150  # percentage of the first term
    sheet = wb["settings"]
    sheet.append(["staffing.nurses", 3])
    wb.save(book)
    with pytest.raises(ValidationError) as exc:
        read_source(book)
    probs = {(p.source, p.row, p.column, p.value) for p in exc.value.problems}
    assert ("sheet working_terms", 1, "percentage", "150") in probs
    assert any(p.source == "sheet settings" and p.column == "staffing.nurses" and p.row is not None
               for p in exc.value.problems)


def test_reimport_replaces_data_and_keeps_history(workspace: Workspace, tmp_path: Path) -> None:
    text = "\n".join(line for line in TINY_FILES["shifts.csv"].splitlines() if not line.startswith("2,")) + "\n"
    folder = write_practice_folder(tmp_path / "v2", **{"shifts.csv": text})
    v = workspace.data_version()
    summary = import_source(workspace.path, folder, actor="second")
    assert not summary.created and summary.counts["shifts"] == 4
    snap = workspace.load_snapshot()
    assert 2 not in {s.shift_id for s in snap.shifts}
    assert snap.data_version > v
    assert [h["actor"] for h in workspace.audit_history("clinician", "P01")] == ["fixture", "second"]
    # a shift added later gets an id never used before
    from datetime import date

    from rotacc_lab.domain import Shift

    with workspace.transaction("t") as tx:
        (new_id,) = tx.insert_shifts([Shift(None, "P02", date(2026, 1, 20))])
    assert new_id > 5


# --------------------------------------------------------------------------- CLI


def _cli():
    from rotacc_lab.cli import app

    return app


def test_cli_import_prints_counts_and_errors(tmp_path: Path, tiny_folder: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "c.duckdb"
    res = runner.invoke(_cli(), ["import", str(ws), str(tiny_folder)])
    assert res.exit_code == 0, res.output
    assert "clinicians" in res.output and "5" in res.output
    bad = write_practice_folder(tmp_path / "bad", **{**BAD_INPUTS[4][1], **BAD_INPUTS[6][1]})
    before = sha(ws)
    res = runner.invoke(_cli(), ["import", str(ws), str(bad)])
    assert res.exit_code == 2
    assert "working_terms.csv, row 1, column percentage" in res.output
    assert "clinicians.csv, row 2, column clinician_type" in res.output
    assert sha(ws) == before


def test_cli_init_export_branch_history_runs_alerts(tmp_path: Path, tiny_folder: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "c.duckdb"
    res = runner.invoke(_cli(), ["init", str(ws), "--name", "Glen Surgery", "--nation", "scotland"])
    assert res.exit_code == 0, res.output
    assert Workspace.open(ws).load_snapshot().settings.uk_nation.value == "SCOTLAND"
    assert runner.invoke(_cli(), ["init", str(ws)]).exit_code == 2
    assert runner.invoke(_cli(), ["init", str(tmp_path / "n.duckdb"), "--nation", "france"]).exit_code == 2
    assert runner.invoke(_cli(), ["import", str(ws), str(tiny_folder)]).exit_code == 0
    res = runner.invoke(_cli(), ["export", str(ws), str(tmp_path / "out"), "--xlsx", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "shifts.csv").is_file() and (tmp_path / "o.xlsx").is_file()
    res = runner.invoke(_cli(), ["branch", str(ws), str(tmp_path / "b.duckdb")])
    assert res.exit_code == 0 and (tmp_path / "b.duckdb").is_file()
    res = runner.invoke(_cli(), ["history", str(ws), "clinician", "P01"])
    assert res.exit_code == 0 and "import" in res.output and "Dr Ada Partner" in res.output
    from datetime import date

    from rotacc_lab.store import begin_run

    run_id = begin_run(Workspace.open(ws), date(2026, 1, 5), date(2026, 3, 27), (1, 2), {}, "alice")
    res = runner.invoke(_cli(), ["runs", str(ws)])
    assert res.exit_code == 0 and f"run    {run_id}  PENDING" in res.output
    assert runner.invoke(_cli(), ["runs", str(ws), "--fail", str(run_id)]).exit_code == 0
    assert Workspace.open(ws).list_runs()[0]["status"] == "FAILED"
    res = runner.invoke(_cli(), ["runs", str(ws), "--fail", "999"])
    assert res.exit_code == 2 and "run 999 does not exist" in res.output
    res = runner.invoke(_cli(), ["alerts", str(ws), "--open"])
    assert res.exit_code == 0 and "no open alerts" in res.output
    res = runner.invoke(_cli(), ["history", str(tmp_path / "missing.duckdb"), "shift", "1"])
    assert res.exit_code == 2 and "missing.duckdb does not exist" in res.output


def test_crash_during_write_leaves_workspace_untouched(workspace: Workspace, tmp_path: Path, monkeypatch) -> None:
    """Fault injection: the write into the temporary copy fails half-way; the original is byte-identical."""
    from rotacc_lab.store import importer

    real = importer._replace_practice

    def half_then_crash(con, snap, actor, source):
        real(con, snap, actor, source)  # the temporary copy is fully written ...
        raise OSError("disk full")  # ... but the process fails before os.replace

    monkeypatch.setattr(importer, "_replace_practice", half_then_crash)
    folder = write_practice_folder(tmp_path / "v2", **edit("clinicians.csv", "Dr Ada Partner", "Dr Ada Renamed"))
    before = sha(workspace.path)
    with pytest.raises(RotaccError, match=r"cannot import into .*practice\.duckdb: disk full"):
        import_source(workspace.path, folder)
    assert sha(workspace.path) == before
    assert not [p for p in workspace.path.parent.iterdir() if p.name.startswith(".")]
    assert workspace.load_snapshot().clinician("P01").name == "Dr Ada Partner"
