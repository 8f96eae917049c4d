"""The one date parser: strict YYYY-MM-DD, one message, the same in the CLI, the importer and settings."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TINY_FILES, write_practice_folder
from rotacc_lab.cli import app
from rotacc_lab.dates import DATE_HINT, DateError, date_reason, parse_date, parse_optional_date, require_date
from rotacc_lab.errors import ValidationError
from rotacc_lab.store import read_source

#: forms ``date.fromisoformat`` takes on Python 3.11+ that the project does not promise
LAX_FORMS = ["20260105", "2026-W02-1", "2026W021", "2026-005"]
BAD = [*LAX_FORMS, "2026-1-5", "05/01/2026", "2026-01-05T00:00", "2026-01-05 00:00", "", "  ", "٢٠٢٦-٠١-٠٥", "+2026-01-05"]


def test_accepts_iso_dates_and_date_objects():
    assert parse_date("2026-01-05") == date(2026, 1, 5)
    assert parse_date("  2026-01-05\t") == date(2026, 1, 5)
    assert parse_date(date(2026, 1, 5)) == date(2026, 1, 5)
    assert parse_date("2028-02-29") == date(2028, 2, 29)


@pytest.mark.parametrize("text", BAD)
def test_refuses_everything_but_yyyy_mm_dd(text):
    with pytest.raises(DateError) as err:
        parse_date(text, "--start")
    assert str(err.value).startswith("--start:") and DATE_HINT in str(err.value)


@pytest.mark.parametrize(
    "text, why",
    [
        ("2026-02-29", "(February 2026 has no day 29)"),
        ("2026-04-31", "(April 2026 has no day 31)"),
        ("2026-13-01", "(there is no month 13)"),
        ("2026-00-10", "(there is no month 0)"),
        ("0000-01-01", "(there is no year 0)"),
    ],
)
def test_impossible_days_say_why(text, why):
    with pytest.raises(DateError, match=re.escape(f"end: '{text}' is not a date {why}; {DATE_HINT}")):
        parse_date(text, "end")


@pytest.mark.parametrize("value", [20260105, 2026.0, None, ["2026-01-05"], datetime(2026, 1, 5, 9, 30)])
def test_refuses_other_types(value):
    with pytest.raises(DateError, match=r"^start: .* (is not a date|is a date and time)"):
        parse_date(value, "start")


def test_optional_and_required():
    assert parse_optional_date(None) is None and parse_optional_date("  ") is None
    assert parse_optional_date("2026-03-02") == date(2026, 3, 2)
    with pytest.raises(DateError, match=f"^--as-of: missing; {DATE_HINT}$"):
        require_date("", "--as-of")
    with pytest.raises(DateError, match=f"^--as-of: missing; {DATE_HINT}$"):
        require_date(None, "--as-of")


@given(st.dates())
def test_every_date_round_trips(d):
    assert parse_date(d.isoformat()) == d


@given(st.text(max_size=12))
def test_accepts_exactly_the_ten_character_form(text):
    found, reason = date_reason(text)
    strict = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None
    try:
        lax = date.fromisoformat(text)
    except ValueError:
        lax = None
    assert found == (lax if strict else None)
    assert (reason == "") == (found is not None)


# --------------------------------------------------------------------------- same message everywhere

runner = CliRunner()


def _cli_error(*args) -> str:
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    return r.output


@pytest.mark.parametrize("text", ["20260105", "2026-W02-1", "2026-02-30"])
def test_cli_and_importer_give_the_same_message(workspace, tmp_path, text):
    _, reason = date_reason(text)
    expected = f"'{text}' {reason}"
    outputs = {
        "status": _cli_error("status", workspace.path, "--start", text, "--as-of", "2026-03-01"),
        "generate": _cli_error("generate", workspace.path, "--start", text, "--end", "2026-03-01"),
        "report": _cli_error("report", workspace.path, "staffing-overview", "--start", text, "--end", "2026-03-01"),
        "leave submit": _cli_error("leave", "submit", workspace.path, "P01", "annual_leave", text, "2026-12-30"),
    }
    for name, out in outputs.items():
        assert expected in out, (name, out)
    sick = TINY_FILES["sick_leave.csv"].replace("SK1,S01,2026-01-05", f"SK1,S01,{text}")
    assert text in sick
    with pytest.raises(ValidationError) as err:
        read_source(write_practice_folder(tmp_path / "src", **{"sick_leave.csv": sick}))
    [p] = err.value.problems
    assert (p.source, p.row, p.column, p.value) == ("sick_leave.csv", 1, "start_date", text)
    assert p.message == reason


def test_settings_period_dates_use_the_same_message(tmp_path):
    toml = TINY_FILES["settings.toml"]
    assert "start = 2026-01-01" in toml
    bad = toml.replace("start = 2026-01-01", 'start = "20260105"', 1)
    with pytest.raises(ValidationError) as err:
        read_source(write_practice_folder(tmp_path / "src", **{"settings.toml": bad}))
    [p] = err.value.problems
    assert p.source == "settings.toml" and p.value == "20260105"
    assert p.message == date_reason("20260105")[1]


def test_locum_dates_name_the_bad_part(tmp_path):
    lb = TINY_FILES["locum_bookings.csv"].replace("2026-01-08;2026-01-09", "2026-01-08;20260109")
    with pytest.raises(ValidationError) as err:
        read_source(write_practice_folder(tmp_path / "src", **{"locum_bookings.csv": lb}))
    [p] = err.value.problems
    assert p.column == "dates" and p.message.startswith("'20260109' is not a date; " + DATE_HINT)

