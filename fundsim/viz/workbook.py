"""Workbooks a finance officer can use as they are, written with xlsxwriter.

Each table is an Excel table (named, with filter buttons and banded rows) whose header
says what a column holds and in what unit; numbers stay numbers with the number format
of their unit (money ``#,##0``, fractions ``0.0%``, counts and days ``#,##0.0``); years
are numbers; totals are ``=SUM(...)`` formulas over the cells above or beside them, with
their value cached so that a reader that does not recalculate still shows it; column
widths fit the widest value *as shown* (so a total never shows ``###``); the header row
is frozen. Text that came from input (entity names, notes, sources) is written as a
string, never as a formula: the workbook is opened with ``strings_to_formulas`` off, and
a text that starts with ``=``, ``+``, ``-`` or ``@`` is written behind an apostrophe.
"""

from __future__ import annotations

import math
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from fundsim.results.safe_text import FORMULA_START

#: Widest a column grows (characters); longer text wraps within it.
MAX_WIDTH = 70
#: Narrowest column.
MIN_WIDTH = 6
#: Characters added to the widest value (cell padding, a bold total row, filter button).
PADDING = 3
TABLE_STYLE = "Table Style Medium 2"


def safe_text(value: object) -> str:
    """Input text as a cell string that no spreadsheet reads as a formula. Unlike a CSV
    cell (:func:`fundsim.results.safe_text.neutral_text`), a workbook stores numbers as
    numbers, so any text cell that starts like a formula is marked, numeric-looking or not."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _AtomicWorkbook(xlsxwriter.Workbook):
    """An xlsxwriter workbook written under a temporary name and renamed into place on
    ``close()``, so that a full disk never leaves a truncated file under the final name."""

    def __init__(self, final: Path, options: dict[str, Any]) -> None:
        self._final = final
        self._tmp = final.with_name(f".{final.name}.tmp-{uuid.uuid4().hex[:8]}")
        super().__init__(str(self._tmp), options)

    def close(self) -> None:
        try:
            super().close()
            os.replace(self._tmp, self._final)
        except BaseException:
            self._tmp.unlink(missing_ok=True)
            raise


def open_workbook(path: str | Path) -> Workbook:
    """A new workbook at ``path`` in which no string ever becomes a formula or a link,
    written atomically (a temporary name, renamed on ``close()``)."""
    return _AtomicWorkbook(
        Path(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": False},
    )


_FORMAT_PART = re.compile(
    r'^(?P<sign>\+?)(?P<body>[#,0]*0)(?:\.(?P<dec>0+))?(?P<pct>%?)(?:"(?P<suffix>[^"]*)")?$'
)


def displayed(value: Any, number_format: str | None = None) -> str:
    """How Excel shows ``value`` under ``number_format`` (the formats this package
    writes: ``0``, ``#,##0``, ``#,##0.0``, ``0.0%``, ``0.000``, and signed variants with a
    ``" pp"`` suffix), to size columns; a general format shows up to 10 significant
    digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if not isinstance(value, int | float):
        return str(value)
    v = float(value)
    if not number_format or number_format == "General":
        return f"{v:.10g}"
    sections = number_format.split(";")
    part = sections[0]
    if v < 0 and len(sections) > 1:
        part = sections[1].lstrip("-")
    m = _FORMAT_PART.match(part)
    if m is None:
        return f"{v:.10g}"
    decimals = len(m["dec"] or "")
    shown = abs(v) * 100 if m["pct"] else abs(v)
    text = f"{shown:{',' if ',' in m['body'] else ''}.{decimals}f}"
    sign = "-" if v < 0 else ("+" if m["sign"] and v > 0 else "")
    return f"{sign}{text}{m['pct']}{m['suffix'] or ''}"


@dataclass
class Column:
    """One column of a table: the frame's column ``key``, its ``heading`` (meaning and
    unit), the number format of its numbers, and whether the total row sums it."""

    key: str
    heading: str
    number_format: str | None = None
    total: bool = False


