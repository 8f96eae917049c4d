"""Reading and validating department folders: every problem at once, with file, row, column and value."""

from __future__ import annotations

from datetime import date

import pytest

from _dept_helpers import DEMO_DEPARTMENT, write_department
from rotacc_lab.departments import BANK_HOLIDAY, RequestKind, read_department, read_department_full
from rotacc_lab.departments.source import is_department_folder, read_rota_file, render_department
from rotacc_lab.errors import RotaccError, ValidationError


def problems(folder) -> list[tuple]:
    with pytest.raises(ValidationError) as err:
        read_department(folder)
    return [(p.source, p.row, p.column) for p in err.value.problems]


def test_the_tiny_department_reads(tmp_path):
    d = read_department(write_department(tmp_path))
    assert d.settings.name == "Tiny Department" and d.period.weeks == 2
    assert [t.code for t in d.shift_types] == ["night", "day", "nc"]
    assert d.doctor_by_id["B"].cannot_work_days == (0, 1) and d.doctor_by_id["B"].email is None
    assert d.doctor_by_id["C"].shift_types == ("day", "nc")
    assert [x.day for x in d.demand][-2:] == [BANK_HOLIDAY, date(2026, 12, 5)]
    assert d.demand[0].group == "HST" and d.demand[0].group_minimum == 1
    assert d.requests == () and d.rota == ()


def test_only_the_three_required_files_are_needed(tmp_path):
    d = read_department(write_department(tmp_path, quotas_csv=None, demand_csv=None))
    assert d.quotas == () and d.demand == ()
    assert is_department_folder(tmp_path)
    assert not is_department_folder(tmp_path / "doctors.csv")


def test_the_demo_department_reads_without_warnings():
    r = read_department_full(DEMO_DEPARTMENT)
    d = r.department
    assert r.warnings == ()
    assert len(d.doctors) == 16 and {x.group for x in d.doctors} == {"HST", "FELLOW", "GP"}
    fte = sum(x.percentage for x in d.doctors if x.group == "HST") / 100
    assert fte == 7.0
    assert sum(1 for x in d.doctors if x.group == "FELLOW") == 7
    assert d.period.start == date(2026, 11, 30) and d.period.contains(date(2026, 12, 25))
    assert [t.code for t in d.shift_types if t.clinical] == ["night", "late", "mid", "day"]
    assert {r.kind for r in d.requests} == set(RequestKind)
    assert d.doctor_by_id["H07"].cannot_work_days == (0, 1) and d.doctor_by_id["H07"].percentage == 60


