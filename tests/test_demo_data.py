"""The demo practice in data/demo keeps the promises its README makes.

The files are read with the csv module and tomllib only, independently of the
store's importer, so a mistake in either the data or the importer shows up
here; a last test checks that the importer accepts the folder too.
"""

from __future__ import annotations

import csv
import tomllib
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from rotacc_lab.calendar import bank_holidays, week_ab_index, working_days
from rotacc_lab.domain import DEFAULT_WEIGHTS, SOFT_TERMS, LeaveStatus, LeaveType, UKNation, Weekday

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
YEAR_START, YEAR_END = date(2026, 1, 5), date(2026, 12, 31)
FILES = {
    "clinicians.csv": ["clinician_id", "name", "email", "clinician_type"],
    "working_terms.csv": [
        "term_id", "clinician_id", "term_type", "start_date", "end_date", "percentage", "fixed_working_days",
        "must_work_days", "cannot_work_days", "week_a_days", "week_b_days", "minimum_shifts_per_week",
        "max_shifts_per_week", "annual_leave_entitlement",
    ],
    "leave.csv": ["leave_id", "clinician_id", "leave_type", "start_date", "end_date", "status", "duration"],
    "sick_leave.csv": ["sick_id", "clinician_id", "start_date", "end_date"],
    "locum_bookings.csv": ["booking_id", "clinician_id", "dates"],
    "shifts.csv": ["shift_id", "clinician_id", "date", "shift_type", "duration", "status", "is_pinned"],
    "leave_adjustments.csv": ["adjustment_id", "term_id", "amount", "reason"],
    "trainer_requirements.csv": ["requirement_id", "weekday", "clinician_ids"],
    "affinity_pairs.csv": ["clinician_a", "clinician_b"],
}


