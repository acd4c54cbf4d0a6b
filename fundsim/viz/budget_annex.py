"""The budget annex as a workbook and an HTML page (tables from
:mod:`fundsim.analysis.budget_annex`, taken as data).

The workbook has a "Read me" sheet (what the annex is, its notes, what each sheet holds)
and one sheet per table: a title row, then the table as a named Excel table with filter
buttons, the header (with units) frozen beneath the title, numbers stored as numbers in
the format of their unit (USD ``#,##0``, shares ``0.00%``, counts ``0``), column widths
fitted to what is shown. A total a reviewer can audit is a formula: the totals row sums
the rows above (``=SUM``), and a subtotal line inside a table (the net requirement, the
gross budget) adds up the lines it is made of, written as a formula only where the
annex's own numbers add up to the cent (:func:`total_formulas`). No formula comes from
input text: text goes through :func:`fundsim.viz.workbook.safe_text`, and the workbook
is opened with ``strings_to_formulas`` off. The page renders the same tables with jinja2
(autoescaped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from fundsim.results.atomic import write_text
from fundsim.viz.workbook import TABLE_STYLE, Sheets, displayed, open_workbook, safe_text

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


def write_annex_workbook(
    path: str | Path,
    title: str,
    facts: Sequence[tuple[str, str]],
    tables: Sequence[Any],
    notes: Sequence[str],
) -> Path:
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


#: Words that mark a line inside a table as the sum of the lines above it.
SUBTOTAL_WORDS = ("total", "net ", "gross", "subtotal")


def total_formulas(
    values: Sequence[Any], first_total: int, labels: Sequence[str] = ()
) -> dict[int, list[int]]:
    """Rows of one numeric column that are sums of rows above them, each with the rows it
    adds up. ``values`` are the column's values by row; rows from ``first_total`` on are the
    table's totals rows, and ``labels`` name the rows (a row inside the table whose label
    says it is a subtotal, "net requirement", adds the rows since the previous subtotal).
    A totals row adds the top-level rows above it (a subtotal stands for the rows it
    adds: the gross budget is the net requirement plus the fees). Each holds only where
    the annex's own numbers add up to the cent; elsewhere the value stays a number."""
    nums = [
        float(v)
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))
        else None
        for v in values
    ]
    out: dict[int, list[int]] = {}
    start = 0
    for r, v in enumerate(nums):
        if v is None:
            continue
        inner = {k for terms in out.values() for k in terms}
        if r >= first_total:
            terms = [k for k in range(first_total) if nums[k] is not None and k not in inner]
        elif r < len(labels) and any(w in labels[r].lower() for w in SUBTOTAL_WORDS):
            terms = [k for k in range(start, r) if nums[k] is not None]
        else:
            continue
        if (
            len(terms) >= (1 if r >= first_total else 2)
            and abs(sum(nums[k] or 0.0 for k in terms) - v) < 0.005
        ):
            out[r] = terms
            if r < first_total:
                start = r + 1
    return out


def _adds_up(total: Any, parts: Sequence[Any]) -> bool:
    """Whether ``total`` is the sum of ``parts`` to the cent (all numbers)."""
    items = [total, *parts]
    if not all(
        isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(float(x))
        for x in items
    ):
        return False
    return abs(sum(float(p) for p in parts) - float(total)) < 0.005


