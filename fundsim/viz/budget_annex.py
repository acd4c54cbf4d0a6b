"""The budget annex as a workbook and an HTML page (tables from
:mod:`fundsim.analysis.budget_annex`, taken as data).

The workbook has a "Read me" sheet (what the annex is, its notes, what each sheet holds)
and one sheet per table: a title row, the header (with units) frozen beneath it, numbers
stored as numbers in the format of their unit (USD ``#,##0``, shares ``0.00%``, counts
``0``), totals rows already added up and written as numbers (bold), column widths fitted
to what is shown. No cell is a formula: text from input goes through
:func:`fundsim.viz.workbook.safe_text`, and the workbook is opened with
``strings_to_formulas`` off. The page renders the same tables with jinja2 (autoescaped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fundsim.results.atomic import write_text
from fundsim.viz.workbook import Sheets, displayed, open_workbook, safe_text

#: Number format of each unit the annex tables name.
FORMATS = {"usd": "#,##0", "share": "0.00%", "count": "0", "year": "0"}


def _rows(table: Any) -> list[tuple[list[Any], bool]]:
    """The table's rows as lists of values, each with whether it is a totals row."""
    frame = table.frame
    n = len(frame)
    return [
        ([v.item() if hasattr(v, "item") else v for v in row], i >= n - table.totals)
        for i, row in enumerate(frame.itertuples(index=False))
    ]


def write_annex_workbook(path: str | Path, title: str, facts: Sequence[tuple[str, str]],
                         tables: Sequence[Any], notes: Sequence[str]) -> Path:
    """Write the annex workbook at ``path`` (atomically); ``tables`` are annex tables
    (``name``, ``title``, ``what``, ``frame``, ``formats``, ``totals``)."""
    path = Path(path)
    book = open_workbook(path)
    sheets = Sheets(book)
    ws = book.add_worksheet("Read me")
    ws.write_string(0, 0, safe_text(title), sheets.title)
    r, widths = 2, {0: 12, 1: 40}
    for label, value in facts:
        ws.write_string(r, 0, safe_text(label), sheets.bold)
        ws.write_string(r, 1, safe_text(value), sheets.wrap)
        widths[0] = max(widths[0], len(label))
        r += 1
    r += 1
    ws.write_string(r, 0, "Sheets", sheets.bold)
    r += 1
    for t in tables:
        ws.write_string(r, 0, safe_text(t.name))
        ws.write_string(r, 1, safe_text(f"{t.title}: {t.what}"), sheets.wrap)
        widths[0] = max(widths[0], len(t.name))
        r += 1
    if notes:
        r += 1
        ws.write_string(r, 0, "Notes", sheets.bold)
        r += 1
        for note in notes:
            ws.write_string(r, 1, safe_text(note), sheets.wrap)
            r += 1
    ws.set_column(0, 0, widths[0] + 3)
    ws.set_column(1, 1, 100)
    ws.freeze_panes(1, 0)
    for t in tables:
        _table_sheet(sheets, t)
    book.close()
    return path


def _table_sheet(sheets: Sheets, table: Any) -> None:
    ws = sheets.book.add_worksheet(table.name[:31])
    ws.write_string(0, 0, safe_text(table.title), sheets.title)
    columns = [str(c) for c in table.frame.columns]
    widths = {j: max(len(w) for w in (c.split() or [""])) for j, c in enumerate(columns)}
    for j, c in enumerate(columns):
        ws.write_string(1, j, safe_text(c), sheets.header)
    for i, (values, total) in enumerate(_rows(table)):
        for j, (c, v) in enumerate(zip(columns, values, strict=True)):
            nf = FORMATS.get(table.formats.get(c, ""))
            if total and isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v)):
                ws.write_number(2 + i, j, float(v), sheets.fmt(nf, bold=True))
                shown = displayed(v, nf)
            elif total and isinstance(v, str):
                ws.write_string(2 + i, j, safe_text(v), sheets.bold)
                shown = v
            else:
                shown = sheets.cell(ws, 2 + i, j, v, nf)
            widths[j] = max(widths[j], len(shown))
    ws.freeze_panes(2, 1)
    Sheets.fit(ws, widths)


def _text(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if unit == "usd":
            return f"{value:,.0f}"
        if unit == "share":
            return f"{100 * value:.2f} %"
        if unit in ("count", "year"):
            return f"{value:.0f}"
        return f"{value:,.2f}" if isinstance(value, float) else str(value)
    return str(value)


def annex_html(title: str, facts: Sequence[tuple[str, str]], tables: Sequence[Any], notes: Sequence[str]) -> str:
    """The annex as one self-contained HTML page (jinja2 template ``budget_annex.html.j2``)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("fundsim.viz", "templates"),
                      autoescape=select_autoescape(("html", "j2")), trim_blocks=True, lstrip_blocks=True)
    rendered = []
    for t in tables:
        columns = [str(c) for c in t.frame.columns]
        units = [t.formats.get(c, "") for c in columns]
        rows = [
            {"total": total, "cells": [{"text": _text(v, u), "num": isinstance(v, int | float) and not isinstance(v, bool)}
                                       for v, u in zip(values, units, strict=True)]}
            for values, total in _rows(t)
        ]
        rendered.append({"name": t.name, "title": t.title, "what": t.what, "head": columns, "rows": rows})
    return env.get_template("budget_annex.html.j2").render(
        title=title, facts=list(facts), tables=rendered, notes=list(notes)
    )


def write_annex_html(path: str | Path, title: str, facts: Sequence[tuple[str, str]], tables: Sequence[Any],
                     notes: Sequence[str]) -> Path:
    """Write :func:`annex_html` at ``path`` (atomically)."""
    return write_text(path, annex_html(title, facts, tables, notes))
