"""Bad values never slip in through a department or care-home provider import (issue 22 item 5).

The same checks as the practice importer (tests/test_import_refusals.py), through
the shared ``rotacc_lab.input_text`` helpers: control characters in text, ragged
CSV rows, non-UTF-8 files, integers beyond their column's range, over-long cells
and a folder given as the workspace. Each is refused with the standard message
(file, row, column, value, what is accepted) and nothing is written. Real
folders, the real importers, real DuckDB workspaces.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from _care_helpers import TINY as CARE
from _care_helpers import write_provider
from _dept_helpers import TINY as DEPT
from _dept_helpers import write_department
from rotacc_lab.errors import RotaccError, ValidationError
from rotacc_lab.store.department_io import import_department
from rotacc_lab.store.provider_io import import_provider

#: importer -> (write the tiny folder with files replaced, import, a text cell to spoil: file, old, row, column)
IMPORTERS = {
    "department": (write_department, import_department, DEPT, ("doctors.csv", "Dr A", 1, "name"), "department.toml"),
    "provider": (write_provider, import_provider, CARE, ("staff.csv", "Sam", 1, "name"), "provider.toml"),
}


def _key(name: str) -> str:
    return name.replace(".", "_")


def refused(tmp_path: Path, kind: str, files: dict[str, str]) -> list[str]:
    """Import the tiny folder of ``kind`` with ``files`` replaced; the problems (nothing written)."""
    write, imp = IMPORTERS[kind][:2]
    folder = write(tmp_path / "src", **{_key(k): v for k, v in files.items()})
    target = tmp_path / "w.duckdb"
    with pytest.raises(ValidationError) as caught:
        imp(target, folder)
    assert not target.exists()
    return [str(p) for p in caught.value.problems]


def spoil(kind: str, new: str) -> dict[str, str]:
    """The kind's text cell replaced by ``new`` (a CSV field, quoted)."""
    base, (file, old, _, _) = IMPORTERS[kind][2], IMPORTERS[kind][3]
    return {file: base[file].replace(old, '"' + new.replace('"', '""') + '"', 1)}


