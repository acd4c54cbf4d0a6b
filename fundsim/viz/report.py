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

The workbook is built in :mod:`fundsim.viz.report_xlsx`; the tables and number formats
both forms share are in :mod:`fundsim.viz.report_tables`.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from fundsim.results import Run
from fundsim.results.atomic import write_text
from fundsim.results.registry import (
    STRESS_HEADLINE,
    format_difference,
)
from fundsim.viz import figures
from fundsim.viz.narrative import HEADINGS, ScenarioText, answer, glossary
from fundsim.viz.report_tables import (
    _DIFFERENCES,
    SUMMARY_COLUMNS,
    SUMMARY_HEADINGS,
    fmt,
    is_fraction,
    line_label,
    shares_by_year,
    statement_totals,
    summary_table,
)
from fundsim.viz.report_xlsx import SHEETS, build_xlsx
from fundsim.viz.style import styled

__all__ = [
    "HTML_NAME",
    "RESERVE_LINE",
    "SHEETS",
    "SUMMARY_COLUMNS",
    "XLSX_NAME",
    "build_html",
    "build_xlsx",
    "fmt",
    "is_fraction",
    "run_figures",
    "shares_by_year",
    "statement_tables",
    "statement_totals",
    "summary_table",
    "write_report",
]

HTML_NAME = "report.html"
XLSX_NAME = "report.xlsx"

# --------------------------------------------------------------------------- figures


#: Titles of the figures that carry a caption.
FAN_TITLE = "Cash: total and uncommitted (fan chart)"
WAIT_TITLE = "Median wait per replication"
#: The entry in the list of what was not drawn when the reserve target is unknown.
RESERVE_LINE = "Reserve target on the fan chart"


def run_figures(
    run: Run,
    stress: pd.DataFrame | None = None,
    reserve_target: pd.DataFrame | None = None,
    reserve_note: str | None = None,
    width: float | None = None,
) -> tuple[dict[str, Figure], dict[str, str]]:
    """The report's figures for ``run`` (title -> Figure), and those skipped (title -> why).

    ``reserve_note`` says why ``reserve_target`` is missing; it is listed with the
    figures not drawn. ``width`` (inches) draws them for that width (the page's phone
    version uses :data:`NARROW_IN`); default each figure's own."""
    w: dict[str, Any] = {} if width is None else {"width": width}
    makers: list[tuple[str, Callable[[], Figure]]] = [
        (FAN_TITLE, lambda: figures.fan_chart(run.monthly, reserve_target=reserve_target, **w)),
        (
            "Coverage by country and year",
            lambda: figures.coverage_heatmap(run.tables.get("coverage"), **w),
        ),
        ("Shares per entity", lambda: figures.share_bars(run.shares, **w)),
        (WAIT_TITLE, lambda: figures.waiting_time_distribution(run.replications, **w)),
    ]
    if stress is not None:
        makers.append(("Stress tests", lambda: figures.stress_heatmap(stress, **w)))
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


#: Width (inches) of the figures redrawn for a phone: 4 in at 100 dpi fills a 390 px screen.
NARROW_IN = 4.0


def png_base64(fig: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG string (for an ``<img src="data:...">``)."""
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------- HTML


def _cell(name: str, value: Any, difference: bool = False) -> dict[str, Any]:
    """A table cell for the template: its text, and for a number its full-precision value."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = format_difference(name, value) if difference else fmt(name, value)
        return {"text": text, "value": repr(float(value)), "num": True}
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return {"text": "", "num": False}
    return {"text": str(value), "num": False}


def _table(
    frame: pd.DataFrame,
    cls: str,
    formats: Mapping[str, str] | None = None,
    row_key: str = "",
    headings: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A table for the template; each cell is formatted by its column name (or
    ``formats[column]``, or by the row's ``row_key`` value for a metric x statistic table)."""
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            kind = (formats or {}).get(str(c)) or (
                str(row[row_key]) if row_key and c != row_key else str(c)
            )
            cells.append(_cell(kind, row[c]))
        rows.append({"key": str(row[row_key]) if row_key else None, "cells": cells})
    head = [(headings or {}).get(str(c), str(c)) for c in frame.columns]
    return {"cls": cls, "head": head, "rows": rows}


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("fundsim.viz", "templates"),
        autoescape=select_autoescape(("html", "j2")),
        trim_blocks=True,
        lstrip_blocks=True,
    )


#: Captions under the figures: what each shows.
CAPTIONS = {
    FAN_TITLE: (
        "Total cash of the coordinator fund (blue bands: 5–95 % and 25–75 % of replications, line: "
        "median) beside its uncommitted (free) balance: cash less what is already committed to "
        "running "
        "contracts (red line: median; dotted: 5th percentile). The uncommitted balance is negative "
        "when "
        "the fund has committed more than the cash it holds, on the strength of invoices not yet "
        "paid "
        "(receivables) and the host's pre-financing line: contracts are certified against the "
        "year's "
        "expected income, not against cash in hand. A deeply negative line means posts rest on "
        "money "
        "still owed: a cut or a late payment then interrupts a post. Dashed: the reserve target."
    ),
    WAIT_TITLE: (
        "One value per replication: the median number of days an assisted victim waited for a "
        "first "
        "service in that replication. The spread shows how much that median varies from one "
        "replication to another, not how long single victims wait."
    ),
}


def build_html(
    run: Run,
    figs: Mapping[str, Figure],
    skipped: Mapping[str, str] | None = None,
    stress: pd.DataFrame | None = None,
    scenario: ScenarioText | None = None,
    scenario_note: str = "",
    settings: object | None = None,
    narrow: Mapping[str, Figure] | None = None,
) -> str:
    """The self-contained HTML page for ``run`` (figures embedded; ``narrow``: the same
    figures redrawn for a phone, shown below 600 px), from the jinja2 template
    ``templates/report.html.j2`` (autoescaped). Order: the answer, the charts, the
    tables, then the reference (glossary and assumptions, collapsed)."""
    m = run.manifest
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            name=str(m.get("scenario", run.path.name if run.path else "run")),
            facts=_run_facts(m),
            answer=answer(run.summary, m, settings),
            scenario=scenario,
            scenario_note=scenario_note,
            assumptions=scenario.assumptions() if scenario else [],
            basis_counts=scenario.counts() if scenario else {},
            glossary=glossary(list(run.summary.index)),
            figures=_figure_cards(figs, narrow or {}),
            skipped=dict(skipped or {}),
            tables=_html_tables(run, settings),
            stress=None if stress is None else _stress_table(_shown_stress(stress)),
        )
    )


