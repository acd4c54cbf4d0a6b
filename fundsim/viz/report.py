"""The run report: one self-contained HTML page and one XLSX workbook per run directory.

The HTML page embeds its figures as base64 PNG (it can be mailed or archived
alone); every number in its tables carries its full-precision value in a
``data-value`` attribute, so a reader (or a test) can check it against
``summary.json``. The workbook holds the same numbers as numbers (not text), with
dollar and percent formats: the summary with its intervals, the shares per entity
and year (long, and as entity x year tables with totals, so that every dollar
adds up), the yearly and coverage tables, the stress table when there is one, and
the manifest. Figures whose data are absent (no victim-assistance metrics, no
stress table) are skipped and the page says so.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fundsim.results import Run
from fundsim.results.registry import (
    REGISTRY,
    UNIT_FORMATS,
    column_excel_format,
    describe,
    excel_difference,
    format_column,
    format_difference,
    format_unit,
    order,
)
from fundsim.viz import figures
from fundsim.viz.style import styled

HTML_NAME = "report.html"
XLSX_NAME = "report.xlsx"

SUMMARY_COLUMNS = ("mean", "ci95_low", "ci95_high", "p05", "p50", "p95", "n")
_USD = "#,##0"
_PCT = "0.0%"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="08306B")
_BOLD = Font(bold=True)


def is_fraction(name: str) -> bool:
    """Whether a metric or column is read in % (p_gap, coverage, shares...), by the registry."""
    if name in UNIT_FORMATS:
        return UNIT_FORMATS[name] == "percent"
    return column_excel_format(name) == "0.0%"


def fmt(name: str, value: Any) -> str:
    """A number as a person reads it, by the metric registry: ``name`` is a metric, a
    table column or a unit (``"USD"``, ``"share"``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name in UNIT_FORMATS:
        return format_unit(name, value)  # type: ignore[arg-type]
    return format_column(name, value)


# --------------------------------------------------------------------------- figures


#: The entry in the list of what was not drawn when the reserve target is unknown.
RESERVE_LINE = "Reserve target on the fan chart"


def run_figures(
    run: Run,
    stress: pd.DataFrame | None = None,
    reserve_target: pd.DataFrame | None = None,
    reserve_note: str | None = None,
) -> tuple[dict[str, Figure], dict[str, str]]:
    """The report's figures for ``run`` (title -> Figure), and those skipped (title -> why).

    ``reserve_note`` says why ``reserve_target`` is missing; it is listed with the
    figures not drawn."""
    makers: list[tuple[str, Callable[[], Figure]]] = [
        ("Fund balance (fan chart)", lambda: figures.fan_chart(run.monthly, reserve_target=reserve_target)),
        ("Coverage by country and year", lambda: figures.coverage_heatmap(run.tables.get("coverage"))),
        ("Shares per entity", lambda: figures.share_bars(run.shares)),
        ("Waiting-time distribution", lambda: figures.waiting_time_distribution(run.replications)),
    ]
    if stress is not None:
        makers.append(("Stress tests", lambda: figures.stress_heatmap(stress)))
    out: dict[str, Figure] = {}
    skipped: dict[str, str] = {}
    for title, make in makers:
        try:
            out[title] = make()
        except figures.MissingData as why:
            skipped[title] = str(why)
    if stress is None:
        skipped["Stress tests"] = "no stress.csv in the run directory (run `fundsim stress`)"
    if reserve_target is None and reserve_note:
        skipped[RESERVE_LINE] = reserve_note
    return out, skipped


def png_base64(fig: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG string (for an ``<img src="data:...">``)."""
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- HTML


def _cell(name: str, value: Any, difference: bool = False) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = format_difference(name, value) if difference else fmt(name, value)
        return f'<td class="num" data-value="{float(value)!r}">{html.escape(text)}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _html_table(frame: pd.DataFrame, cls: str, formats: Mapping[str, str] | None = None, row_key: str = "") -> str:
    """A table; each cell is formatted by its column name (or ``formats[column]``, or by
    the row's ``row_key`` value for a metric x statistic table)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            kind = (formats or {}).get(str(c)) or (str(row[row_key]) if row_key and c != row_key else str(c))
            cells.append(_cell(kind, row[c]))
        attr = f' data-key="{html.escape(str(row[row_key]))}"' if row_key else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


#: Descriptive columns of the summary table, from the metric registry.
LABEL_COLUMNS = ("what it is", "unit", "better when")


def summary_table(run: Run) -> pd.DataFrame:
    """summary.json as a table: one row per metric (in registry order), its label, unit
    and good direction from the registry, then :data:`SUMMARY_COLUMNS`."""
    rows = []
    for m in sorted(run.summary.index, key=order):
        s, info = run.summary.loc[m].to_dict(), describe(m)
        rows.append({"metric": m, "what it is": info.label, "unit": info.unit, "better when": info.good or "-",
                     **{k: s.get(k, math.nan) for k in SUMMARY_COLUMNS}})
    return pd.DataFrame(rows, columns=["metric", *LABEL_COLUMNS, *SUMMARY_COLUMNS])


def glossary(names: Sequence[str]) -> list[tuple[str, str, str]]:
    """(name, "label (unit; better when ...)", meaning) of each registered metric among ``names``."""
    out = []
    for name in sorted(dict.fromkeys(names), key=order):
        if name not in REGISTRY:
            continue
        m = REGISTRY[name]
        better = f"better {m.good}" if m.good else "neither better nor worse higher"
        out.append((name, f"{m.label} ({m.unit}; {better})", m.meaning))
    return out


def shares_by_year(shares: pd.DataFrame, column: str = "assessed_usd") -> pd.DataFrame:
    """Entity x year table of ``column`` (USD), with a total column and a total row."""
    t = shares.pivot_table(index="entity", columns="year", values=column, aggfunc="sum", sort=False)
    t.columns = [str(c) for c in t.columns]
    t["total"] = t.sum(axis=1)
    t.loc["TOTAL"] = t.sum(axis=0)
    return t.reset_index()


_CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:2em auto;color:#1a1a1a;font-size:14px}
h1{font-size:22px}h2{font-size:17px;border-bottom:1px solid #08306b;padding-bottom:2px;margin-top:1.6em}
table{border-collapse:collapse;margin:0.6em 0;font-size:12px}
th{background:#08306b;color:#fff;padding:3px 8px;text-align:left}
td{padding:2px 8px;border-bottom:1px solid #ddd}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;border:1px solid #eee}.note{color:#555;font-size:12px}
dl.glossary{font-size:12px}dl.glossary dt{margin-top:0.4em}dl.glossary dd{margin-left:1.5em;color:#333}
@media print{h2{page-break-after:avoid}img{page-break-inside:avoid}}
"""


def build_html(
    run: Run,
    figs: Mapping[str, Figure],
    skipped: Mapping[str, str] | None = None,
    stress: pd.DataFrame | None = None,
) -> str:
    """The self-contained HTML page for ``run`` (figures embedded)."""
    m = run.manifest
    name = html.escape(str(m.get("scenario", run.path.name if run.path else "run")))
    facts = (
        f"{m.get('replications')} replications, seed {m.get('seed')}, "
        f"{m.get('start_year')}-{int(m.get('start_year', 0)) + int(m.get('years', 1)) - 1}; "
        f"fundsim {m.get('fundsim_version')}; scenario hash {str(m.get('scenario_hash', ''))[:12]}; "
        f"finished {m.get('finished')}"
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>fundsim report: {name}</title>',
        f"<style>{_CSS}</style></head><body>",
        f"<h1>fundsim report: {name}</h1>",
        f'<p class="note">{html.escape(facts)}. Means with 95 % intervals of the mean; p05-p95: '
        "spread across replications.</p>",
        "<h2>Summary</h2>",
        _html_table(summary_table(run), "summary", {"n": "n"}, row_key="metric"),
    ]
    terms = glossary(list(run.summary.index))
    if terms:
        items = "".join(f"<dt><code>{html.escape(n)}</code>: {html.escape(label)}</dt><dd>{html.escape(text)}</dd>"
                        for n, label, text in terms)
        parts += ["<h2>What the metrics mean</h2>", f'<dl class="glossary">{items}</dl>']
    for title, fig in figs.items():
        parts.append(f"<h2>{html.escape(title)}</h2>")
        parts.append(f'<img alt="{html.escape(title)}" src="data:image/png;base64,{png_base64(fig)}">')
    if skipped:
        items = "".join(f"<li>{html.escape(t)}: {html.escape(w)}</li>" for t, w in skipped.items())
        parts.append(f'<p class="note">Figures not drawn:</p><ul class="note">{items}</ul>')
    if "yearly" in run.tables:
        parts += ["<h2>Year by year (means over replications)</h2>", _html_table(run.tables["yearly"], "yearly",
                                                                                   {"year": "year"})]
    if "children_liability" in run.tables:
        parts += ["<h2>Liability to children, rolled forward (USD, means over replications)</h2>",
                  _html_table(run.tables["children_liability"], "children_liability", {"year": "year"})]
    parts += [
        "<h2>Assessed per entity and year (USD, mean over replications)</h2>",
        _html_table(shares_by_year(run.shares, "assessed_usd"), "shares", dict.fromkeys(_years(run), "USD")),
        "<h2>Paid per entity and year (USD, mean over replications)</h2>",
        _html_table(shares_by_year(run.shares, "paid_usd"), "paid", dict.fromkeys(_years(run), "USD")),
    ]
    if stress is not None:
        cols = [c for c in ("shock", "metric", "baseline_mean", "shocked_mean", "diff", "ci95_low", "ci95_high",
                            "relative_change", "effect", "note") if c in stress]
        parts += ["<h2>Stress tests (paired with the baseline)</h2>", _stress_html(stress[cols])]
    parts.append("</body></html>")
    return "\n".join(parts)


def _years(run: Run) -> list[str]:
    return [*(str(y) for y in sorted(run.shares["year"].unique())), "total"]


def _stress_html(stress: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in stress.columns)
    rows = []
    for _, r in stress.iterrows():
        metric = str(r.get("metric") or "")
        cells = []
        for c in stress.columns:
            v = r[c]
            if c in ("shock", "metric", "effect", "note"):
                cells.append(f"<td>{html.escape(str(v if isinstance(v, str) else ''))}</td>")
            elif c == "relative_change":
                cells.append(_cell(c, v))
            else:  # the means read as the metric, the difference and its interval as differences
                cells.append(_cell(metric, v, difference=c in _DIFFERENCES))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="stress"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# --------------------------------------------------------------------------- XLSX

#: Stress-table columns that are differences (pp for metrics read in %).
_DIFFERENCES = ("diff", "ci95_low", "ci95_high")


def _number_format(column: str, metric: str = "") -> str | None:
    """The Excel format of ``column``, or of ``metric``'s values on a metric's row."""
    if column in ("n", "year", "replication", "month", "risk_tier"):
        return "0"
    return column_excel_format(metric or column)


def _write_sheet(
    ws: Worksheet,
    frame: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    row_metric: str = "",
    total_row: bool = False,
    differences: bool = False,
) -> None:
    """Write ``frame`` with a header row; each number gets the format of its column (or of
    the row's metric, ``row_metric``); with ``differences``, the stress columns
    :data:`_DIFFERENCES` are written as differences (percentage points for metrics read
    in %)."""
    ws.append([str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for _, row in frame.iterrows():
        metric = str(row[row_metric]) if row_metric else ""
        values, cell_formats = [], []
        for c in frame.columns:
            v = row[c]
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            f = (formats or {}).get(str(c))
            if f is None and differences and c in _DIFFERENCES and metric:
                v, f = excel_difference(metric, v)
            elif f is None and isinstance(v, int | float) and not isinstance(v, bool):
                f = _number_format(str(c), metric if c != row_metric else "")
            values.append(v)
            cell_formats.append(f)
        ws.append(values)
        r = ws.max_row
        for j, f in enumerate(cell_formats, start=1):
            if f:
                ws.cell(r, j).number_format = f
    if total_row:
        for cell in ws[ws.max_row]:
            cell.font = _BOLD
    for j, c in enumerate(frame.columns, start=1):
        # wide enough for the header and for every value as it is shown (numbers formatted)
        shown = [len(str(c))]
        for k, v in enumerate(frame[c]):
            metric = str(frame[row_metric].iloc[k]) if row_metric and c != row_metric else str(c)
            shown.append(len(fmt(metric, v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)))
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(60, max(shown) + 3))
    ws.freeze_panes = "B2"


def build_xlsx(run: Run, path: str | Path, stress: pd.DataFrame | None = None) -> Path:
    """Write the workbook for ``run`` to ``path``; returns it."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _write_sheet(ws, summary_table(run), row_metric="metric")
    years = _years(run)
    usd = dict.fromkeys(years, _USD)
    _write_sheet(wb.create_sheet("Assessed by year"), shares_by_year(run.shares, "assessed_usd"), usd, total_row=True)
    _write_sheet(wb.create_sheet("Paid by year"), shares_by_year(run.shares, "paid_usd"), usd, total_row=True)
    _write_sheet(wb.create_sheet("Shares"), run.shares)
    for name in ("yearly", "coverage", "children_liability"):
        if name in run.tables:
            _write_sheet(wb.create_sheet(name.capitalize()), run.tables[name])
    if stress is not None:
        _write_sheet(wb.create_sheet("Stress"), stress, {"relative_change": _PCT}, row_metric="metric",
                     differences=True)
    man = wb.create_sheet("Manifest")
    man.append(["key", "value"])
    for cell in man[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for k, v in run.manifest.items():
        man.append([k, v if isinstance(v, int | float | str) or v is None else str(v)])
    man.column_dimensions["A"].width, man.column_dimensions["B"].width = 22, 60
    path = Path(path)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- both


def write_report(
    run: Run,
    out_dir: str | Path | None = None,
    *,
    stress: pd.DataFrame | None = None,
    reserve_target: pd.DataFrame | None = None,
    reserve_note: str | None = None,
) -> tuple[Path, Path, Sequence[str]]:
    """Write ``report.html`` and ``report.xlsx`` for ``run`` into ``out_dir`` (default: the
    run directory). ``stress`` defaults to the run directory's ``stress.csv`` when present.
    ``reserve_note`` says why there is no ``reserve_target`` (the page lists it). Returns
    both paths and the titles of what was not drawn."""
    if out_dir is None and run.path is None:
        raise ValueError("the run is not saved: give out_dir")
    out = Path(out_dir) if out_dir is not None else run.path
    assert out is not None
    out.mkdir(parents=True, exist_ok=True)
    if stress is None:
        stress = run.tables.get("stress")
    figs, skipped = run_figures(run, stress, reserve_target, reserve_note)
    html_path = out / HTML_NAME
    html_path.write_text(build_html(run, figs, skipped, stress), encoding="utf-8")
    xlsx_path = build_xlsx(run, out / XLSX_NAME, stress)
    return html_path, xlsx_path, list(skipped)
