"""The share report: an XLSX workbook (one sheet per view) and a share-bar figure.

Takes the DataFrames of the share tables as data (entity x formula views, a
fairness table indexed by formula, the long table) and writes them for finance
networks: a Read me sheet saying in words what each formula does, named Excel tables
with headers that give meaning and unit, percentages and dollars formatted as such,
a total row of SUM formulas under every column of shares and amounts so that each
dollar can be checked, a notes sheet, and the share bars as a PNG (also embedded in
the workbook).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from fundsim.results.atomic import save_figure_file
from fundsim.results.safe_text import plain_label
from fundsim.viz.workbook import Column, Sheets, open_workbook, read_me

_PERCENT = "0.00%"
_USD = "#,##0"
_RATIO = "0.00"

#: Number format of each column of the fairness sheet.
FAIRNESS_FORMATS: Mapping[str, str] = {
    "suits_index": "0.000",
    "gini": "0.000",
    "hhi": "0.000",
    "top3_share": _PERCENT,
    "burden_ratio_min": _RATIO,
    "burden_ratio_max": _RATIO,
    "exit_max_change": _PERCENT,
    "exit_mean_change": _PERCENT,
    "exit_max_relative": _PERCENT,
    "exit_mean_relative": _PERCENT,
    "usd_min": _USD,
    "usd_median": _USD,
    "usd_max": _USD,
}


def share_bar_figure(shares: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Small multiples of horizontal share bars, one panel per formula; writes a PNG.

    Parameters
    ----------
    shares
        Entity x formula table of shares (fractions).
    path
        Where to write the PNG (200 dpi, A4 landscape proportions).
    title
        Figure title (the scenario name, say).
    """
    path = Path(path)
    order = shares.mean(axis=1).sort_values().index  # largest payer at the top
    data = shares.loc[order]
    k = data.shape[1]
    ncols = min(3, k)
    nrows = math.ceil(k / ncols)
    height = nrows * max(1.8, 0.18 * len(data) + 0.8) + 0.6  # inches; bars stay legible
    # A bare Figure on the Agg canvas: no pyplot state, no backend switch on import.
    fig = Figure(figsize=(11.7, min(height, 16.5)))
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False)
    y = np.arange(len(data))
    top = float(np.nanmax(data.to_numpy())) * 100
    equal_share = 100.0 / len(data)
    for ax, formula in zip(axes.flat, data.columns, strict=False):
        values = data[formula].to_numpy() * 100
        ax.barh(y, values, color="#1F3864", height=0.7)
        ax.axvline(equal_share, color="#C00000", linestyle="--", linewidth=0.8)
        ax.set_title(formula, fontsize=10)
        ax.set_xlim(0, top * 1.05)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", color="#BBBBBB", linewidth=0.5)
        ax.set_axisbelow(True)
    for ax in axes.flat[k:]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(y, labels=[plain_label(str(n)) for n in data.index])
    for ax in axes[-1, :]:
        ax.set_xlabel("share of annual cost (%)", fontsize=8)
    heading = (
        f"{plain_label(title)}: share of the annual cost by formula (dashed line: equal share)"
    )
    fig.suptitle(heading.lstrip(": "), fontsize=11)
    fig.tight_layout()
    save_figure_file(fig, path, dpi=200)
    return path


#: Each formula in plain words (for the Read me sheet; the parameters follow).
FORMULA_WORDS: Mapping[str, str] = {
    "equal": "every participating entity pays the same amount",
    "proportional": "each entity pays in proportion to one key (its size, usually total expenses)",
    "weighted": "a weighted mix of several keys (for example half total expenses, half expenses in "
    "high-risk countries), with an optional floor and ceiling on each share",
    "base_plus_variable": "a fixed base part shared equally, the rest in proportion to a key",
    "tiered": "entities grouped into size bands, each band paying a fixed share",
    "capacity": "in proportion to capacity to pay (total expenses)",
    "risk_adjusted": "in proportion to a key weighted up for presence in high-risk countries",
    "usage": (
        "in proportion to the coordinator services each entity uses (its presence in the countries "
        "with a post)"
    ),
    "shapley": (
        "each entity pays its average marginal cost over every order of joining (Shapley value): "
        "the cost of the posts in the countries where it is present, shared among the entities "
        "there"
    ),
}