KINDS = list(IMPORTERS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\t", "\n", "\r"])
def test_control_characters_in_a_cell_are_refused(tmp_path, kind, char):
    file, old, row, column = IMPORTERS[kind][3]
    [problem] = refused(tmp_path, kind, spoil(kind, f"Dr{char}X"))
    assert problem == (f"{file}, row {row}, column {column}: contains the control character U+{ord(char):04X} at "
                       f"position 3; give plain text (no NUL, tab, line break or other control characters) "
                       f"(value {'Dr' + char + 'X'!r})")


@pytest.mark.parametrize("kind", KINDS)
def test_a_control_character_in_a_header_is_refused(tmp_path, kind):
    file = IMPORTERS[kind][3][0]
    base = IMPORTERS[kind][2][file]
    header, rest = base.split("\n", 1)
    spoilt = header.replace(",email", ",em\x00ail") if ",email" in header else header + ",no\x00te"
    problems = refused(tmp_path, kind, {file: spoilt + "\n" + rest})
    assert problems[0].startswith(f"{file}: header contains the control character U+0000 at position 3")


@pytest.mark.parametrize("kind", KINDS)
def test_a_control_character_in_the_toml_name_is_refused(tmp_path, kind):
    toml = IMPORTERS[kind][4]
    base = IMPORTERS[kind][2][toml]
    section = toml.split(".")[0]
    name = "Tiny Department" if kind == "department" else "Tiny Care"
    [problem] = refused(tmp_path, kind, {toml: base.replace(name, "Tiny\\u0000X")})
    assert problem == (f"{toml}, column {section}.name: contains the control character U+0000 at position 5; give "
                       "plain text (no NUL, tab, line break or other control characters) (value 'Tiny\\x00X')")


#: kind -> (file, old row text, the same row with an extra field, with fields missing, what is missing)
RAGGED = {
    "department": ("doctors.csv", "A,Dr A,a@example.org,HST,100,,", "A,Dr A,a@example.org,HST,100,,,surplus",
                   "A,Dr A,a@example.org,HST", "has 4 fields but the header has 7 (missing percentage, shift_types, "
                   "cannot_work_days)"),
    "provider": ("staff.csv", "S1,Sam,SNR,A,A1,PERMANENT,37.5,false", "S1,Sam,SNR,A,A1,PERMANENT,37.5,false,surplus",
                 "S1,Sam,SNR,A,A1,PERMANENT", "has 6 fields but the header has 8 (missing contract_hours, floats)"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_extra_field_is_refused_not_dropped(tmp_path, kind):
    file, old, extra, _, _ = RAGGED[kind]
    n = IMPORTERS[kind][2][file].split("\n")[0].count(",") + 1
    [problem] = refused(tmp_path, kind, {file: IMPORTERS[kind][2][file].replace(old, extra)})
    assert problem == (f"{file}, row 1: has {n + 1} fields but the header has {n}; remove the extra field(s) or add "
                       "a column for them to the header (value 'surplus')")


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_field_is_refused_not_defaulted(tmp_path, kind):
    file, old, _, short, why = RAGGED[kind]
    [problem] = refused(tmp_path, kind, {file: IMPORTERS[kind][2][file].replace(old, short)})
    assert problem == f"{file}, row 1: {why}; give every field, an empty one as nothing between two commas"


@pytest.mark.parametrize("kind", KINDS)
def test_trailing_empty_fields_and_blank_rows_are_still_fine(tmp_path, kind):
    file, old = RAGGED[kind][:2]
    write, imp = IMPORTERS[kind][:2]
    text = IMPORTERS[kind][2][file].replace(old, old + ",,") + "\n" + "," * 3 + "\n"
    folder = write(tmp_path / "src", **{_key(file): text})
    imp(tmp_path / "w.duckdb", folder)
    assert (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("which", ["csv", "toml"])
def test_a_file_that_is_not_utf8_is_named(tmp_path, kind, which):
    write, imp, base, (csv_file, old, _, _), toml = IMPORTERS[kind]
    name = csv_file if which == "csv" else toml
    folder = write(tmp_path / "src")
    text = base[name].replace(old, "Dr \u00c5") if which == "csv" else base[name].replace("Tiny", "T\u00efny")
    (folder / name).write_bytes(text.encode("latin-1"))
    byte = text.encode("latin-1").index(b"\xc5" if which == "csv" else b"\xef")
    with pytest.raises(ValidationError) as caught:
        imp(tmp_path / "w.duckdb", folder)
    [problem] = caught.value.problems
    assert str(problem) == f"{name}: is not UTF-8 text (byte {byte}); save it as UTF-8{' CSV' if which == 'csv' else ''}"
    assert not (tmp_path / "w.duckdb").exists()


#: kind -> (file, old text, new text, row, column, accepted range) of integer cells beyond their column's range
BIG = {
    "department": [
        ("doctors.csv", "HST,100,,", "HST,3000000000,,", 1, "percentage", "a whole number 1..100 (blank = 100)"),
        ("quotas.csv", "HST,night,4,1", "HST,night,3000000000,1", 1, "shifts", "a whole number of shifts 0..1000"),
        ("demand.csv", "Mon,night,1,1", f"Mon,night,{10**12},1", 1, "minimum", "a whole number of doctors 0..1000"),
        ("demand.csv", "Mon,night,1,1", f"Mon,night,1,{2**64}", 1, "ideal", "a whole number >= minimum (blank = minimum)"),
    ],
    "provider": [
        ("units.csv", "Alpha One,20", "Alpha One,3000000000", 1, "beds", "a whole number of beds 1..500"),
        ("roles.csv", "Senior carer,1,", "Senior carer,3000000000,", 1, "seniority",
         "a whole number 1..99, 1 = most senior"),
        ("staff.csv", "37.5,false", f"{10**12},false", 1, "contract_hours",
         "weekly hours 0..60 with at most 2 decimals (blank = 0)"),
    ],
}
BIG_CASES = [(kind, *case) for kind, cases in BIG.items() for case in cases]


@pytest.mark.parametrize("kind, file, old, new, row, column, accepted", BIG_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[5]}" for c in BIG_CASES])
def test_an_integer_beyond_its_column_range_names_file_row_column_value_and_range(
        tmp_path, kind, file, old, new, row, column, accepted):
    base = IMPORTERS[kind][2][file]
    assert old in base
    value = next(v for v in new.split(",") if v.isdigit() and len(v) > 6)
    [problem] = refused(tmp_path, kind, {file: base.replace(old, new, 1)})
    assert problem == f"{file}, row {row}, column {column}: is not accepted; give {accepted} (value {value!r})"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", ["inf", "3000000000", "1e300"])
def test_a_rule_limit_beyond_any_real_limit_is_refused(tmp_path, kind, value):
    toml = IMPORTERS[kind][4]
    text = IMPORTERS[kind][2][toml] + f"\n[rules.consecutive_nights]\nmax_consecutive = {value}\n"
    [problem] = refused(tmp_path, kind, {toml: text})
    shown = {"inf": "inf", "3000000000": "3000000000", "1e300": "1e+300"}[value]
    assert problem == (f"{toml} [rules], column consecutive_nights.max_consecutive: is not accepted; give a positive "
                       f"number of nights up to 10,000 (value {shown})")


@pytest.mark.parametrize("kind", KINDS)
def test_an_over_long_cell_is_named_without_knock_on_problems(tmp_path, kind):
    file, _, row, column = IMPORTERS[kind][3]
    [problem] = refused(tmp_path, kind, spoil(kind, "x" * 200_000))  # the cause only
    assert problem.startswith(f"{file}, row {row}, column {column}: is 200,000 characters long; a cell holds at "
                              "most 10,000 (value 'xxxx")
    assert problem.endswith("… (200,000 characters))") and len(problem) < 300


@pytest.mark.parametrize("kind", KINDS)
def test_a_cell_beyond_the_csv_modules_own_limit_is_named(tmp_path, kind):
    file, _, row, column = IMPORTERS[kind][3]
    [problem] = refused(tmp_path, kind, spoil(kind, "y" * 2_000_000))
    assert problem.startswith(f"{file}, row {row}, column {column}: is 2,000,000 characters long")
    assert len(problem) < 300


@pytest.mark.parametrize("kind", KINDS)
def test_a_folder_given_as_the_workspace_is_refused(tmp_path, kind):
    write, imp = IMPORTERS[kind][:2]
    folder = write(tmp_path / "src")
    (tmp_path / "ws").mkdir()
    with pytest.raises(RotaccError, match=r"workspace .*ws is a folder, not a workspace file; give a \.duckdb file"):
        imp(tmp_path / "ws", folder)
    assert list((tmp_path / "ws").iterdir()) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_import_leaves_an_existing_workspace_unchanged(tmp_path, kind):
    write, imp = IMPORTERS[kind][:2]
    target = tmp_path / "w.duckdb"
    imp(target, write(tmp_path / "good"))
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    bad = write(tmp_path / "bad", **{_key(k): v for k, v in spoil(kind, "Dr\x00X").items()})
    with pytest.raises(ValidationError):
        imp(target, bad)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
