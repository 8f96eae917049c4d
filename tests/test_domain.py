"""Domain model: parsing, immutability, settings validation, terms and snapshot indexes."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from rotacc_lab.domain import (
    DAYS,
    DEFAULT_WEIGHTS,
    SOFT_TERMS,
    Clinician,
    ClinicianType,
    Duration,
    Leave,
    LeaveStatus,
    LeaveType,
    OptimiserSettings,
    PracticeSnapshot,
    ReportingPeriod,
    Settings,
    Shift,
    ShiftStatus,
    ShiftType,
    SickLeave,
    TermType,
    UKNation,
    Weekday,
    WorkingTerm,
)

ALL_ENUMS = (ClinicianType, TermType, LeaveType, LeaveStatus, Duration, ShiftType, ShiftStatus, UKNation)

# --------------------------------------------------------------------------- enums


@hsettings(max_examples=60, deadline=None)
@given(data=st.data(), enum=st.sampled_from(ALL_ENUMS))
def test_enum_parse_accepts_any_case_and_surrounding_spaces(data, enum):
    member = data.draw(st.sampled_from(list(enum)))
    flips = data.draw(st.lists(st.booleans(), min_size=len(member.value), max_size=len(member.value)))
    text = "".join(c.lower() if f else c for c, f in zip(member.value, flips))
    assert enum.parse(f"  {text} ") is member
    assert enum.parse(member) is member


@pytest.mark.parametrize("enum", ALL_ENUMS)
def test_enum_parse_error_names_the_value_and_every_accepted_one(enum):
    with pytest.raises(ValueError) as err:
        enum.parse("bogus", "leave.csv column leave_type")
    message = str(err.value)
    assert message.startswith("leave.csv column leave_type: 'bogus'")
    assert all(m.value in message for m in enum)
    with pytest.raises(ValueError, match=enum.__name__):
        enum.parse(None)


def test_enum_values_and_flags():
    assert str(LeaveType.CORONERS) == "CORONERS" and LeaveType("CORONERS") is LeaveType.CORONERS
    assert Duration.HALF.amount == Decimal("0.5") and Duration.FULL.amount == Decimal(1)
    assert [t for t in TermType if t.is_salaried] == [TermType.SALARIED, TermType.ALTERNATE_WEEKS]
    assert [t for t in TermType if t.has_target] == [TermType.PARTNER, TermType.SALARIED, TermType.ALTERNATE_WEEKS]
    assert [s for s in ShiftType if not s.counts_as_worked] == [ShiftType.STUDY_LEAVE]
    assert [s for s in ShiftType if s.counts_toward_minimum] == [ShiftType.STANDARD, ShiftType.DUTY]


# --------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize("text", ["Mon", "mon", "MON", "Monday", "monday", "MONDAY", " Monday "])
def test_weekday_parse_short_and_long_names_any_case(text):
    assert Weekday.parse(text) is Weekday.MON


def test_weekday_parse_every_day_and_labels():
    for day, full in zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")):
        assert Weekday.parse(full) is day and Weekday.parse(day.label) is day and Weekday.parse(day) is day
        assert day.value == date(2026, 1, 5 + day.value).weekday()
    assert [d.label for d in DAYS] == ["Mon", "Tue", "Wed", "Thu", "Fri"]


@pytest.mark.parametrize("text", ["Sat", "Saturday", "sunday", "SUN", "Mo", "Mondays", "", "0"])
def test_weekday_parse_rejects_weekends_and_junk_with_the_accepted_forms(text):
    with pytest.raises(ValueError) as err:
        Weekday.parse(text, "cannot_work_days")
    message = str(err.value)
    assert message.startswith(f"cannot_work_days: {text!r}") and "Mon..Fri" in message


# --------------------------------------------------------------------------- immutability


def _term(**kw) -> WorkingTerm:
    base = dict(term_id="T1", clinician_id="P01", term_type=TermType.PARTNER, start_date=date(2026, 1, 5),
                end_date=date(2026, 6, 30), percentage=80)
    return WorkingTerm(**{**base, **kw})


@pytest.mark.parametrize(
    "obj, attr",
    [
        (Clinician("P01", "Dr A", None, ClinicianType.PARTNER), "name"),
        (_term(), "percentage"),
        (Leave("L1", "P01", LeaveType.ANNUAL_LEAVE, date(2026, 1, 5), date(2026, 1, 9), LeaveStatus.APPROVED), "status"),
        (Shift(None, "P01", date(2026, 1, 5)), "is_pinned"),
        (Settings(), "practice_name"),
        (OptimiserSettings(), "seed"),
        (PracticeSnapshot(settings=Settings()), "shifts"),
    ],
)
def test_frozen_dataclasses_reject_mutation(obj, attr):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, attr, getattr(obj, attr))


def test_settings_mappings_are_read_only():
    s = Settings()
    with pytest.raises(TypeError):
        s.min_doctors[Weekday.MON] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        s.optimiser.weights["S2"] = 1  # type: ignore[index]
    source = {"S2": 7}
    opt = OptimiserSettings(weights=source)
    source["S2"] = 99
    assert opt.weights["S2"] == 7, "weights are copied, not aliased"


# --------------------------------------------------------------------------- settings validation


def test_settings_defaults_and_day_names_as_keys():
    s = Settings()
    assert s.target_working_days_per_week == Decimal("3.50") and s.fixed_period_weeks == 6
    assert dict(s.optimiser.weights) == dict(DEFAULT_WEIGHTS) and tuple(DEFAULT_WEIGHTS) == SOFT_TERMS
    s = Settings(min_doctors={"mon": 6, "Tuesday": 5, "WED": 4, "thu": 4, "fri": 3}, target_working_days_per_week=3.5)
    assert s.min_doctors == {Weekday.MON: 6, Weekday.TUE: 5, Weekday.WED: 4, Weekday.THU: 4, Weekday.FRI: 3}
    assert s.target_working_days_per_week == Decimal("3.5")


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"min_doctors": {"mon": 5, "tue": 4, "wed": 4, "thu": 4}}, "staffing.min_doctors: missing Fri"),
        ({"min_doctors": {"mon": 5}}, "missing Tue, Wed, Thu, Fri"),
        ({"min_doctors": {"mon": -1, "tue": 4, "wed": 4, "thu": 4, "fri": 4}}, "staffing.min_doctors.mon: -1 is negative"),
        ({"min_doctors": {"sat": 1, "mon": 5, "tue": 4, "wed": 4, "thu": 4, "fri": 4}}, "min_doctors: 'sat'"),
        ({"duty_doctors_per_day": -1}, "duty_doctors_per_day: -1"),
        ({"duty_doctors_post_bank_holiday": True}, "duty_doctors_post_bank_holiday: True"),
        ({"fixed_period_weeks": 2.5}, "fixed_period_weeks: 2.5"),
        ({"target_working_days_per_week": 0}, "target_working_days_per_week: 0 is not accepted"),
        ({"target_working_days_per_week": "5.5"}, "give a number in (0, 5]"),
        ({"reporting_periods": (ReportingPeriod("Q1", date(2026, 1, 1), date(2026, 3, 31)),
                                ReportingPeriod("Q1", date(2026, 4, 1), date(2026, 6, 30)))}, "duplicate period names"),
        ({"reporting_periods": (ReportingPeriod("Q1", date(2026, 3, 31), date(2026, 1, 1)),)},
         "reporting_periods.Q1: end 2026-01-01 is before start 2026-03-31"),
    ],
)
def test_settings_validation_messages(kwargs, expected):
    with pytest.raises(ValueError) as err:
        Settings(**kwargs)
    assert expected in str(err.value)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"weights": {"S2": -5}}, "optimiser.weights.S2: -5 is not accepted; give an integer >= 0"),
        ({"weights": {"S7": 1.5}}, "optimiser.weights.S7: 1.5"),
        ({"weights": {"S7": "100"}}, "optimiser.weights.S7: '100'"),
        ({"weights": {"S4": True}}, "optimiser.weights.S4: True"),
        ({"weights": {"S14": 1, "X": 2}}, "unknown term(s) S14, X; accepted: S1, S2"),
        ({"time_limit_seconds": 0}, "optimiser.time_limit_seconds: 0 is not accepted"),
        ({"time_limit_seconds": -3.5}, "give a number of seconds > 0"),
        ({"time_limit_seconds": "60"}, "optimiser.time_limit_seconds: '60'"),
        ({"num_workers": -1}, "optimiser.num_workers: -1"),
        ({"seed": -2}, "optimiser.seed: -2"),
        ({"seed": 1.0}, "optimiser.seed: 1.0"),
    ],
)
def test_optimiser_settings_validation_messages(kwargs, expected):
    with pytest.raises(ValueError) as err:
        OptimiserSettings(**kwargs)
    assert expected in str(err.value)


def test_reporting_period_lookup():
    q1 = ReportingPeriod("Q1", date(2026, 1, 5), date(2026, 3, 31))
    s = Settings(reporting_periods=(q1,))
    assert s.reporting_period("Q1") is q1
    with pytest.raises(KeyError, match="'Q9' is not defined; known periods: Q1"):
        s.reporting_period("Q9")
    with pytest.raises(KeyError, match="none defined"):
        Settings().reporting_period("Q1")


# --------------------------------------------------------------------------- working terms


def test_term_covers_and_clamp():
    t = _term()
    assert t.wte == Decimal("0.8")
    assert t.covers(date(2026, 1, 5)) and t.covers(date(2026, 6, 30))
    assert not t.covers(date(2026, 1, 4)) and not t.covers(date(2026, 7, 1))
    assert t.clamp(date(2026, 1, 1), date(2026, 12, 31)) == (date(2026, 1, 5), date(2026, 6, 30))
    assert t.clamp(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 3, 1), date(2026, 3, 31))
    assert t.clamp(date(2026, 6, 30), date(2026, 7, 31)) == (date(2026, 6, 30), date(2026, 6, 30))
    assert t.clamp(date(2026, 7, 1), date(2026, 7, 31)) is None
    assert t.overlaps(date(2025, 1, 1), date(2026, 1, 5)) and not t.overlaps(date(2025, 1, 1), date(2026, 1, 4))
    ongoing = _term(end_date=None)
    assert ongoing.covers(date(2099, 1, 1))
    assert ongoing.clamp(date(2026, 1, 1), date(2030, 1, 1)) == (date(2026, 1, 5), date(2030, 1, 1))


@hsettings(max_examples=60, deadline=None)
@given(
    t_start=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    t_len=st.one_of(st.none(), st.integers(0, 200)),
    r_start=st.dates(date(2025, 10, 1), date(2027, 3, 31)),
    r_len=st.integers(0, 200),
)
def test_clamp_is_the_set_of_covered_days(t_start, t_len, r_start, r_len):
    term = _term(start_date=t_start, end_date=None if t_len is None else t_start + timedelta(days=t_len))
    r_end = r_start + timedelta(days=r_len)
    covered = [r_start + timedelta(days=i) for i in range(r_len + 1) if term.covers(r_start + timedelta(days=i))]
    got = term.clamp(r_start, r_end)
    assert got == ((covered[0], covered[-1]) if covered else None)
    assert term.overlaps(r_start, r_end) == bool(covered)


# --------------------------------------------------------------------------- snapshot


@pytest.fixture()
def snap() -> PracticeSnapshot:
    clinicians = (
        Clinician("P01", "Dr A", "a@example.org", ClinicianType.PARTNER),
        Clinician("P02", "Dr B", None, ClinicianType.PARTNER),
        Clinician("S01", "Dr C", None, ClinicianType.SALARIED),
    )
    terms = (
        _term(term_id="P01-b", start_date=date(2026, 7, 1), end_date=None, percentage=60),
        _term(term_id="P01-a"),
        _term(term_id="P02-a", clinician_id="P02", end_date=None, percentage=100),
    )
    leave = (
        Leave("L2", "P01", LeaveType.STUDY_LEAVE, date(2026, 3, 2), date(2026, 3, 2), LeaveStatus.PENDING),
        Leave("L1", "P01", LeaveType.ANNUAL_LEAVE, date(2026, 2, 2), date(2026, 2, 6), LeaveStatus.APPROVED),
        Leave("L3", "P02", LeaveType.ANNUAL_LEAVE, date(2026, 2, 2), date(2026, 2, 6), LeaveStatus.CANCELLED),
    )
    sick = (SickLeave("K1", "P02", date(2026, 5, 4), None),)
    shifts = (
        Shift(2, "P01", date(2026, 1, 7)),
        Shift(1, "P01", date(2026, 1, 6), ShiftType.DUTY, Duration.HALF),
    )
    return PracticeSnapshot(settings=Settings(), clinicians=clinicians, terms=terms, leave=leave,
                            sick_leave=sick, shifts=shifts, data_version=3)


def test_snapshot_indexes(snap):
    assert set(snap.clinician_by_id) == {"P01", "P02", "S01"}
    assert [t.term_id for t in snap.terms_by_clinician["P01"]] == ["P01-a", "P01-b"], "sorted by start date"
    assert snap.terms_by_clinician["S01"] == (), "clinicians without terms are listed"
    assert snap.term_by_id["P02-a"].percentage == 100
    assert [lv.leave_id for lv in snap.leave_by_clinician["P01"]] == ["L1", "L2"]
    assert [s.shift_id for s in snap.shifts_by_clinician["P01"]] == [1, 2]
    assert snap.shifts_by_clinician["P01"][0].amount == Decimal("0.5")
    assert "P02" not in snap.shifts_by_clinician
    assert snap.clinician("P02").name == "Dr B"
    with pytest.raises(KeyError, match="unknown clinician 'X9'"):
        snap.clinician("X9")
    with pytest.raises(TypeError):
        snap.clinician_by_id["X"] = None  # type: ignore[index]


def test_snapshot_lookups(snap):
    assert snap.term_on("P01", date(2026, 6, 30)).term_id == "P01-a"
    assert snap.term_on("P01", date(2026, 7, 1)).term_id == "P01-b"
    assert snap.term_on("P01", date(2026, 1, 4)) is None and snap.term_on("S01", date(2026, 3, 3)) is None
    assert [t.term_id for t in snap.terms_overlapping("P01", date(2026, 6, 1), date(2026, 7, 31))] == ["P01-a", "P01-b"]
    assert snap.approved_leave_on("P01", date(2026, 2, 4)).leave_id == "L1"
    assert snap.approved_leave_on("P01", date(2026, 3, 2)) is None, "pending leave is not approved leave"
    assert snap.approved_leave_on("P02", date(2026, 2, 4)) is None, "cancelled leave is ignored"
    assert snap.sick_on("P02", date(2030, 1, 1)).sick_id == "K1", "ongoing sickness covers every later day"
    assert snap.sick_on("P02", date(2026, 5, 1)) is None
    assert date(2026, 12, 28) in snap.bank_holidays and date(2025, 12, 26) in snap.bank_holidays


def test_with_shifts_returns_a_new_snapshot_with_fresh_indexes(snap):
    before = snap.shifts_by_clinician  # build the cached index first
    new = snap.with_shifts([Shift(None, "P02", date(2026, 1, 8), origin="phase3")])
    assert isinstance(new.shifts, tuple) and len(new.shifts) == 1
    assert set(new.shifts_by_clinician) == {"P02"}
    assert snap.shifts_by_clinician is before and set(before) == {"P01"}, "the original is untouched"
    assert (new.clinicians, new.terms, new.leave, new.data_version) == (snap.clinicians, snap.terms, snap.leave, 3)
    assert new.settings is snap.settings


@pytest.mark.parametrize("bad", [2.5, "abc", True, None])
def test_min_doctors_must_be_whole_numbers(bad):
    days = {"Mon": bad, "Tue": 1, "Wed": 1, "Thu": 1, "Fri": 1}
    with pytest.raises(ValueError, match=r"staffing\.min_doctors\.mon: .* whole number"):
        Settings(min_doctors=days)
