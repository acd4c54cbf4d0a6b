"""``options.xlsx``: the options table, each entity's bill by option and year, and a ladder's
decomposition, as the report workbook writes tables (:mod:`fundsim.viz.workbook`: Excel tables
with filters, numbers as numbers in their unit's format, frozen headers, fitted widths)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from fundsim.results.registry import excel_format
from fundsim.viz.workbook import Column, Sheets, open_workbook, read_me

COST = "cost_usd_year"
_USD = "#,##0"


def _fmt(metric: str) -> str | None:
    if metric == COST:
        return _USD
    try:
        return excel_format(metric)
    except KeyError:
        return None


def write_options_workbook(
    path: str | Path,
    table: pd.DataFrame,
    costs: pd.DataFrame,
    *,
    title: str,
    facts: Sequence[tuple[str, Any]],
    metrics: Sequence[str],
    decomposition: pd.DataFrame | None = None,
    assumptions: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write the workbook: Read me, Options (one row per option), Bills (entity x option,
    mean invoice a year, a column per option), Entity costs (option x entity x year, long,
    to filter) and, for a ladder, Decomposition."""
    path = Path(path)
    book = open_workbook(path)
    sheets = Sheets(book)
    ladder = decomposition is not None and len(decomposition) > 0
    _options_read_me(sheets, title, facts, assumptions, ladder)
    _options_sheet(sheets, table, metrics)
    _bills_sheet(sheets, costs)
    ws = book.add_worksheet("Entity costs")
    ccols = [
        Column("option", "option"),
        Column("window", "window"),
        Column("entity", "entity"),
        Column("year", "year", "0"),
        Column("invoice_usd", "invoice (USD)", _USD, total=True),
        Column("paid_usd", "paid (USD)", _USD, total=True),
    ]
    Sheets.fit(ws, sheets.table(ws, costs, ccols, name="EntityCosts", total_label="total"))
    if decomposition is not None and ladder:
        _decomposition_sheet(sheets, decomposition)
    book.close()
    return path


def _options_read_me(
    sheets: Sheets,
    title: str,
    facts: Sequence[tuple[str, Any]],
    assumptions: Sequence[tuple[str, str]],
    ladder: bool,
) -> None:
    """The Read me sheet: the run's facts, the reference's assumptions, what each sheet holds."""
    contents = [
        (
            "Options",
            "one row per option: each metric's mean and 95 % interval, and the paired "
            "difference against the reference (or the option before, in a ladder)",
        ),
        ("Bills", "each entity's mean invoice a year under each option (USD)"),
        ("Entity costs", "option x entity x year: invoice and paid (USD), to filter"),
    ]
    if ladder:
        contents.append(
            ("Decomposition", "a ladder's steps: each change's paired effect, 95 % interval")
        )
    read_me(
        sheets,
        title,
        facts,
        (),
        [(k, "ASSUMPTION", v) for k, v in assumptions],
        contents=contents,
        assumptions_note="no input of the reference option is marked ASSUMPTION",
    )


def _options_sheet(sheets: Sheets, table: pd.DataFrame, metrics: Sequence[str]) -> None:
    """The Options sheet: per option, each metric's mean, interval and paired difference."""
    cols = [
        Column("option", "option"),
        Column("against", "paired against"),
        Column("change", "what it changes"),
    ]
    for m in metrics:
        if m not in table:
            continue
        f = _fmt(m)
        cols += [
            Column(m, f"{m} (mean)", f),
            Column(f"{m}_low", f"{m} 95% low", f),
            Column(f"{m}_high", f"{m} 95% high", f),
            Column(f"{m}_diff", f"{m} difference", f),
            Column(f"{m}_diff_low", f"{m} difference 95% low", f),
            Column(f"{m}_diff_high", f"{m} difference 95% high", f),
        ]
    cols.append(Column("dominated_by", "dominated by"))
    ws = sheets.book.add_worksheet("Options")
    Sheets.fit(ws, sheets.table(ws, table, cols, name="Options"))


def _bills_sheet(sheets: Sheets, costs: pd.DataFrame) -> None:
    """The Bills sheet: entity x option, the mean invoice a year (USD), with totals."""
    ws = sheets.book.add_worksheet("Bills")
    wide = costs.groupby(["entity", "option"], sort=False)["invoice_usd"].mean().unstack("option")
    wide = wide.reindex(columns=list(dict.fromkeys(costs["option"]))).reset_index()
    keys = [f"o{j}" for j in range(len(wide.columns) - 1)]
    frame = wide.set_axis(["entity", *keys], axis=1)
    bcols = [Column("entity", "entity")] + [
        Column(k, f"{name} (USD a year)", _USD, total=True)
        for k, name in zip(keys, wide.columns[1:], strict=True)
    ]
    Sheets.fit(ws, sheets.table(ws, frame, bcols, name="Bills", total_label="total"))


def _decomposition_sheet(sheets: Sheets, decomposition: pd.DataFrame) -> None:
    """A ladder's Decomposition sheet: each step's paired effect and its interval."""
    ws = sheets.book.add_worksheet("Decomposition")
    dcols = [
        Column("step", "step", "0"),
        Column("from", "from"),
        Column("to", "to"),
        Column("change", "change"),
        Column("metric", "metric"),
        Column("level_from", "level before"),
        Column("level_to", "level after"),
        Column("diff", "paired difference"),
        Column("diff_low", "95% low"),
        Column("diff_high", "95% high"),
    ]
    Sheets.fit(ws, sheets.table(ws, decomposition, dcols, name="Decomposition"))
