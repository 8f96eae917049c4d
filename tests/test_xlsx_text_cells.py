"""Every text value in every workbook rotacc-lab writes is stored as text, never as a formula.

A text starting with ``=`` would otherwise be a live formula in Excel (and read
back as ``None``); ``+``, ``-`` and ``@`` are the other characters spreadsheets
treat as the start of a formula. For each leading character and each kind of
text field (practice and clinician names, e-mails, leave-adjustment reasons,
ids) the practice workbook (``rotacc-lab export --xlsx``) must re-import to the
same practice and hold no formula; report workbooks (``report --format xlsx``)
must hold the text as text. The property test in test_store_roundtrip_props.py
covers random names; these are its fixed regression cases (hypothesis found
``=0``).
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from rotacc_lab.cli import app
from rotacc_lab.domain import (
    Clinician,
    ClinicianType,
    LeaveAdjustment,
    PracticeSnapshot,
    Settings,
    TermType,
    WorkingTerm,
)
from rotacc_lab.store import import_source, read_source
from rotacc_lab.store.exporter import write_xlsx
from rotacc_lab.store.source import canonical

LEADING = ("=", "+", "-", "@")
START = date(2026, 1, 5)


def _practice(practice_name="Practice", cid="C1", name="Dr One", email="one@x.org", term_id="T1",
              adjustment_id="A1", reason="carried over") -> PracticeSnapshot:
    clinician = Clinician(cid, name, email, ClinicianType.PARTNER)
    term = WorkingTerm(term_id, cid, TermType.PARTNER, START, None, 100, (), (), (), (), (), None, None, Decimal("30"))
    adjustment = LeaveAdjustment(adjustment_id, term_id, Decimal("2"), reason)
    return canonical(PracticeSnapshot(settings=Settings(practice_name=practice_name), clinicians=(clinician,),
                                      terms=(term,), leave_adjustments=(adjustment,)))


def _formulas(book: Path) -> list[str]:
    """Every ``<f>`` (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(book) as z:
        return [f for n in z.namelist() if n.startswith("xl/worksheets/")
                for f in re.findall(r"<f[ >].*?</f>", z.read(n).decode("utf-8"))]


FIELDS = {
    "practice name": lambda v: {"practice_name": f"{v}Practice"},
    "clinician name": lambda v: {"name": f"{v}HYPERLINK(\"http://127.0.0.1/\",\"x\")"},
    "e-mail": lambda v: {"email": f"{v}one@x.org"},
    "reason": lambda v: {"reason": f"{v}2+3"},
    "clinician id": lambda v: {"cid": f"{v}C1"},
    "term id": lambda v: {"term_id": f"{v}T1"},
    "adjustment id": lambda v: {"adjustment_id": f"{v}A1"},
}


@pytest.mark.parametrize("lead", LEADING)
@pytest.mark.parametrize("field", FIELDS)
def test_practice_workbook_keeps_text_starting_with_a_formula_character(tmp_path: Path, field: str, lead: str):
    snap = _practice(**FIELDS[field](lead))
    book = write_xlsx(snap, tmp_path / "p.xlsx")
    assert _formulas(book) == []
    assert read_source(book) == snap


def test_bare_formula_characters_and_zero_are_text(tmp_path: Path):
    """The case hypothesis found (a practice called ``=0``) and each character alone."""
    for i, text in enumerate(["=0", *LEADING]):
        snap = _practice(practice_name=text, name=text, reason=text)
        book = write_xlsx(snap, tmp_path / f"p{i}.xlsx")
        assert _formulas(book) == []
        assert read_source(book) == snap


def test_cli_export_workbook_reimports_a_formula_like_name(tmp_path: Path):
    snap = _practice(name="=HYPERLINK(\"http://127.0.0.1/\",\"click\")", practice_name="@Practice")
    first = tmp_path / "first.xlsx"
    write_xlsx(snap, first)
    ws = tmp_path / "w.duckdb"
    import_source(ws, first)
    result = CliRunner().invoke(app, ["export", str(ws), str(tmp_path / "folder"), "--xlsx", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert _formulas(tmp_path / "out.xlsx") == []
    again = read_source(tmp_path / "out.xlsx")
    assert again.clinicians == snap.clinicians and again.settings.practice_name == "@Practice"


@pytest.mark.parametrize("lead", LEADING)
def test_report_workbook_keeps_names_as_text(tmp_path: Path, lead: str):
    name = f"{lead}1+1"
    snap = dataclasses.replace(_practice(name=name), settings=Settings(practice_name="P"))
    ws = tmp_path / "w.duckdb"
    import_source(ws, write_xlsx(snap, tmp_path / "p.xlsx"))
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(app, ["report", str(ws), "remaining-leave", "--start", "2026-01-05", "--end",
                                      "2026-03-31", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _formulas(out) == []
    sheet = openpyxl.load_workbook(out).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert name in values