class Sheets:
    """Formats shared by every sheet of one workbook, and the writers of its sheets."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self._formats: dict[tuple[str | None, bool, bool], Any] = {}
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True, "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._tables: set[str] = set()

    def fmt(self, number_format: str | None, bold: bool = False, wrap: bool = False) -> Any:
        """The cell format with ``number_format`` (bold for totals, wrapped for long text)."""
        key = (number_format, bold, wrap)
        if key not in self._formats:
            spec: dict[str, Any] = {"valign": "top"}
            if number_format:
                spec["num_format"] = number_format
            if bold:
                spec["bold"] = True
            if wrap:
                spec["text_wrap"] = True
            self._formats[key] = self.book.add_format(spec)
        return self._formats[key]

    def table_name(self, title: str) -> str:
        """A name for an Excel table from ``title``, unique in this workbook."""
        return self._table_name(title)

    def _table_name(self, title: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "", title.title()) or "Table"
        name = base if not re.match(r"^[A-Za-z]{1,3}[0-9]+$", base) else f"T_{base}"
        k = 2
        while name in self._tables:
            name, k = f"{base}{k}", k + 1
        self._tables.add(name)
        return name

    def table(
        self,
        ws: Worksheet,
        frame: pd.DataFrame,
        columns: Sequence[Column],
        *,
        name: str,
        first_row: int = 0,
        total_label: str | None = None,
        row_formats: Sequence[Mapping[str, str | None]] | None = None,
        row_total: Column | None = None,
        freeze: bool = True,
    ) -> dict[int, int]:
        """Write ``frame`` as an Excel table at ``first_row``; returns column -> widest
        shown length. ``row_formats`` gives a number format per row and column (a metric
        per row); ``total_label`` adds a total row (``=SUM`` of each ``Column.total``
        column); ``row_total`` adds a last column summing each row's total columns."""
        cols = list(columns) + ([row_total] if row_total else [])
        n = len(frame)
        widths = {j: max(len(w) for w in (c.heading.split() or [""])) for j, c in enumerate(cols)}
        first_data = first_row + 1
        last_data = first_data + max(n, 1) - 1
        summed = [j for j, c in enumerate(columns) if c.total]
        for i, (_, row) in enumerate(frame.iterrows()):
            r = first_data + i
            row_sum = 0.0
            for j, c in enumerate(columns):
                nf = row_formats[i].get(c.key, c.number_format) if row_formats else c.number_format
                shown = self.cell(ws, r, j, row[c.key], nf)
                widths[j] = max(widths[j], len(shown))
                if j in summed and _is_number(row[c.key]):
                    row_sum += float(row[c.key])
            if row_total is not None and summed:
                j = len(columns)
                formula = (
                    f"=SUM({xl_rowcol_to_cell(r, summed[0])}:{xl_rowcol_to_cell(r, summed[-1])})"
                )
                ws.write_formula(r, j, formula, self.fmt(row_total.number_format), row_sum)
                widths[j] = max(widths[j], len(displayed(row_sum, row_total.number_format)))
        spec: list[dict[str, Any]] = []
        for j, c in enumerate(cols):
            col: dict[str, Any] = {"header": c.heading, "header_format": self.header}
            if total_label is not None:
                if j == 0:
                    col["total_string"] = total_label
                elif c.total or c is row_total:
                    values = (
                        frame[c.key]
                        if c is not row_total
                        else frame[[x.key for x in columns if x.total]].sum(axis=1)
                    )
                    total = float(pd.to_numeric(values, errors="coerce").sum())
                    letter = xl_col_to_name(j)
                    col["total_function"] = (
                        f"=SUM({letter}{first_data + 1}:{letter}{last_data + 1})"
                    )
                    col["total_value"] = total
                    col["format"] = self.fmt(c.number_format, bold=True)
                    widths[j] = max(widths[j], len(displayed(total, c.number_format)))
            spec.append(col)
        last_row = last_data + (1 if total_label is not None else 0)
        ws.add_table(
            first_row,
            0,
            last_row,
            len(cols) - 1,
            {
                "name": self._table_name(name),
                "columns": spec,
                "total_row": total_label is not None,
                "style": TABLE_STYLE,
                "autofilter": True,
            },
        )
        if freeze:
            ws.freeze_panes(first_row + 1, 1)
        return widths

    def cell(
        self, ws: Worksheet, r: int, c: int, value: Any, number_format: str | None = None
    ) -> str:
        """Write one value (a number with ``number_format``, text as a safe string);
        returns it as shown."""
        if hasattr(value, "item"):
            value = value.item()
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(r, c, None, self.fmt(number_format))
            return ""
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
            return displayed(value)
        if isinstance(value, int | float):
            ws.write_number(r, c, value, self.fmt(number_format))
            return displayed(value, number_format)
        text = safe_text(value)
        long = len(text) > MAX_WIDTH
        ws.write_string(r, c, text, self.wrap if long else None)
        return text

    @staticmethod
    def fit(ws: Worksheet, widths: Mapping[int, int]) -> None:
        """Set each column's width to its widest shown value (bounded; longer text wraps)."""
        for j, w in widths.items():
            ws.set_column(j, j, max(MIN_WIDTH, min(MAX_WIDTH, w + PADDING)))


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _write_facts(
    sheets: Sheets,
    ws: Worksheet,
    facts: Sequence[tuple[str, Any]],
    contents: Sequence[tuple[str, str]],
    widths: dict[int, int],
) -> int:
    """Write the facts (label, value) from row 2 and what each sheet holds below them,
    widening ``widths`` (characters by column) to fit; returns the next free row."""
    r = 2
    for label, value in facts:
        ws.write_string(r, 0, safe_text(label), sheets.bold)
        shown = sheets.cell(ws, r, 1, value, "0" if isinstance(value, int) else None)
        if len(shown) > MAX_WIDTH:
            ws.merge_range(r, 1, r, 4, safe_text(value), sheets.wrap)
            ws.set_row(r, 15 * (1 + len(shown) // 150))
        else:
            widths[1] = max(widths[1], len(shown))
        widths[0] = max(widths[0], len(label))
        r += 1
    if contents:
        r += 1
        ws.merge_range(r, 0, r, 4, "Sheets", sheets.bold)
        r += 1
        for sheet, what in contents:
            ws.write_string(r, 0, safe_text(sheet))
            ws.merge_range(r, 1, r, 4, safe_text(what), sheets.wrap)
            widths[0] = max(widths[0], len(sheet))
            r += 1
    return r


def read_me(
    sheets: Sheets,
    title: str,
    facts: Sequence[tuple[str, Any]],
    glossary: Sequence[tuple[str, str, str, str, str]],
    assumptions: Sequence[tuple[str, str, str]] | None,
    assumptions_note: str = "",
    contents: Sequence[tuple[str, str]] = (),
    headings: tuple[str, str, str] = (
        "Assumptions and sources of the scenario",
        "scenario key",
        "source or reasoning",
    ),
) -> Worksheet:
    """The first sheet: a title, the facts (label, value), what each sheet holds, the
    glossary of the metrics in the workbook (an Excel table) and the scenario's
    assumptions and sources (an Excel table: key, basis, text), or why they are absent.
    ``headings`` are the title of that last table and the headings of its key and text."""
    ws = sheets.book.add_worksheet("Read me")
    ws.activate()
    ws.set_first_sheet()
    ws.merge_range(0, 0, 0, 4, safe_text(title), sheets.title)
    widths: dict[int, int] = {0: 12, 1: 12, 2: 40, 3: 8, 4: 8}
    r = _write_facts(sheets, ws, facts, contents, widths)
    if glossary:
        r += 1
        ws.merge_range(r, 0, r, 4, "What the metrics mean", sheets.bold)
        r += 1
        frame = pd.DataFrame(glossary, columns=["metric", "label", "unit", "better", "meaning"])
        cols = [
            Column("metric", "metric"),
            Column("label", "what it is"),
            Column("meaning", "meaning"),
            Column("unit", "unit"),
            Column("better", "better when"),
        ]
        w = sheets.table(ws, frame, cols, name="Glossary", first_row=r, freeze=False)
        widths = {j: max(widths.get(j, 0), v) for j, v in w.items()}
        r += len(frame) + 2
    r += 1
    ws.merge_range(r, 0, r, 4, headings[0], sheets.bold)
    r += 1
    if assumptions:
        frame = pd.DataFrame(assumptions, columns=["key", "basis", "text"])
        cols = [Column("key", headings[1]), Column("basis", "basis"), Column("text", headings[2])]
        w = sheets.table(
            ws,
            frame,
            cols,
            name="Assumptions" if headings[1] == "scenario key" else "Formulas",
            first_row=r,
            freeze=False,
        )
        widths = {j: max(widths.get(j, 0), v) for j, v in w.items()}
    else:
        ws.merge_range(
            r,
            0,
            r,
            4,
            safe_text(assumptions_note or "the scenario file is not at hand"),
            sheets.wrap,
        )
    Sheets.fit(ws, widths)
    return ws
