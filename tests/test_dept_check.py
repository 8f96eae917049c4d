"""A department's rota checked against the contract (with its [rules]) and the department's own rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from _dept_helpers import write_department
from rotacc_lab.departments import RotaEntry, check_department, read_department

MON = date(2026, 11, 30)


def entries(*rows: tuple[str, int, str]) -> tuple[RotaEntry, ...]:
    return tuple(RotaEntry(d, MON + timedelta(days=n), t) for d, n, t in rows)


@pytest.fixture()
def tiny(tmp_path):
    return read_department(write_department(
        tmp_path,
        requests_csv="doctor_id,start_date,end_date,kind\nA,2026-12-10,2026-12-11,ANNUAL_LEAVE\n"
                     "C,2026-12-02,,OFF\n",
        commitments_csv="doctor_id,day,what\nC,Wed,EDUCATION\n",
    ))


def rules_of(result) -> list[tuple[str, str, str]]:
    return [(v.rule, v.person, v.severity) for v in result.violations]


def test_a_compliant_rota(tiny):
    rota = entries(*[("A", n, "night") for n in range(4)], *[("C", n, "day") for n in (0, 1, 3, 4)],
                   ("B", 3, "day"), ("B", 4, "day"))
    result = check_department(tiny, rota)
    assert result.compliant and result.violations == () and result.shifts == 10


def test_department_rules(tiny):
    rota = entries(("C", 3, "night"),   # C may work day and nc only
                   ("B", 7, "day"),     # Monday: B cannot work Mondays
                   ("A", 10, "day"),    # A's requested annual leave
                   ("C", 2, "day"),     # Wednesday: C's education commitment (an OFF request is not leave)
                   ("C", 9, "nc"))      # a non-clinical shift on a commitment day is fine
    result = check_department(tiny, rota)
    assert rules_of(result) == [
        ("requested_leave", "A", "warning"),
        ("cannot_work_days", "B", "error"),
        ("commitments", "C", "warning"),
        ("allowed_shift_types", "C", "error"),
    ]
    assert not result.compliant and len(result.errors) == 2 and len(result.warnings) == 2


def test_cover_warnings_only_when_asked(tiny):
    rota = entries(*[("A", n, "night") for n in range(4)])
    assert check_department(tiny, rota).compliant
    cover = check_department(tiny, rota, cover=True)
    found = [v for v in cover.violations if v.rule == "minimum_cover"]
    # 14 nights need 1 HST each: 10 have nobody; the 10 weekday day shifts and Sat 5 Dec need doctors
    assert len([v for v in found if v.message.startswith("night") and "HST" not in v.message]) == 10
    assert any("day on Sat 05 Dec 2026 has 0 of the 2 doctors needed" == v.message for v in found)
    assert all(v.person == "" and v.severity == "warning" for v in found)
    assert cover.compliant


def test_department_rules_override_contract_limits(tmp_path):
    toml = ("[department]\nname = 'T'\n[reference_period]\nstart = 2026-11-30\nweeks = 2\n"
            "[rules]\nconsecutive_nights = 3\n")
    d = read_department(write_department(tmp_path, department_toml=toml))
    four = entries(*[("A", n, "night") for n in range(4)])
    assert rules_of(check_department(d, four)) == [("consecutive_nights", "A", "error")]
    assert check_department(d, four, only=("rest_after_nights",)).violations == ()


def test_the_workspace_rota_is_the_default(tiny):
    from dataclasses import replace

    d = replace(tiny, rota=entries(("C", 0, "night")))
    assert rules_of(check_department(d)) == [("allowed_shift_types", "C", "error")]
