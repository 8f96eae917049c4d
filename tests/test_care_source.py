"""Care-home provider folders: the demo's shape, every problem at once, defaults and policies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from _care_helpers import DEMO_PROVIDER, write_provider
from rotacc_lab.carehomes.model import CARE_RULES, Employment, LeaveStatus, Shifts
from rotacc_lab.carehomes.source import is_provider_folder, read_provider, read_provider_full, render_provider
from rotacc_lab.carehomes.summary import provider_summary
from rotacc_lab.errors import RotaccError, ValidationError


def problems(folder) -> list[tuple]:
    with pytest.raises(ValidationError) as err:
        read_provider(folder)
    return [(p.source, p.row, p.column) for p in err.value.problems]


def test_the_tiny_provider_reads_with_defaults(tmp_path):
    p = read_provider(write_provider(tmp_path))
    s = p.settings
    assert (s.horizon_start, s.horizon_days, s.horizon_end) == (date(2026, 12, 21), 14, date(2027, 1, 3))
    assert s.pay.night_uplift_percent == 25 and s.pay.overtime_multiplier == Decimal("1.5")
    assert s.pay.overtime_period == "week" and s.policy.work_down and s.policy.agency_max_share_percent == 100
    assert s.rules.enabled == set(CARE_RULES)
    assert [t.code for t in p.shift_types] == ["day", "lead", "night"]
    assert p.shift_type_by_code["lead"].roles == ("SNR",) and p.shift_type_by_code["night"].shift.night
    bank = p.staff[2]
    assert bank.employment is Employment.BANK and bank.contract_hours == 0 and bank.unit_id is None and bank.floats
    assert p.hourly_rate_pence(p.staff[0]) == 1800
    assert p.agency_rates == () and p.cover == () and p.leave == ()
    assert is_provider_folder(tmp_path) and not is_provider_folder(tmp_path / "homes.csv")


def test_the_demo_provider_has_the_papers_shape():
    r = read_provider_full(DEMO_PROVIDER)
    p = r.provider
    assert r.warnings == ()
    assert len(p.homes) == 5 and len(p.units) == 9 and sum(u.beds for u in p.units) == 235
    per_unit = len([s for s in p.staff if s.unit_id]) / len(p.units)
    assert 20 <= per_unit <= 27 and 24 <= len(p.staff) / len(p.units) <= 27
    assert [r.role for r in sorted(p.roles, key=lambda r: r.seniority)] == ["SSCW", "SCW", "SCA"]
    day, senior_day, senior_night, night = (p.shift_type_by_code[c].shift for c in
                                            ("day_assistant", "day_senior", "night_senior", "night_assistant"))
    assert all(t.hours == 12 for t in (day, senior_day, senior_night, night))
    assert (day.night, senior_day.night, senior_night.night, night.night) == (False, False, True, True)
    # the paper's overlap: the senior day runs two hours past the assistants' day, into the senior night
    assert senior_day.interval(date(2027, 1, 5))[1] > senior_night.interval(date(2027, 1, 5))[0]
    assert p.bank_holidays == {date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1), date(2027, 1, 4)}
    assert {x.status for x in p.leave} == {LeaveStatus.APPROVED, LeaveStatus.PENDING}
    assert any(s.floats for s in p.staff) and any(s.opted_out for s in p.staff)


def test_the_demo_providers_capacity_figures():
    s = provider_summary(read_provider(DEMO_PROVIDER))
    t = s.total
    assert (t.beds, t.staff, t.bank_staff) == (235, 233, 27)
    assert (t.required_hours_week, t.contracted_hours_week) == (4872, Decimal("5791.5"))
    by_role = {r.key: r for r in s.roles}
    assert by_role["SCW"].required_hours_week == 1512 and by_role["SCW"].contracted_hours_week == 1350
    assert "4872 h a week against 5791.5 contracted (118.9%)" in "\n".join(s.sentences())
    assert s.as_dict()["total"]["staff"] == 233


def test_agency_rates_by_kind_of_day():
    p = read_provider(DEMO_PROVIDER)
    rate = next(a for a in p.agency_rates if (a.role, a.shift_type) == ("SCA", "day_assistant"))
    hol = p.bank_holidays
    assert rate.pence_on(date(2026, 12, 22), hol) == 2400  # Tuesday
    assert rate.pence_on(date(2026, 12, 26), hol) == 2650  # Saturday
    assert rate.pence_on(date(2026, 12, 28), hol) == 3600  # Boxing Day's substitute Monday
    bare = replace(rate, weekend_pence=None, bank_holiday_pence=None)
    assert bare.pence_on(date(2026, 12, 25), hol) == bare.pence_on(date(2026, 12, 26), hol) == 2400


def test_work_down_seniority_and_skill_mix_lookup(tmp_path):
    p = read_provider(write_provider(tmp_path, skill_mix_csv="unit_id,shifts,role,one_per\n,all,SNR,4\nB1,night,SNR,2\n"))
    assert p.may_fill("SNR", "CW") and not p.may_fill("CW", "SNR") and p.may_fill("CW", None)
    strict = replace(p, settings=replace(p.settings, policy=replace(p.settings.policy, work_down=False)))
    assert not strict.may_fill("SNR", "CW")
    assert [(m.unit_id, m.shifts) for m in p.skill_mix_for("A1")] == [(None, Shifts.ALL)]
    assert [(m.unit_id, m.shifts) for m in p.skill_mix_for("B1")] == [("B1", Shifts.NIGHT), (None, Shifts.ALL)]
    night = p.shift_type_by_code["night"].shift
    assert Shifts.NIGHT.counts(night) and not Shifts.DAY.counts(night) and Shifts.ALL.counts(night)


def test_every_problem_is_reported_at_once(tmp_path):
    folder = write_provider(
        tmp_path,
        provider_toml="[provider]\nname = 3\nuk_nation = 'mars'\n[horizon]\nstart = 2026-12-22\ndays = 0\n"
                      "[pay]\nnight_uplift_percent = -1\novertime_period = 'month'\ntips = 1\n"
                      "[policy]\nwork_down = 'yes'\nagency_max_share_percent = 101\n[rules]\nconsecutive_nights = 0\n",
        units_csv="unit_id,home_id,name,beds\nA1,A,Alpha One,20\nA1,Z,Again,5\nA2,A,Alpha Two,0\n",
        roles_csv="role,name,seniority,hourly_rate\nSNR,Senior carer,1,18.001\nCW,Care worker,1,14.00\n",
        shift_types_csv="shift_type,name,start,end,clinical,roles\nday,Day,08:00,20:00,true,BOSS\n"
                        "lead,Lead,10:00,22:00,true,SNR\n",
        staff_csv="staff_id,name,role,home_id,unit_id,employment,contract_hours,floats,hourly_rate\n"
                  "S1,Sam,SNR,B,A1,PERMANENT,37.5,false,\nS2,Ali,XX,A,,PERMANENT,0,maybe,-3\n"
                  "S3,Kim,CW,B,,BANK,10,true,\nS3,Lee,CW,B,,,20,,\n",
        agency_rates_csv="role,shift_type,weekday_rate\nCW,lead,30.00\nCW,day,0\n",
        # row 1: a CW cover row on a senior-only shift is fine while a senior may work down
        cover_csv="unit_id,shift_type,role,minimum,ideal\nA1,lead,CW,1,\nA1,day,,2,1\nQ9,day,CW,1,1\n",
        skill_mix_csv="unit_id,shifts,role,one_per\n,evening,SNR,4\n,all,SNR,0\n",
        leave_csv="staff_id,start_date,end_date,kind,status\nS1,2026-12-24,2026-12-23,ANNUAL,APPROVED\n"
                  "S9,2026-12-24,,HOLIDAY,MAYBE\n",
    )
    assert problems(folder) == [
        ("provider.toml", None, "provider.name"),
        ("provider.toml", None, "provider.uk_nation"),
        ("provider.toml", None, "horizon.days"),
        ("provider.toml", None, "pay.night_uplift_percent"),
        ("provider.toml", None, "pay.overtime_period"),
        ("provider.toml", None, "pay.tips"),
        ("provider.toml", None, "policy.work_down"),
        ("provider.toml", None, "policy.agency_max_share_percent"),
        ("provider.toml", None, "horizon.start"),
        ("provider.toml [rules]", None, "consecutive_nights"),
        ("units.csv", 2, "home_id"),
        ("units.csv", 2, "unit_id"),
        ("units.csv", 3, "beds"),
        ("roles.csv", 1, "hourly_rate"),
        ("roles.csv", 2, "seniority"),
        ("shift_types.csv", 1, "roles"),
        ("staff.csv", 1, "unit_id"),
        ("staff.csv", 2, "role"),
        ("staff.csv", 2, "contract_hours"),
        ("staff.csv", 2, "floats"),
        ("staff.csv", 2, "hourly_rate"),
        ("staff.csv", 3, "contract_hours"),
        ("staff.csv", 4, "staff_id"),
        ("agency_rates.csv", 1, "role"),
        ("agency_rates.csv", 2, "weekday_rate"),
        ("cover.csv", 2, "ideal"),
        ("cover.csv", 3, "unit_id"),
        ("skill_mix.csv", 1, "shifts"),
        ("skill_mix.csv", 2, "one_per"),
        ("leave.csv", 1, "end_date"),
        ("leave.csv", 2, "staff_id"),
        ("leave.csv", 2, "kind"),
        ("leave.csv", 2, "status"),
    ]


def test_a_cover_row_that_no_allowed_role_can_fill(tmp_path):
    toml = "[provider]\nname = 'T'\n[horizon]\nstart = 2026-12-21\n[policy]\nwork_down = false\n"
    cover = "unit_id,shift_type,role,minimum\nA1,lead,CW,1\n"
    with pytest.raises(ValidationError, match="no role that may fill it may work lead shifts"):
        read_provider(write_provider(tmp_path / "a", provider_toml=toml, cover_csv=cover))
    # with working down allowed, a senior may fill it
    assert read_provider(write_provider(tmp_path / "b", cover_csv=cover)).cover[0].role == "CW"


def test_missing_required_files_and_an_unknown_file(tmp_path):
    folder = write_provider(tmp_path, provider_toml=None, roles_csv=None)
    (folder / "notes.csv").write_text("x\n", encoding="utf-8")
    # roles.csv missing: the staff's role references are not checked, so nothing cascades
    assert problems(folder) == [("provider.toml", None, None), ("roles.csv", None, None)]
    with pytest.raises(RotaccError, match="does not exist"):
        read_provider(tmp_path / "nowhere")


def test_overlapping_approved_leave_is_a_warning(tmp_path):
    leave = "staff_id,start_date,end_date,kind\nS1,2026-12-22,2026-12-24,ANNUAL\nS1,2026-12-24,,SICK\n"
    r = read_provider_full(write_provider(tmp_path, leave_csv=leave))
    assert [(w.row, w.column) for w in r.warnings] == [(2, "start_date")]
    assert len(r.provider.leave) == 2


def test_rendered_files_read_back_equal(tmp_path):
    p = read_provider(DEMO_PROVIDER)
    out = tmp_path / "out"
    out.mkdir()
    for name, text in render_provider(p).items():
        (out / name).write_text(text, encoding="utf-8")
    assert read_provider(out) == p
    for name in render_provider(p):
        if name.endswith(".csv"):  # the demo's CSV files are already in the canonical form
            assert (out / name).read_text(encoding="utf-8") == (DEMO_PROVIDER / name).read_text(encoding="utf-8")
