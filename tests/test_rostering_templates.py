"""The story's two 8-week rolling templates as fixtures, with the figures quoted in docs/departments.md."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from rotacc_lab.errors import ValidationError
from rotacc_lab.rostering.rules import Period, RuleSet, check_rota
from rotacc_lab.rostering.tables import SHIFT_TYPES, Collector, parse_shift_types, read_table
from rotacc_lab.rostering.templates import read_template

TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"


@pytest.fixture(scope="module")
def types():
    ck = Collector()
    out = {t.code: t for t in parse_shift_types(read_table(TEMPLATES, SHIFT_TYPES, ck), ck)}
    assert ck.problems == []
    return out


def test_fellow_template_figures(types):
    f = read_template(TEMPLATES / "fellow.csv", types).figures()
    assert (f.weeks, f.shifts, f.clinical_shifts) == (8, 34, 32)
    assert (f.average_weekly_hours, f.clinical_average_weekly_hours) == (41.81, 39.81)
    assert f.min_rest_hours == 13.5  # between two nights (08:30 to 22:00)
    assert (f.longest_run_days, f.longest_night_run) == (5, 4)
    # Friday's 17:00-02:00 late in week 3 runs into Saturday: 3 weekends of 8 by the contract's definition
    assert f.weekends_worked == 3
    assert f.violations == {} and f.warnings == {"weekend_frequency": 1}


def test_senior_registrar_template_figures(types):
    f = read_template(TEMPLATES / "senior_registrar.csv", types).figures()
    assert (f.weeks, f.shifts, f.clinical_shifts) == (8, 35, 31)
    assert (f.average_weekly_hours, f.clinical_average_weekly_hours) == (42.69, 38.69)
    assert f.min_rest_hours == 13.5
    assert (f.longest_run_days, f.longest_night_run) == (5, 4)
    assert f.weekends_worked == 3
    # week 4: Monday's late (17:00-02:00) is a night shift (3 h between 23:00 and 06:00), and the
    # non-clinical day on Wednesday follows it after 31 h, short of the 46 h rest after nights
    assert f.violations == {"rest_after_nights": 1} and f.warnings == {"weekend_frequency": 1}


def test_senior_registrar_complies_when_nc_days_are_not_rostered_work(types):
    """Without the non-clinical days in the rota the template has no violation left."""
    t = read_template(TEMPLATES / "senior_registrar.csv", types)
    start = date(2026, 11, 30)
    rota = [a for a in t.assignments("SR", start, cycles=3) if a.shift.clinical]
    period = Period(start + timedelta(weeks=8), 8)
    errors = [v for v in check_rota(rota, period=period).errors if period.contains(v.start.date())]
    assert errors == []


def test_slots_shift_the_template_by_whole_weeks(types):
    t = read_template(TEMPLATES / "fellow.csv", types)
    start = date(2026, 11, 30)
    slot0 = t.assignments("A", start, slot=0, cycles=2)
    slot3 = t.assignments("B", start, slot=3, cycles=1)
    shifted = [(a.day - timedelta(weeks=3), a.shift) for a in slot0 if start + timedelta(weeks=3) <= a.day
               < start + timedelta(weeks=11)]
    assert [(a.day, a.shift) for a in slot3] == shifted
    with pytest.raises(ValueError, match="Monday"):
        t.assignments("A", start + timedelta(days=1))


def test_the_checker_can_be_told_to_allow_the_template(types):
    t = read_template(TEMPLATES / "senior_registrar.csv", types)
    f = t.figures(RuleSet.from_overrides({"rest_after_nights": 31}))
    assert f.violations == {}


def test_bad_template_reports_every_cell(tmp_path, types):
    path = tmp_path / "bad.csv"
    path.write_text("week,mon,tue,wed,thu,fri,sat,sun\n1,night,nite,,,,,\n3,,,,,,,dya\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_template(path, types)
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "tue"), (2, "week"), (2, "sun")]