def _table_sheet(sheets: Sheets, table: Any) -> None:
    ws = sheets.book.add_worksheet(table.name[:31])
    ws.write_string(0, 0, safe_text(table.title), sheets.title)
    columns = [str(c) for c in table.frame.columns]
    widths = {j: max(len(w) for w in (c.split() or [""])) for j, c in enumerate(columns)}
    rows = _rows(table)
    n = len(rows)
    first_total = n - table.totals
    header_row, first = 1, 2
    formulas: dict[int, dict[int, list[int]]] = {}
    labels = [next((str(v) for v in values if isinstance(v, str)), "") for values, _ in rows]
    # a "period total" column adds the year columns before it, row by row
    years = [j for j, c in enumerate(columns) if table.formats.get(c) == "usd" and c[:4].isdigit()]
    period = {
        j: years
        for j, c in enumerate(columns)
        if c.startswith("period total")
        and len(years) >= 2
        and years == list(range(years[0], years[-1] + 1))
    }
    for j, c in enumerate(columns):
        if table.formats.get(c) in ("usd", "count", "share"):
            formulas[j] = total_formulas([values[j] for values, _ in rows], first_total, labels)
    for i, (values, total) in enumerate(rows):
        for j, (c, v) in enumerate(zip(columns, values, strict=True)):
            nf = FORMATS.get(table.formats.get(c, ""))
            terms = formulas.get(j, {}).get(i)
            bold = total or any(i in f for f in formulas.values())
            across = period.get(j)
            if across and terms is None and _adds_up(v, [values[k] for k in across]):
                # the period total of a row: the sum of its years
                ws.write_formula(
                    first + i,
                    j,
                    f"=SUM({xl_rowcol_to_cell(first + i, across[0])}:"
                    f"{xl_rowcol_to_cell(first + i, across[-1])})",
                    sheets.fmt(nf, bold=bold),
                    float(v),
                )
                shown = displayed(v, nf)
            elif terms is not None:
                cells = [xl_rowcol_to_cell(first + k, j) for k in terms]
                contiguous = terms == list(range(terms[0], terms[-1] + 1))
                formula = f"=SUM({cells[0]}:{cells[-1]})" if contiguous else "=" + "+".join(cells)
                ws.write_formula(first + i, j, formula, sheets.fmt(nf, bold=True), float(v))
                shown = displayed(v, nf)
            elif (
                total
                and isinstance(v, int | float)
                and not isinstance(v, bool)
                and math.isfinite(float(v))
            ):
                ws.write_number(first + i, j, float(v), sheets.fmt(nf, bold=True))
                shown = displayed(v, nf)
            elif bold and isinstance(v, str):
                ws.write_string(first + i, j, safe_text(v), sheets.bold)
                shown = v
            else:
                shown = sheets.cell(ws, first + i, j, v, nf)
            widths[j] = max(widths[j], len(shown))
    # A named table with filter buttons over the header and every row (totals included:
    # a filter that hides a line leaves the totals' formulas as they are).
    ws.add_table(
        header_row,
        0,
        header_row + max(n, 1),
        len(columns) - 1,
        {
            "name": sheets.table_name(table.name),
            "style": TABLE_STYLE,
            "autofilter": True,
            "columns": [{"header": safe_text(c), "header_format": sheets.header} for c in columns],
        },
    )
    ws.freeze_panes(first, 1)
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


def annex_html(
    title: str, facts: Sequence[tuple[str, str]], tables: Sequence[Any], notes: Sequence[str]
) -> str:
    """The annex as one self-contained HTML page (jinja2 template ``budget_annex.html.j2``)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("fundsim.viz", "templates"),
        autoescape=select_autoescape(("html", "j2")),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    rendered = []
    for t in tables:
        columns = [str(c) for c in t.frame.columns]
        units = [t.formats.get(c, "") for c in columns]
        rows = [
            {
                "total": total,
                "cells": [
                    {
                        "text": _text(v, u),
                        "num": isinstance(v, int | float) and not isinstance(v, bool),
                    }
                    for v, u in zip(values, units, strict=True)
                ],
            }
            for values, total in _rows(t)
        ]
        rendered.append(
            {"name": t.name, "title": t.title, "what": t.what, "head": columns, "rows": rows}
        )
    return env.get_template("budget_annex.html.j2").render(
        title=title, facts=list(facts), tables=rendered, notes=list(notes)
    )


def write_annex_html(
    path: str | Path,
    title: str,
    facts: Sequence[tuple[str, str]],
    tables: Sequence[Any],
    notes: Sequence[str],
) -> Path:
    """Write :func:`annex_html` at ``path`` (atomically)."""
    return write_text(path, annex_html(title, facts, tables, notes))