def rows(name: str) -> list[dict[str, str]]:
    with open(DEMO / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def d(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def days(text: str) -> set[Weekday]:
    return {Weekday.parse(x) for x in text.split(";") if x}


@pytest.fixture(scope="module")
def demo():
    with open(DEMO / "settings.toml", "rb") as f:
        settings = tomllib.load(f)
    return {"settings": settings, **{name.removesuffix(".csv"): rows(name) for name in FILES}}


def covering(terms, cid, day):
    return [t for t in terms if t["clinician_id"] == cid and d(t["start_date"]) <= day
            and (not t["end_date"] or day <= d(t["end_date"]))]


def test_every_file_has_exactly_the_fixed_columns():
    for name, header in FILES.items():
        with open(DEMO / name, newline="", encoding="utf-8") as f:
            assert next(csv.reader(f)) == header, name
    assert (DEMO / "README.md").is_file()


def test_clinicians_counts_names_and_emails(demo):
    people = demo["clinicians"]
    counts = Counter(c["clinician_type"] for c in people)
    assert counts == {"PARTNER": 8, "SALARIED": 3, "LOCUM": 1, "FY_DOCTOR": 1, "ST_DOCTOR": 1}
    ids = [c["clinician_id"] for c in people]
    assert len(set(ids)) == len(ids) and len({c["name"] for c in people}) == len(people)
    assert all(c["email"].endswith("@example.org") and c["name"].startswith("Dr ") for c in people)


def test_terms_types_wte_and_no_overlap(demo):
    terms, people = demo["working_terms"], {c["clinician_id"]: c["clinician_type"] for c in demo["clinicians"]}
    assert len({t["term_id"] for t in terms}) == len(terms)
    by_clinician = defaultdict(list)
    for t in terms:
        by_clinician[t["clinician_id"]].append(t)
        allowed = ("SALARIED", "ALTERNATE_WEEKS") if people[t["clinician_id"]] == "SALARIED" else (people[t["clinician_id"]],)
        assert t["term_type"] in allowed, t["term_id"]
        assert (t["week_a_days"] != "" or t["week_b_days"] != "") == (t["term_type"] == "ALTERNATE_WEEKS")
    assert set(by_clinician) == set(people), "everyone has a term"
    for cid, items in by_clinician.items():
        items.sort(key=lambda t: t["start_date"])
        for a, b in zip(items, items[1:]):
            assert a["end_date"] and d(a["end_date"]) < d(b["start_date"]), f"{cid}: terms overlap"
    partner_pcts = [int(t["percentage"]) for t in terms if t["term_type"] == "PARTNER"]
    assert min(partner_pcts) == 40 and max(partner_pcts) == 100
    assert all(p % 10 == 0 for p in partner_pcts)
    # one partner changes WTE mid-year: two consecutive terms, different percentages, no gap
    changes = [items for cid, items in by_clinician.items() if people[cid] == "PARTNER" and len(items) == 2]
    assert len(changes) == 1
    a, b = changes[0]
    assert d(a["end_date"]) + timedelta(days=1) == d(b["start_date"]) and a["percentage"] != b["percentage"]
    assert YEAR_START < d(b["start_date"]) < YEAR_END
    partners = [t for t in terms if t["term_type"] == "PARTNER"]
    assert any(t["cannot_work_days"] for t in partners) and any(t["must_work_days"] for t in partners)
    for t in partners:
        assert not days(t["must_work_days"]) & days(t["cannot_work_days"])
        assert int(t["max_shifts_per_week"]) <= 5 - len(days(t["cannot_work_days"]))
        if t["minimum_shifts_per_week"]:
            assert 0 <= int(t["minimum_shifts_per_week"]) <= int(t["max_shifts_per_week"])
        assert Decimal(t["annual_leave_entitlement"]) == 6  # weeks
    salaried = [t for t in terms if t["term_type"] in ("SALARIED", "ALTERNATE_WEEKS")]
    assert Counter(t["term_type"] for t in salaried) == {"SALARIED": 2, "ALTERNATE_WEEKS": 1}
    for t in salaried:
        n_days = len(days(t["fixed_working_days"])) or (len(days(t["week_a_days"])) + len(days(t["week_b_days"]))) / 2
        assert int(t["percentage"]) == 20 * n_days, "salaried WTE matches the days worked"
        assert 10 <= Decimal(t["annual_leave_entitlement"]) <= 30  # days
    assert {t["term_type"] for t in terms} >= {"LOCUM", "FY_DOCTOR", "ST_DOCTOR"}


def test_leave_covers_every_type_and_status(demo):
    leave = demo["leave"]
    assert len({lv["leave_id"] for lv in leave}) == len(leave)
    pairs = {(lv["leave_type"], lv["status"]) for lv in leave}
    for lt in LeaveType:
        assert (lt.value, "APPROVED") in pairs and (lt.value, "PENDING") in pairs, lt
    statuses = {lv["status"] for lv in leave}
    assert statuses == {s.value for s in LeaveStatus}
    assert any(lv["duration"] == "HALF" for lv in leave)
    people = {c["clinician_id"] for c in demo["clinicians"]}
    for lv in leave:
        start, end = d(lv["start_date"]), d(lv["end_date"])
        assert lv["clinician_id"] in people and start <= end
        assert covering(demo["working_terms"], lv["clinician_id"], start), f"{lv['leave_id']} outside any term"
        if lv["duration"] == "HALF":
            assert start == end
    active = [lv for lv in leave if lv["status"] in ("APPROVED", "PENDING")]
    for a in active:
        for b in active:
            if a is not b and a["clinician_id"] == b["clinician_id"]:
                assert d(a["end_date"]) < d(b["start_date"]) or d(b["end_date"]) < d(a["start_date"]), (a, b)


def test_sick_leave_has_a_closed_and_an_ongoing_spell(demo):
    sick = demo["sick_leave"]
    assert any(s["end_date"] for s in sick) and any(not s["end_date"] for s in sick)
    approved = [lv for lv in demo["leave"] if lv["status"] == "APPROVED"]
    for s in sick:
        start, end = d(s["start_date"]), d(s["end_date"]) or date(2027, 12, 31)
        for lv in approved:
            if lv["clinician_id"] == s["clinician_id"]:
                assert d(lv["end_date"]) < start or end < d(lv["start_date"]), (s, lv)


def test_settings_promises(demo):
    s = demo["settings"]
    assert set(s) == {"practice", "staffing", "targets", "rota", "reporting_periods", "optimiser"}
    assert s["practice"]["uk_nation"] == "england"
    mins = s["staffing"]["min_doctors"]
    assert set(mins) == {"mon", "tue", "wed", "thu", "fri"}
    assert all(mins["mon"] > v for k, v in mins.items() if k != "mon"), "Monday minimum is the highest"
    assert s["staffing"]["duty_doctors_per_day"] == 1 and s["staffing"]["duty_doctors_post_bank_holiday"] == 1
    assert Decimal(str(s["targets"]["target_working_days_per_week"])) == Decimal("3.50")
    assert s["rota"]["fixed_period_weeks"] == 6
    periods = s["reporting_periods"]
    assert {"2026", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "FY2026-27"} == set(periods)
    quarters = [periods[f"2026-Q{i}"] for i in range(1, 5)]
    for a, b in zip(quarters, quarters[1:]):
        assert a["end"] + timedelta(days=1) == b["start"], "quarters are contiguous"
    assert quarters[0]["start"] == periods["2026"]["start"] and quarters[-1]["end"] == periods["2026"]["end"]
    assert s["optimiser"]["weights"] == dict(DEFAULT_WEIGHTS) and set(s["optimiser"]["weights"]) == set(SOFT_TERMS)
    assert s["optimiser"]["time_limit_seconds"] > 0


def test_capacity_comfortably_exceeds_minimums_every_day(demo):
    """On every working day of 2026, doctors available (partners not on leave, sick or a cannot-work day,
    salaried on their days) exceed the minimum by at least one; on average by a wide margin."""
    mins = {Weekday.parse(k): v for k, v in demo["settings"]["staffing"]["min_doctors"].items()}
    terms = demo["working_terms"]
    away = [(lv["clinician_id"], d(lv["start_date"]), d(lv["end_date"]))
            for lv in demo["leave"] if lv["status"] == "APPROVED"]
    away += [(s["clinician_id"], d(s["start_date"]), d(s["end_date"]) or date.max) for s in demo["sick_leave"]]
    hols = bank_holidays(UKNation.ENGLAND, [2026])
    margins = defaultdict(list)
    for day in working_days(YEAR_START, YEAR_END, hols):
        wd = Weekday(day.weekday())
        available = 0
        for t in terms:
            if not covering([t], t["clinician_id"], day):
                continue
            if any(c == t["clinician_id"] and s <= day <= e for c, s, e in away):
                continue
            if t["term_type"] == "PARTNER":
                available += wd not in days(t["cannot_work_days"])
            elif t["term_type"] == "SALARIED":
                available += wd in days(t["fixed_working_days"])
            elif t["term_type"] == "ALTERNATE_WEEKS":
                week = week_ab_index(day, d(t["start_date"]))
                available += wd in days(t["week_a_days"] if week == 0 else t["week_b_days"])
        assert available >= mins[wd] + 1, f"{day}: {available} available, minimum {mins[wd]}"
        margins[wd].append(available / mins[wd])
    for wd, ratios in margins.items():
        assert sum(ratios) / len(ratios) >= 1.4, wd


def test_no_more_than_three_partners_on_annual_leave_in_a_week(demo):
    partners = {c["clinician_id"] for c in demo["clinicians"] if c["clinician_type"] == "PARTNER"}
    monday = YEAR_START
    while monday <= YEAR_END:
        away = {lv["clinician_id"] for lv in demo["leave"]
                if lv["status"] == "APPROVED" and lv["leave_type"] == "ANNUAL_LEAVE" and lv["clinician_id"] in partners
                and d(lv["start_date"]) <= monday + timedelta(days=4) and d(lv["end_date"]) >= monday}
        assert len(away) <= 3, (monday, away)
        monday += timedelta(days=7)


def test_references_and_small_tables(demo):
    people = {c["clinician_id"]: c["clinician_type"] for c in demo["clinicians"]}
    term_ids = {t["term_id"] for t in demo["working_terms"]}
    hols = bank_holidays(UKNation.ENGLAND, [2026, 2027])
    for b in demo["locum_bookings"]:
        assert people[b["clinician_id"]] == "LOCUM"
        for text in b["dates"].split(";"):
            day = d(text)
            assert day.weekday() < 5 and day not in hols and covering(demo["working_terms"], b["clinician_id"], day)
    assert demo["locum_bookings"]
    assert demo["leave_adjustments"] and all(a["term_id"] in term_ids for a in demo["leave_adjustments"])
    assert {Decimal(a["amount"]) > 0 for a in demo["leave_adjustments"]} == {True, False}, "carry-over and deduction"
    groups = [r["clinician_ids"].split(";") for r in demo["trainer_requirements"]]
    assert sorted(len(g) for g in groups) == [1, 2], "a single trainer and a group"
    for r, g in zip(demo["trainer_requirements"], groups):
        for cid in g:
            term = covering(demo["working_terms"], cid, YEAR_START)[0]
            assert Weekday.parse(r["weekday"]) not in days(term["cannot_work_days"])
    (pair,) = demo["affinity_pairs"]
    assert people[pair["clinician_a"]] == people[pair["clinician_b"]] == "PARTNER" and pair["clinician_a"] != pair["clinician_b"]
    shifts = demo["shifts"]
    assert 5 <= len(shifts) <= 30, "shifts.csv stays small: the generator makes the rota"
    assert len({int(s["shift_id"]) for s in shifts}) == len(shifts)
    assert len({(s["clinician_id"], s["date"]) for s in shifts}) == len(shifts)
    assert any(s["status"] == "COMPLETED" for s in shifts) and any(s["is_pinned"] == "true" for s in shifts)
    for s in shifts:
        day = d(s["date"])
        assert day.weekday() < 5 and day not in hols
        (term,) = covering(demo["working_terms"], s["clinician_id"], day)
        assert Weekday(day.weekday()) not in days(term["cannot_work_days"])
        assert not any(lv["clinician_id"] == s["clinician_id"] and lv["status"] == "APPROVED"
                       and d(lv["start_date"]) <= day <= d(lv["end_date"]) for lv in demo["leave"])
        if s["status"] == "COMPLETED":
            assert date(2026, 1, 5) <= day <= date(2026, 1, 16)


def test_demo_folder_validates_through_the_importer():
    store = pytest.importorskip("rotacc_lab.store")
    if not hasattr(store, "read_source"):
        pytest.skip("rotacc_lab.store.read_source is not available yet")
    snap = store.read_source(DEMO)
    assert len(snap.clinicians) == 14 and len(snap.terms) == len(rows("working_terms.csv"))
    assert len(snap.leave) == len(rows("leave.csv")) and len(snap.shifts) == len(rows("shifts.csv"))
    assert snap.settings.practice_name == "Harbour Lane Medical Practice"
    assert snap.settings.min_doctors[Weekday.MON] == 6
    assert {p.name for p in snap.settings.reporting_periods} >= {"2026", "FY2026-27"}
    assert snap.term_on("P02", date(2026, 7, 6)).percentage == 60
    assert snap.term_on("S02", date(2026, 12, 1)) is not None and snap.sick_on("S02", date(2027, 1, 4)) is not None
