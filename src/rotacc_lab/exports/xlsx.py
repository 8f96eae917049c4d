"""Writing rows into openpyxl worksheets with every text value stored as text.

openpyxl stores any string that starts with ``=`` as a formula, so a
clinician called ``=HYPERLINK(...)`` would become a live formula in a
spreadsheet user's Excel (and read back as ``None``). :func:`append_text_safe`
appends a row and marks each string cell as a string, so it is written as
text whatever it starts with (``=``, ``+``, ``-``, ``@`` included). Every
workbook rotacc-lab writes goes through it.
"""

from __future__ import annotations

from typing import Any, Iterable


def append_text_safe(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, then every ``str`` cell of the new row is typed as text (never a formula)."""
    row = list(values)
    sheet.append(row)
    if not any(isinstance(v, str) for v in row):
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