#: Headings (meaning and unit) and number formats of the fairness columns.
FAIRNESS_HEADINGS: Mapping[str, str] = {
    "suits_index": "Suits index (0 proportional, > 0 progressive)",
    "gini": "Gini of shares",
    "hhi": "concentration (HHI)",
    "top3_share": "paid by the top three (%)",
    "burden_ratio_min": "lowest burden ratio",
    "burden_ratio_max": "highest burden ratio",
    "exit_max_change": "largest change if one entity leaves (%, points of share)",
    "exit_mean_change": "mean change if one entity leaves (%, points of share)",
    "exit_max_relative": "largest relative change if one entity leaves (%)",
    "exit_mean_relative": "mean relative change if one entity leaves (%)",
    "usd_min": "smallest bill (USD a year)",
    "usd_median": "median bill (USD a year)",
    "usd_max": "largest bill (USD a year)",
    "parameters": "parameters",
}

#: The measures of the fairness sheet, for the Read me sheet's glossary.
FAIRNESS_MEANINGS: Mapping[str, str] = {
    "suits_index": (
        "1 - 2A, A the area under cumulative cost share against cumulative capacity share "
        "(entities by capacity): 0 proportional to capacity, > 0 progressive, < 0 regressive"
    ),
    "gini": "inequality of the shares themselves (0 all equal)",
    "hhi": "sum of squared shares (1/n when equal, 1 when one entity pays all)",
    "top3_share": "share of the cost paid by the three largest payers",
    "burden_ratio_min": "share of cost over share of capacity: below 1 pays less than its size",
    "burden_ratio_max": "share of cost over share of capacity: above 1 pays more than its size",
    "exit_max_change": "the largest rise of any entity's share when one entity leaves",
    "usd_min": "the smallest annual bill under the formula",
    "usd_max": "the largest annual bill under the formula",
}


def _matrix(
    sheets: Sheets, title: str, table: pd.DataFrame, number_format: str, unit: str, total: bool
) -> None:
    frame = table.reset_index()
    first = str(frame.columns[0])
    frame = frame.rename(columns={first: "entity"})
    cols = [
        Column("entity", "entity"),
        *(Column(str(c), f"{c} ({unit})", number_format, total=total) for c in table.columns),
    ]
    frame.columns = ["entity", *(str(c) for c in table.columns)]
    ws = sheets.book.add_worksheet(title)
    Sheets.fit(
        ws, sheets.table(ws, frame, cols, name=title, total_label="Total" if total else None)
    )