def _run_facts(manifest: Mapping[str, Any]) -> str:
    """The line under the page's title: replications, seed, years, version, scenario hash,
    when the run finished."""
    m = manifest
    start, years = m.get("start_year"), m.get("years")
    span = (
        f"{start}–{int(start) + int(years) - 1}" if start is not None and years is not None else ""
    )
    return (
        f"{m.get('replications')} replications, seed {m.get('seed')}, {span}; "
        f"fundsim {m.get('fundsim_version')}; scenario hash "
        f"{str(m.get('scenario_hash', ''))[:12]}; "
        f"finished {m.get('finished')}"
    )


def _figure_cards(figs: Mapping[str, Figure], narrow: Mapping[str, Figure]) -> list[dict[str, Any]]:
    """Each figure for the template: its title, PNG (base64), caption and phone version."""
    return [
        {
            "title": t,
            "png": png_base64(f),
            "caption": CAPTIONS.get(t, ""),
            "narrow": png_base64(narrow[t], dpi=100) if t in narrow else None,
        }
        for t, f in figs.items()
    ]


def _html_tables(run: Run, settings: object | None) -> dict[str, Any]:
    """The page's tables by key: the summary, yearly and children's tables, the statements,
    and the shares assessed and paid by entity and year."""
    year_cols = _years(run)
    summary = summary_table(run, settings)
    tables = {
        "summary": {
            **_table(summary, "summary", {"n": "n"}, row_key="metric", headings=SUMMARY_HEADINGS),
            "minor": [
                i
                for i, c in enumerate(summary.columns)
                if c in ("unit", "better when", "p05", "p50", "p95", "n")
            ],
        }
    }
    if "yearly" in run.tables:
        tables["yearly"] = _table(
            run.tables["yearly"], "yearly", {"year": "year"}, headings=HEADINGS
        )
    if "children_liability" in run.tables:
        tables["children_liability"] = _table(
            run.tables["children_liability"],
            "children_liability",
            {"year": "year"},
            headings=HEADINGS,
        )
    tables.update(statement_tables(run))
    usd = dict.fromkeys(year_cols, "USD")
    tables["assessed"] = _table(shares_by_year(run.shares, "assessed_usd"), "shares", usd)
    tables["paid"] = _table(shares_by_year(run.shares, "paid_usd"), "paid", usd)
    return tables


#: The stress table's columns the page shows, in order (those the table has).
STRESS_COLUMNS = (
    "shock",
    "metric",
    "baseline_mean",
    "shocked_mean",
    "diff",
    "ci95_low",
    "ci95_high",
    "effect",
    "largest_change_entity",
    "largest_change_usd",
    "largest_change_pct",
)


def _shown_stress(stress: pd.DataFrame) -> pd.DataFrame:
    """The rows and columns of the stress table the page shows: the headline metrics (and
    the shocks not run) when the table has any, else every metric (every metric is in the
    workbook and stress.csv)."""
    cols = [c for c in STRESS_COLUMNS if c in stress]
    names = stress["metric"].fillna("").astype(str)
    shown = (
        stress[names.isin(STRESS_HEADLINE) | (names == "")]
        if names.isin(STRESS_HEADLINE).any()
        else stress
    )
    return shown[cols]


#: The statements the report shows, per window: (key, statement, title).
STATEMENT_SECTIONS = (
    ("cash_flow", "Statement of cash flows"),
    ("position", "Statement of financial position at 31 December"),
)
#: Position lines shown with their 5th and 95th percentiles.
RANGE_LINES = ("cash", "receivables", "commitments", "reserve", "unencumbered")


