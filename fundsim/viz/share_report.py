"""The share report: an XLSX workbook (one sheet per view) and a share-bar figure.

Takes the DataFrames of the share tables as data (entity x formula views, a
fairness table indexed by formula, the long table) and writes them for finance
networks: formatted headers, percentages and dollars formatted as such, a total
row under every column of shares and amounts so that each dollar can be checked,
a notes sheet, and the share bars as a PNG (also embedded in the workbook).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fundsim.results.atomic import save_figure_file, save_workbook
from fundsim.results.safe_text import plain_label

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_TOTAL_FONT = Font(bold=True)
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
        ax.set_yticks(y, labels=[plain_label(str(i)) for i in data.index])
    for ax in axes[-1, :]:
        ax.set_xlabel("share of annual cost (%)", fontsize=8)
    fig.suptitle(
        plain_label(f"{title}: share of the annual cost by formula (dashed line: equal share)".lstrip(": ")),
        fontsize=11,
    )
    fig.tight_layout()
    return save_figure_file(fig, path, dpi=200)  # atomic


def _cell_value(value: object) -> object:
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _write_header(ws: Worksheet, headers: Sequence[str]) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "B2"


def _fit_columns(ws: Worksheet, first_width: int = 18, width: int = 14) -> None:
    ws.column_dimensions["A"].width = first_width
    for col in range(2, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _write_matrix(
    wb: Workbook, title: str, table: pd.DataFrame, number_format: str, total: bool
) -> Worksheet:
    ws = wb.create_sheet(title)
    _write_header(ws, [str(table.index.name or "entity"), *map(str, table.columns)])
    for label, row in table.iterrows():
        ws.append([str(label), *(_cell_value(v) for v in row)])
    if total:
        ws.append(["Total", *(_cell_value(v) for v in table.sum(axis=0))])
        for cell in ws[ws.max_row]:
            cell.font = _TOTAL_FONT
    for row in ws.iter_rows(min_row=2, min_col=2):
        for cell in row:
            cell.number_format = number_format
    longest = max((len(str(i)) for i in table.index), default=10)
    _fit_columns(ws, first_width=min(max(12, longest + 2), 40))
    return ws


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
) -> Path:
    """Write the share workbook.

    Sheets: ``Shares`` (fractions, formatted as %), ``Amounts USD``, ``Burden
    ratios`` (share of cost / share of capacity; empty where capacity is zero),
    ``Fairness`` (one row per formula), ``Long`` (the long table), ``Notes``, and
    ``Chart`` with ``figure_png`` when given.
    """
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    _write_matrix(wb, "Shares", shares, _PERCENT, total=True)
    _write_matrix(wb, "Amounts USD", amounts_usd, _USD, total=True)
    _write_matrix(wb, "Burden ratios", burden_ratios, _RATIO, total=False)

    ws = wb.create_sheet("Fairness")
    columns = list(fairness.columns)
    _write_header(ws, ["formula", *columns])
    for label, row in fairness.iterrows():
        ws.append([str(label), *(_cell_value(row[c]) for c in columns)])
    for j, name in enumerate(columns, start=2):
        fmt = FAIRNESS_FORMATS.get(name)
        for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            if fmt:
                cell.number_format = fmt
    _fit_columns(ws, first_width=20)
    if "parameters" in columns:
        ws.column_dimensions[get_column_letter(columns.index("parameters") + 2)].width = 70

    ws = wb.create_sheet("Long")
    _write_header(ws, list(long.columns))
    formats = {"share": _PERCENT, "amount_usd": _USD, "burden_ratio": _RATIO}
    for record in long.itertuples(index=False):
        ws.append([_cell_value(v) for v in record])
    for j, name in enumerate(long.columns, start=1):
        if name in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = formats[name]
    _fit_columns(ws, first_width=20)
    ws.column_dimensions["B"].width = 24

    ws = wb.create_sheet("Notes")
    _write_header(ws, ["note"])
    for note in notes:
        ws.append([note])
    ws.column_dimensions["A"].width = 120
    ws.freeze_panes = "A2"

    if figure_png is not None:
        ws = wb.create_sheet("Chart")
        image = Image(str(figure_png))
        scale = 900 / image.width  # about 24 cm wide on screen
        image.width, image.height = image.width * scale, image.height * scale
        ws.add_image(image, "A1")
    return save_workbook(wb, path)  # atomic, and text from input never a formula
