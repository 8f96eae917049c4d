"""Bad values never slip in through an import (issue 22 item 5).

Control characters in text, ragged CSV rows, an infinite solve time, absurd
staffing minimums and seeds beyond what CP-SAT takes are each refused with the
standard message (file, row, column, value, what is accepted), and nothing is
written. Real files, the real importer and a real DuckDB workspace.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TINY_FILES, write_practice_folder
from rotacc_lab.domain import MAX_SEED, OptimiserSettings
from rotacc_lab.errors import ValidationError
from rotacc_lab.store import import_source
from rotacc_lab.store.source import read_source

CLIN = TINY_FILES["clinicians.csv"]
SETTINGS = TINY_FILES["settings.toml"]


def refused(tmp_path: Path, **files: str) -> list[str]:
    """Import the tiny practice with ``files`` replaced; return the problems (asserting nothing was written)."""
    folder = write_practice_folder(tmp_path / "src", **files)
    target = tmp_path / "w.duckdb"
    with pytest.raises(ValidationError) as caught:
        import_source(target, folder)
    assert not target.exists()
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\t", "\n"])
def test_control_characters_in_text_are_refused(tmp_path, char):
    text = CLIN.replace("Dr Ada Partner", f'"Dr Ada{char}Partner"')
    [problem] = refused(tmp_path, **{"clinicians.csv": text})
    assert problem.startswith(f"clinicians.csv, row 1, column name: contains the control character "
                              f"U+{ord(char):04X} at position 7; give plain text")
    assert problem.endswith(f"(value {'Dr Ada' + char + 'Partner'!r})")


def test_control_character_in_an_id_and_a_header(tmp_path):
    text = CLIN.replace("P02,Dr Ben", "P0\x002,Dr Ben").replace("email", "em\x00ail")
    problems = refused(tmp_path, **{"clinicians.csv": text})
    assert "clinicians.csv: header contains the control character U+0000 at position 3" in problems[0]
    assert any(p.startswith("clinicians.csv, row 2, column clinician_id: contains the control character U+0000")
               for p in problems)


def test_control_character_in_the_practice_name(tmp_path):
    text = SETTINGS.replace('name = "Tiny Practice"', 'name = "Tiny\\u0000Practice"')
    [problem] = refused(tmp_path, **{"settings.toml": text})
    assert problem == ("settings.toml, column practice.name: is not accepted; give text (no control characters; "
                       "it contains U+0000) (value 'Tiny\\x00Practice')")


def test_an_extra_field_is_refused_not_dropped(tmp_path):
    text = CLIN.replace("ada@example.org,PARTNER", "ada@example.org,PARTNER,surplus")
    [problem] = refused(tmp_path, **{"clinicians.csv": text})
    assert problem == ("clinicians.csv, row 1: has 5 fields but the header has 4; remove the extra field(s) or add "
                       "a column for them to the header (value 'surplus')")


def test_a_missing_field_is_refused_not_defaulted(tmp_path):
    text = TINY_FILES["shifts.csv"].replace("2,P02,2026-01-05,STANDARD,FULL,SCHEDULED,no,",
                                            "2,P02,2026-01-05,STANDARD,FULL,SCHEDULED")
    [problem] = refused(tmp_path, **{"shifts.csv": text})
    assert problem.startswith("shifts.csv, row 2: has 6 fields but the header has 8 (missing is_pinned, origin)")


def test_trailing_empty_fields_and_blank_rows_are_still_fine(tmp_path):
    text = CLIN.replace("L01,Dr Ed Locum,,LOCUM", "L01,Dr Ed Locum,,LOCUM,,") + "\n,,,\n"
    folder = write_practice_folder(tmp_path / "src", **{"clinicians.csv": text})
    assert len(read_source(folder).clinicians) == 5


@pytest.mark.parametrize("old, new, column, accepted", [
    ("time_limit_seconds = 10.0", "time_limit_seconds = inf", "optimiser.time_limit_seconds",
     "give a number of seconds > 0 (at most 86,400 (one day)) (value inf)"),
    ("time_limit_seconds = 10.0", "time_limit_seconds = nan", "optimiser.time_limit_seconds",
     "give a number of seconds > 0 (at most 86,400 (one day)) (value nan)"),
    ("seed = 7", f"seed = {2**64}", "optimiser.seed", f"give an integer >= 0 (at most {MAX_SEED}) (value {2**64})"),
    ("seed = 7", f"seed = {2**31}", "optimiser.seed", f"give an integer >= 0 (at most {MAX_SEED}) (value {2**31})"),
    ("mon = 2", "mon = 1000000000000", "staffing.min_doctors.mon",
     "give an integer >= 0 (at most 1,000 doctors a day) (value 1000000000000)"),
    ("duty_doctors_per_day = 1", "duty_doctors_per_day = 1000000000000", "staffing.duty_doctors_per_day",
     "give an integer >= 0 (at most 1,000 doctors a day) (value 1000000000000)"),
    ("[staffing.min_doctors]", "[staffing.min_doctors_on]\n2026-01-05 = 1000000000000\n\n[staffing.min_doctors]",
     "staffing.min_doctors_on.2026-01-05", "give an integer >= 0 (at most 1,000 doctors a day) (value 1000000000000)"),
    ("num_workers = 1", "num_workers = 100000", "optimiser.num_workers",
     "give an integer >= 0 (0 = automatic) (at most 64) (value 100000)"),
    ("S2 = 120", f"S2 = {10**20}", "optimiser.weights.S2", f"give an integer >= 0 (at most 1,000,000,000) (value {10**20})"),
])
def test_absurd_settings_are_refused(tmp_path, old, new, column, accepted):
    assert old in SETTINGS
    [problem] = refused(tmp_path, **{"settings.toml": SETTINGS.replace(old, new)})
    assert problem == f"settings.toml, column {column}: is not accepted; {accepted}"


def test_largest_seed_and_a_day_long_limit_are_accepted(tmp_path):
    text = SETTINGS.replace("seed = 7", f"seed = {MAX_SEED}").replace("time_limit_seconds = 10.0",
                                                                       "time_limit_seconds = 86400")
    opt = read_source(write_practice_folder(tmp_path / "src", **{"settings.toml": text})).settings.optimiser
    assert (opt.seed, opt.time_limit_seconds) == (MAX_SEED, 86400.0)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"time_limit_seconds": float("inf")}, "optimiser.time_limit_seconds: inf is not accepted"),
    ({"seed": 2**64}, f"optimiser.seed: {2**64} is not accepted; give an integer >= 0 (at most {MAX_SEED})"),
])
def test_optimiser_settings_refuse_the_same_values_from_python(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        OptimiserSettings(**kwargs)


def test_a_weekend_shift_is_refused(tmp_path):
    text = TINY_FILES["shifts.csv"].replace("2,P02,2026-01-05", "2,P02,2026-01-10")
    [problem] = refused(tmp_path, **{"shifts.csv": text})
    assert problem == ("shifts.csv, row 2, column date: is a Saturday, a weekend day; shifts are on working days, "
                       "give a date Monday to Friday (value '2026-01-10')")


def test_a_settings_file_that_is_not_utf8_is_named(tmp_path):
    folder = write_practice_folder(tmp_path / "src")
    (folder / "settings.toml").write_bytes(SETTINGS.replace("Tiny", "T\u00efny").encode("latin-1"))
    with pytest.raises(ValidationError) as caught:
        import_source(tmp_path / "w.duckdb", folder)
    [problem] = caught.value.problems
    assert str(problem) == "settings.toml: is not UTF-8 text (byte 20); save it as UTF-8"
    assert not (tmp_path / "w.duckdb").exists()