def statement_tables(run: Run) -> dict[str, Any]:
    """The statements of each window (``statements.parquet``) as report tables: for each
    window and statement, the mean of each line by year (USD), and a table of the 5th and
    95th percentiles of the position's main lines. Empty for a run without statements."""
    from fundsim.results.statements import statement

    summary = run.statements
    if summary.empty:
        return {}
    out: dict[str, Any] = {}
    for window in dict.fromkeys(summary["window"]):
        for kind, title in STATEMENT_SECTIONS:
            table = statement(summary, window, kind)
            table.columns = [str(c) for c in table.columns]
            frame = table.reset_index(names="line")
            frame["line"] = [
                ("· " + x[2:])
                if x.startswith("  ")
                else line_label(x)  # an entity or age under its line
                for x in frame["line"].astype(str)
            ]
            out[f"statement_{window}_{kind}"] = {
                **_table(frame, "statement", dict.fromkeys(table.columns, "USD")),
                "title": f"{title}: {window} window (USD, means over replications)",
            }
        rows = []
        for line in RANGE_LINES:
            for col, label in (("p05", "5th percentile"), ("p95", "95th percentile")):
                part = summary[
                    (summary["window"] == window)
                    & (summary["statement"] == "position")
                    & (summary["line"] == line)
                    & (summary["detail"] == "")
                ]
                rows.append(
                    {
                        "line": f"{line}: {label}",
                        **{str(y): v for y, v in zip(part["year"], part[col], strict=True)},
                    }
                )
        frame = pd.DataFrame(rows)
        out[f"statement_{window}_range"] = {
            **_table(frame, "statement", dict.fromkeys(frame.columns[1:], "USD")),
            "title": (
                f"Financial position at 31 December: {window} window, spread across replications "
                "(USD)"
            ),
        }
    return out


def _years(run: Run) -> list[str]:
    return [*(str(y) for y in sorted(run.shares["year"].unique())), "total"]


def _stress_table(stress: pd.DataFrame) -> dict[str, Any]:
    rows = []
    for _, r in stress.iterrows():
        metric = str(r.get("metric") or "")
        cells = []
        for c in stress.columns:
            v = r[c]
            if c in ("shock", "metric", "effect", "note", "largest_change_entity"):
                cells.append({"text": str(v if isinstance(v, str) else ""), "num": False})
            elif c in ("relative_change", "largest_change_pct"):
                cells.append(_cell("relative_change", v))
            elif c == "largest_change_usd":
                cells.append(_cell("USD", v))
            else:  # the means read as the metric, the difference and its interval as differences
                cells.append(_cell(metric, v, difference=c in _DIFFERENCES))
        rows.append({"key": None, "cells": cells})
    return {"cls": "stress", "head": [HEADINGS.get(c, c) for c in stress.columns], "rows": rows}


# --------------------------------------------------------------------------- both


def write_report(
    run: Run,
    out_dir: str | Path | None = None,
    *,
    stress: pd.DataFrame | None = None,
    reserve_target: pd.DataFrame | None = None,
    reserve_note: str | None = None,
    scenario: ScenarioText | Any = None,
    scenario_note: str = "",
) -> tuple[Path, Path, Sequence[str]]:
    """Write ``report.html`` and ``report.xlsx`` for ``run`` into ``out_dir`` (default: the
    run directory). ``stress`` defaults to the run directory's ``stress.csv`` when present.
    ``reserve_note`` says why there is no ``reserve_target`` (the page lists it).
    ``scenario`` (a :class:`ScenarioText`, or a loaded scenario; default the run's own
    when it was computed in this process) gives the description and the assumptions
    from ``[sources]``; ``scenario_note`` says why it is absent. Returns both paths and
    the titles of what was not drawn."""
    if out_dir is None and run.path is None:
        raise ValueError("the run is not saved: give out_dir")
    out = Path(out_dir) if out_dir is not None else run.path
    assert out is not None
    out.mkdir(parents=True, exist_ok=True)
    if stress is None:
        stress = run.tables.get("stress")
    if scenario is None and run.scenario is not None:
        scenario = run.scenario
    settings = scenario if scenario is not None and not isinstance(scenario, ScenarioText) else None
    if scenario is not None and not isinstance(scenario, ScenarioText):
        scenario = ScenarioText.of(scenario, run.manifest.get("scenario_file"))
    if scenario is None and not scenario_note:
        scenario_note = (
            "the scenario file is not at hand (the manifest names none, or it is not found): "
            "its description and assumptions are not shown"
        )
    figs, skipped = run_figures(run, stress, reserve_target, reserve_note)
    narrow, _ = run_figures(run, stress, reserve_target, reserve_note, width=NARROW_IN)
    html_path = out / HTML_NAME
    write_text(
        html_path, build_html(run, figs, skipped, stress, scenario, scenario_note, settings, narrow)
    )
    xlsx_path = build_xlsx(run, out / XLSX_NAME, stress, scenario, scenario_note, settings)
    return html_path, xlsx_path, list(skipped)
