"""Property: any valid practice survives write -> read unchanged (folder and xlsx), and through a workspace."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotacc_lab.domain import (
    DAYS,
    AffinityPair,
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    PracticeSnapshot,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    TermType,
    WorkingTerm,
)
from rotacc_lab.store import Workspace, import_source, read_source
from rotacc_lab.store.exporter import write_folder, write_xlsx
from rotacc_lab.store.source import canonical

START = date(2026, 1, 5)
TERM_FOR = {ClinicianType.PARTNER: TermType.PARTNER, ClinicianType.SALARIED: TermType.SALARIED,
            ClinicianType.LOCUM: TermType.LOCUM, ClinicianType.FY_DOCTOR: TermType.FY_DOCTOR,
            ClinicianType.ST_DOCTOR: TermType.ST_DOCTOR}

# names with commas, quotes, semicolons and non-ASCII letters, but no surrounding blanks
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=12)
names = names.map(str.strip).filter(bool)
day_sets = st.sets(st.sampled_from(DAYS), max_size=3).map(lambda s: tuple(sorted(s)))


@st.composite
def practices(draw) -> PracticeSnapshot:
    n = draw(st.integers(1, 4))
    clinicians, terms, shifts, leave = [], [], [], []
    next_shift = 1
    for i in range(n):
        ctype = draw(st.sampled_from(list(ClinicianType)))
        cid = f"C{i}"
        clinicians.append(Clinician(cid, draw(names), draw(st.none() | st.just(f"c{i}@x.org")), ctype))
        terms.append(WorkingTerm(
            f"T{i}", cid, TERM_FOR[ctype], START, draw(st.none() | st.just(START + timedelta(days=120))),
            draw(st.integers(0, 100)), draw(day_sets), draw(day_sets), draw(day_sets), (), (),
            draw(st.none() | st.integers(0, 5)), draw(st.none() | st.just(5)),
            draw(st.none() | st.decimals(0, 60, places=2).map(Decimal)),
        ))
        days = draw(st.sets(st.integers(0, 100), max_size=6))
        for off in sorted(d for d in days if (START + timedelta(d)).weekday() < 5):  # no weekend shifts (refused)
            for status in draw(st.lists(st.sampled_from(list(ShiftStatus)), min_size=1, max_size=2)):
                if status is not ShiftStatus.CANCELLED and any(
                        s.clinician_id == cid and s.date == START + timedelta(off) and s.status is not ShiftStatus.CANCELLED
                        for s in shifts):
                    status = ShiftStatus.CANCELLED
                shifts.append(Shift(next_shift, cid, START + timedelta(off), draw(st.sampled_from(list(ShiftType))),
                                    draw(st.sampled_from(list(Duration))), status, draw(st.booleans()),
                                    draw(st.sampled_from(["import", "phase3", "user:zoë"]))))
                next_shift += 1
        cursor = START
        for j in range(draw(st.integers(0, 3))):
            begin = cursor + timedelta(draw(st.integers(0, 10)))
            end = begin + timedelta(draw(st.integers(0, 6)))
            leave.append(Leave(f"L{i}_{j}", cid, draw(st.sampled_from(list(LeaveType))), begin, end,
                               draw(st.sampled_from(list(LeaveStatus))),
                               Duration.HALF if begin == end and draw(st.booleans()) else Duration.FULL))
            cursor = end + timedelta(1)
    pairs = [AffinityPair("C0", "C1")] if n > 1 and draw(st.booleans()) else []
    s = Settings(practice_name=draw(names), target_working_days_per_week=draw(st.decimals("0.5", 5, places=2)))
    return canonical(PracticeSnapshot(settings=s, clinicians=tuple(clinicians), terms=tuple(terms),
                                      shifts=tuple(shifts), leave=tuple(leave), affinity_pairs=tuple(pairs)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices())
def test_folder_write_read_is_identity(snap: PracticeSnapshot) -> None:
    with tempfile.TemporaryDirectory() as d:
        write_folder(snap, Path(d) / "f")
        assert read_source(Path(d) / "f") == snap


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices())
def test_xlsx_write_read_is_identity(snap: PracticeSnapshot) -> None:
    with tempfile.TemporaryDirectory() as d:
        book = write_xlsx(snap, Path(d) / "p.xlsx")
        assert read_source(book) == snap


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices())
def test_workspace_round_trip(snap: PracticeSnapshot) -> None:
    with tempfile.TemporaryDirectory() as d:
        write_folder(snap, Path(d) / "f")
        import_source(Path(d) / "w.duckdb", Path(d) / "f")
        loaded = Workspace.open(Path(d) / "w.duckdb", read_only=True).load_snapshot()
        assert dataclasses.replace(loaded, data_version=0) == snap


# --------------------------------------------------------------------------- settings.toml (tomli-w)

from rotacc_lab.domain import ReportingPeriod  # noqa: E402
from rotacc_lab.store import export_folder  # noqa: E402
from rotacc_lab.store.settings_io import render_toml  # noqa: E402


@st.composite
def any_settings(draw) -> Settings:
    """Settings whose reporting-period names are any text hypothesis draws, and whose practice name is
    any text without control characters (the importer refuses those: tests/test_import_refusals.py)."""
    names = draw(st.lists(st.text(min_size=1), max_size=3, unique=True))
    periods = tuple(ReportingPeriod(n, START + timedelta(days=40 * i), START + timedelta(days=40 * i + 30))
                    for i, n in enumerate(names))
    name = draw(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
    return Settings(practice_name=name, reporting_periods=periods)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_settings())
def test_settings_toml_round_trips_any_name(s: Settings) -> None:
    snap = canonical(PracticeSnapshot(settings=s))
    with tempfile.TemporaryDirectory() as d:
        write_folder(snap, Path(d) / "f")
        assert read_source(Path(d) / "f").settings == snap.settings


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_settings())
def test_settings_survive_export_and_import_of_a_workspace(s: Settings) -> None:
    snap = canonical(PracticeSnapshot(settings=s))
    with tempfile.TemporaryDirectory() as d:
        write_folder(snap, Path(d) / "f")
        import_source(Path(d) / "w.duckdb", Path(d) / "f")
        export_folder(Path(d) / "w.duckdb", Path(d) / "again")
        assert read_source(Path(d) / "again").settings == snap.settings
        assert (Path(d) / "again" / "settings.toml").read_bytes() == (Path(d) / "f" / "settings.toml").read_bytes()


def test_settings_toml_regressions() -> None:
    """Names the hand-written writer got wrong (U+007F), and a period name with dots and quotes.

    A name with a control character is written as a period name: the importer refuses one in the
    practice name (tests/test_import_refusals.py), but the writer must still escape it."""
    for name in ("a\x7fb", "\x7f", "=0", 'say "hi"\\', "line\nbreak", " padded ", "", "é\u2028x"):
        ctrl = any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in name)
        period = name if ctrl else 'Q1."x".y'
        s = Settings(practice_name="P" if ctrl else name,
                     reporting_periods=(ReportingPeriod(period, START, START + timedelta(30)),))
        with tempfile.TemporaryDirectory() as d:
            write_folder(canonical(PracticeSnapshot(settings=s)), Path(d) / "f")
            assert read_source(Path(d) / "f").settings == s, repr(name)
    assert render_toml(Settings()).startswith("# rotacc-lab practice settings")
