"""The shared CSV/TOML table helpers: parsers, header checks, writers."""

from __future__ import annotations

import tomllib
from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from rotacc_lab.rostering.tables import (
    BAD,
    SHIFT_TYPES,
    Collector,
    Table,
    csv_text,
    p_choice,
    p_codes,
    p_date,
    p_decimal,
    p_int,
    p_weekdays,
    parse_shift_types,
    read_csv_text,
    shift_types_csv,
    toml_string,
)


def test_parsers():
    assert p_date("2026-12-25") == date(2026, 12, 25)
    with pytest.raises(ValueError, match="February 2026 has no day 29"):
        p_date("2026-02-29")
    with pytest.raises(ValueError):
        p_date("20261225")
    assert p_int(0, 5)("5") == 5
    with pytest.raises(ValueError):
        p_int(0, 5)("6")
    assert p_decimal(Decimal(0), Decimal(100))("12.50") == Decimal("12.5")
    assert str(p_decimal(Decimal(0), Decimal(100))("50.00")) == "50"
    with pytest.raises(ValueError):
        p_decimal(Decimal(0), Decimal(100))("1.005")
    assert p_weekdays("sun;Mon; wednesday") == (0, 2, 6)
    with pytest.raises(ValueError, match="listed twice"):
        p_weekdays("Mon;monday")
    assert p_choice(["OFF", "WORK"])("work") == "WORK"
    assert p_codes("a;b") == ("a", "b")
    with pytest.raises(ValueError, match="identifier"):
        p_codes("a b")


def test_header_problems_and_ragged_rows():
    ck = Collector()
    table = Table("t", ("a", "b"), ("c",))
    assert read_csv_text("a,a,x\n1,2,3\n", "t.csv", table, ck) is None
    assert [(p.column, p.message.split(";")[0]) for p in ck.problems] == [
        ("b", "required column is missing"), ("a", "column appears more than once")]
    assert [w.column for w in ck.warnings] == ["x"]
    ck = Collector()
    sheet = read_csv_text("a,b\n1,2\n\n3,4,5\n6\n", "t.csv", table, ck)
    # blank row skipped; row 3 (one field too many) and row 4 (one too few) refused, kept so ids stay known
    assert [n for n, _ in sheet.rows] == [1, 3, 4]
    assert [(p.row, p.value, p.message.split(";")[0]) for p in ck.problems] == [
        (3, "5", "has 3 fields but the header has 2"), (4, None, "has 1 fields but the header has 2 (missing b)")]
    assert sheet.rows[2][1] == {"a": "6", "b": ""}
    # the missing cell is BAD without a second problem ("is required")
    assert ck.cell(sheet, 4, sheet.rows[2][1], "b", p_int(), "a number", required=True) is BAD
    assert len(ck.problems) == 2


def test_shift_types_table_round_trips():
    ck = Collector()
    text = "shift_type,name,start,end,clinical\nnight,Night,22:00,08:30,true\nnc,,9:00,17:00,no\n"
    types = parse_shift_types(read_csv_text(text, "shift_types.csv", SHIFT_TYPES, ck), ck)
    assert ck.problems == []
    assert [(t.code, t.start, t.clinical) for t in types] == [("night", time(22), True), ("nc", time(9), False)]
    again = parse_shift_types(read_csv_text(shift_types_csv(types), "shift_types.csv", SHIFT_TYPES, ck), ck)
    assert again == types


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_toml_string_reads_back_as_the_same_text(text):
    assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_csv_text_writes_blanks_for_none():
    assert csv_text(("a", "b"), [("x,y", None)]) == 'a,b\n"x,y",\n'