def test_every_problem_is_reported_at_once(tmp_path):
    folder = write_department(
        tmp_path,
        department_toml="[department]\nname = ''\nuk_nation = 'france'\n[reference_period]\nstart = 2026-12-01\n"
                        "weeks = 0\n[rules]\nconsecutive_nights = 0\nbogus = 1\n[extra]\nx = 1\n",
        shift_types_csv="shift_type,name,start,end,clinical\nnight,N,22:00,8.30,true\nday,D,08:00,18:00,maybe\n"
                        "night,N2,20:00,08:00,true\nnc,NC,09:00,17:00,false\n",
        doctors_csv="doctor_id,name,email,group,percentage,shift_types,cannot_work_days\n"
                    "A,Dr A,not-an-email,HST,100,,\nA,Dr A2,,HST,101,,\nC,,,FELLOW,50,day;late,Funday\n"
                    "D,Dr D,,FELLOW,100,,Mon;Tue;Wed;Thu;Fri;Sat;Sun\n",
        quotas_csv="applies_to,shift_type,shifts,weekend_shifts\nHST,night,4,5\nNOBODY,nc,1,0\nHST,late,1,0\n"
                   "FELLOW,nc,x,0\n",
        demand_csv="day,shift_type,minimum,ideal,group,group_minimum\nFunday,nc,1,1,,\nMon,nc,1,1,,\n"
                   "Tue,nc,2,1,,\nWed,nc,1,1,NOGROUP,\nThu,nc,1,1,,2\n",
        requests_csv="doctor_id,start_date,end_date,kind,shift_type,weight\nA,2026-12-10,2026-12-09,ANNUAL_LEAVE,,1\n"
                     "Z,2026-12-01,,OFF,,1\nA,2026-12-01,,HOLIDAY,,0\nA,2026-12-01,,OFF,nc,1\n",
        commitments_csv="doctor_id,day,what,shift_type\nA,Mon,EDUCATION,day\nA,Mon,RESEARCH,\nA,someday,TEACHING,\n",
        rota_csv="doctor_id,date,shift_type\nA,2026-12-01,nc\nA,2026-12-01,nc\nQ,2026-13-01,zz\n",
    )
    found = problems(folder)
    assert found == [
        ("department.toml", None, "extra"),
        ("department.toml", None, "department.name"),
        ("department.toml", None, "department.uk_nation"),
        ("department.toml", None, "reference_period.start"),
        ("department.toml", None, "reference_period.weeks"),
        ("department.toml [rules]", None, "consecutive_nights"),
        ("department.toml [rules]", None, "bogus"),
        ("shift_types.csv", 1, "end"),
        ("shift_types.csv", 2, "clinical"),
        ("shift_types.csv", 3, "shift_type"),
        ("doctors.csv", 1, "email"),
        ("doctors.csv", 2, "doctor_id"),
        ("doctors.csv", 2, "percentage"),
        ("doctors.csv", 3, "name"),
        ("doctors.csv", 3, "shift_types"),
        ("doctors.csv", 3, "cannot_work_days"),
        ("doctors.csv", 4, "cannot_work_days"),
        ("quotas.csv", 1, "weekend_shifts"),
        ("quotas.csv", 2, "applies_to"),
        ("quotas.csv", 3, "shift_type"),
        ("quotas.csv", 4, "shifts"),
        ("demand.csv", 1, "day"),
        ("demand.csv", 1, "shift_type"),
        ("demand.csv", 2, "shift_type"),
        ("demand.csv", 3, "shift_type"),
        ("demand.csv", 3, "ideal"),
        ("demand.csv", 4, "shift_type"),
        ("demand.csv", 4, "group"),
        ("demand.csv", 5, "shift_type"),
        ("demand.csv", 5, "group_minimum"),
        ("requests.csv", 1, "end_date"),
        ("requests.csv", 2, "doctor_id"),
        ("requests.csv", 3, "kind"),
        ("requests.csv", 3, "weight"),
        ("requests.csv", 4, "shift_type"),
        ("commitments.csv", 2, "doctor_id and day"),
        ("commitments.csv", 3, "day"),
        ("commitments.csv", 3, "what"),
        ("rota.csv", 2, "doctor_id, date and shift_type"),
        ("rota.csv", 3, "doctor_id"),
        ("rota.csv", 3, "date"),
        ("rota.csv", 3, "shift_type"),
    ]


def test_messages_name_the_value_and_what_is_accepted(tmp_path):
    folder = write_department(
        tmp_path,
        doctors_csv="doctor_id,name,group,percentage\nA,Dr A,HST,150\n",
        rota_csv="doctor_id,date,shift_type\nA,2026-02-30,day\n",
    )
    with pytest.raises(ValidationError) as err:
        read_department(folder)
    text = str(err.value)
    assert "doctors.csv, row 1, column percentage: is not accepted; give a whole number 1..100 (blank = 100) " \
           "(value '150')" in text
    assert "rota.csv, row 1, column date: is not a date (February 2026 has no day 30)" in text
    assert "nothing was written" in text


def test_a_group_quota_a_doctor_may_not_work_is_a_problem_unless_overridden(tmp_path):
    quotas = "applies_to,shift_type,shifts\nFELLOW,night,3\n"
    assert problems(write_department(tmp_path / "a", quotas_csv=quotas)) == [("quotas.csv", 1, "shift_type")]
    with pytest.raises(ValidationError, match="C, who may not work them"):
        read_department(write_department(tmp_path / "b", quotas_csv=quotas))
    ok = read_department(write_department(tmp_path / "c", quotas_csv=quotas + "C,night,0\n"))
    assert len(ok.quotas) == 2