def _share_chart(book: Any, shares: pd.DataFrame) -> None:
    """A ``Chart`` sheet holding a native Excel bar chart of the ``Shares`` sheet (one bar
    series per formula, one category per entity): it reads the cells, so a reviewer who
    changes a share sees the chart follow."""
    ws = book.add_worksheet("Chart")
    n = len(shares)
    chart = book.add_chart({"type": "bar"})
    for j in range(1, len(shares.columns) + 1):
        chart.add_series(
            {
                "name": ["Shares", 0, j],
                "categories": ["Shares", 1, 0, n, 0],
                "values": ["Shares", 1, j, n, j],
                "gap": 60,
            }
        )
    chart.set_title({"name": "Each entity's share of the annual cost, by formula"})
    chart.set_x_axis(
        {"name": "share of the cost", "num_format": "0%", "major_gridlines": {"visible": True}}
    )
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size(
        {"width": 900, "height": max(420, 60 + 28 * n * max(1, len(shares.columns)) // 2)}
    )
    ws.insert_chart(0, 0, chart)


def write_share_workbook(
    path: str | Path,
    *,
    shares: pd.DataFrame,
    amounts_usd: pd.DataFrame,
    burden_ratios: pd.DataFrame,
    fairness: pd.DataFrame,
    long: pd.DataFrame,
    notes: Sequence[str] = (),
    figure_png: str | Path | None = None,
    scenario: str = "",
) -> Path:
    """Write the share workbook.

    Sheets: ``Read me`` (what each formula does in words, the measures, the notes),
    ``Shares`` (fractions, formatted as %, with a Total row of SUM formulas),
    ``Amounts USD`` (likewise), ``Burden ratios`` (share of cost / share of capacity;
    empty where capacity is zero), ``Fairness`` (one row per formula), ``Long`` (the
    long table), ``Notes``, and, when ``figure_png`` is given (the command's figure), a
    ``Chart`` sheet with the same shares as a native Excel bar chart over the Shares
    sheet's cells (not a picture). Every table is a named Excel table; widths fit the
    values as shown; text is never a formula.
    """
    path = Path(path)
    book = open_workbook(path)
    sheets = Sheets(book)
    _share_read_me(sheets, shares, fairness, notes, scenario)
    _matrix(sheets, "Shares", shares, _PERCENT, "%", total=True)
    _matrix(sheets, "Amounts USD", amounts_usd, _USD, "USD", total=True)
    _matrix(sheets, "Burden ratios", burden_ratios, _RATIO, "ratio", total=False)
    _fairness_sheet(sheets, fairness)
    _long_sheet(sheets, long)
    ws = book.add_worksheet("Notes")
    Sheets.fit(
        ws,
        sheets.table(
            ws,
            pd.DataFrame({"note": list(notes)}),
            [Column("note", "note")],
            name="Notes",
            freeze=False,
        ),
    )
    if figure_png is not None:
        _share_chart(book, shares)
    book.close()
    return path


def _share_read_me(
    sheets: Sheets,
    shares: pd.DataFrame,
    fairness: pd.DataFrame,
    notes: Sequence[str],
    scenario: str,
) -> None:
    """The Read me sheet: what the workbook holds, each formula in words with its
    parameters, the fairness measures' meanings, the notes."""
    params = fairness["parameters"] if "parameters" in fairness else pd.Series(dtype=str)
    formulas = [
        (str(f), FORMULA_WORDS.get(str(f), ""), str(params.get(f, ""))) for f in shares.columns
    ]
    glossary = [
        (k, FAIRNESS_HEADINGS[k], "", "", FAIRNESS_MEANINGS[k])
        for k in FAIRNESS_MEANINGS
        if k in fairness
    ]
    read_me(
        sheets,
        f"Cost shares of {scenario}".strip() if scenario else "Cost shares by formula",
        [
            (
                "what",
                "Who pays what of the coordinator network's annual cost under each cost-sharing "
                "formula, and how fair each split is.",
            ),
            *(("note", n) for n in notes),
        ],
        glossary,
        [(f, "formula", f"{words} ({p})" if p else words) for f, words, p in formulas],
        contents=[
            ("Shares", "each entity's share of the annual cost, by formula (%)"),
            ("Amounts USD", "each entity's bill a year, by formula (USD)"),
            ("Burden ratios", "share of cost over share of capacity, by formula"),
            ("Fairness", "measures of each formula's split"),
            ("Long", "one row per formula and entity"),
            ("Notes", "how the tables were computed"),
        ],
        headings=("How each formula splits the cost", "formula", "what it does (parameters)"),
    )


def _fairness_sheet(sheets: Sheets, fairness: pd.DataFrame) -> None:
    """The Fairness sheet: one row per formula, each measure in its format."""
    frame = fairness.reset_index()
    frame = frame.rename(columns={frame.columns[0]: "formula"})
    cols = [
        Column("formula", "formula"),
        *(
            Column(str(c), FAIRNESS_HEADINGS.get(str(c), str(c)), FAIRNESS_FORMATS.get(str(c)))
            for c in fairness.columns
        ),
    ]
    ws = sheets.book.add_worksheet("Fairness")
    Sheets.fit(ws, sheets.table(ws, frame, cols, name="Fairness"))


def _long_sheet(sheets: Sheets, long: pd.DataFrame) -> None:
    """The Long sheet: one row per formula and entity (share, bill, burden ratio)."""
    formats = {"share": _PERCENT, "amount_usd": _USD, "burden_ratio": _RATIO}
    headings = {
        "formula": "formula",
        "entity": "entity",
        "share": "share of the cost (%)",
        "amount_usd": "bill (USD a year)",
        "burden_ratio": "burden ratio (share of cost / share of capacity)",
    }
    cols = [Column(str(c), headings.get(str(c), str(c)), formats.get(str(c))) for c in long.columns]
    ws = sheets.book.add_worksheet("Long")
    Sheets.fit(ws, sheets.table(ws, long, cols, name="Long"))