def test_a_bad_cell_does_not_cascade_into_unknown_references(tmp_path):
    # shift type "day" has a bad clinical cell and doctor A a bad e-mail: both are still known
    folder = write_department(
        tmp_path,
        shift_types_csv="shift_type,start,end,clinical\nnight,22:00,08:30,true\nday,08:00,18:00,maybe\n"
                        "nc,09:00,17:00,false\n",
        doctors_csv="doctor_id,name,email,group\nA,Dr A,bad,HST\nB,Dr B,,HST\nC,Dr C,,FELLOW\n",
        commitments_csv="doctor_id,day,what,shift_type\nA,Mon,EDUCATION,\nB,Tue,EDUCATION,night\n",
    )
    assert problems(folder) == [("shift_types.csv", 2, "clinical"), ("doctors.csv", 1, "email"),
                                ("commitments.csv", 2, "shift_type")]


def test_a_name_both_group_and_doctor_is_refused_in_quotas(tmp_path):
    doctors = "doctor_id,name,group\nHST,Dr H,HST\n"
    assert problems(write_department(tmp_path, doctors_csv=doctors, demand_csv=None,
                                     quotas_csv="applies_to,shift_type,shifts\nHST,day,1\n")) == [
        ("quotas.csv", 1, "applies_to")]


def test_missing_files_columns_and_unknown_extras(tmp_path):
    folder = write_department(tmp_path, department_toml=None, doctors_csv="doctor_id,name\nA,Dr A\n")
    (folder / "notes.csv").write_text("x\n1\n", encoding="utf-8")
    # doctors.csv without its group column is unusable: references to doctors and groups are not
    # checked, so the one mistake does not cascade through quotas.csv and demand.csv
    assert problems(folder) == [("department.toml", None, None), ("doctors.csv", None, "group")]
    folder2 = write_department(tmp_path / "w", doctors_csv="doctor_id,name,group,shoe_size\nA,Dr A,HST,9\n",
                               quotas_csv=None, demand_csv=None)
    (folder2 / "notes.csv").write_text("x\n1\n", encoding="utf-8")
    r = read_department_full(folder2)
    assert [(w.source, w.column) for w in r.warnings] == [("doctors.csv", "shoe_size"), ("notes.csv", None)]
    with pytest.raises(RotaccError, match="does not exist"):
        read_department(tmp_path / "nowhere")


def test_demand_outside_the_period_is_a_warning(tmp_path):
    r = read_department_full(write_department(
        tmp_path, demand_csv="day,shift_type,minimum\n2027-06-01,day,3\n"))
    assert [(w.row, w.column) for w in r.warnings] == [(1, "day")]


def test_defaults_of_optional_columns(tmp_path):
    d = read_department(write_department(
        tmp_path,
        demand_csv="day,shift_type,minimum,ideal,group,group_minimum\nmonday,night,2,,HST,\n",
        requests_csv="doctor_id,start_date,kind\nA,2026-12-01,annual_leave\n",
        commitments_csv="doctor_id,day,what\nC,2026-12-02,non_clinical\n",
    ))
    (dem,) = d.demand
    assert (dem.day, dem.ideal, dem.group_minimum) == (0, 2, 1)
    (req,) = d.requests
    assert (req.end_date, req.kind, req.weight, req.shift_type) == (date(2026, 12, 1), RequestKind.ANNUAL_LEAVE, 1, None)
    assert d.commitments[0].day == date(2026, 12, 2)


def test_rota_file_reading(tmp_path):
    d = read_department(write_department(tmp_path / "d"))
    rota = tmp_path / "rota.csv"
    rota.write_text("doctor_id,date,shift_type\nA,2026-11-30,night\nC,2026-12-01,day\n", encoding="utf-8")
    assert [(e.doctor_id, e.shift_type) for e in read_rota_file(rota, d)] == [("A", "night"), ("C", "day")]
    rota.write_text("doctor_id,date,shift_type\nX,2026-11-30,night\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="rota.csv, row 1, column doctor_id: unknown doctor_id"):
        read_rota_file(rota, d)
    with pytest.raises(RotaccError, match="does not exist"):
        read_rota_file(tmp_path / "none.csv", d)


def test_rendered_files_read_back_equal(tmp_path):
    d = read_department(DEMO_DEPARTMENT)
    out = tmp_path / "out"
    out.mkdir()
    for name, text in render_department(d).items():
        (out / name).write_text(text, encoding="utf-8")
    assert read_department(out) == d
