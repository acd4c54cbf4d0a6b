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
import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from xlsxwriter.utility import xl_rowcol_to_cell

from fundsim.results import Run
from fundsim.results.atomic import write_text
from fundsim.results.registry import (
    STRESS_HEADLINE,
    UNIT_FORMATS,
    column_excel_format,
    describe,
    excel_difference,
    excel_format,
    format_column,
    format_difference,
    format_unit,
    not_applicable,
    order,
)
from fundsim.viz import figures
from fundsim.viz.narrative import HEADINGS, ScenarioText, answer, describe_column, glossary
from fundsim.viz.style import styled
from fundsim.viz.workbook import Column, Sheets, open_workbook, read_me

HTML_NAME = "report.html"
XLSX_NAME = "report.xlsx"

SUMMARY_COLUMNS = ("mean", "ci95_low", "ci95_high", "p05", "p50", "p95", "n")
_USD = "#,##0"
_PCT = "0.0%"


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
        ("Coverage by country and year", lambda: figures.coverage_heatmap(run.tables.get("coverage"), **w)),
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


def _table(frame: pd.DataFrame, cls: str, formats: Mapping[str, str] | None = None, row_key: str = "",
           headings: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A table for the template; each cell is formatted by its column name (or
    ``formats[column]``, or by the row's ``row_key`` value for a metric x statistic table)."""
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            kind = (formats or {}).get(str(c)) or (str(row[row_key]) if row_key and c != row_key else str(c))
            cells.append(_cell(kind, row[c]))
        rows.append({"key": str(row[row_key]) if row_key else None, "cells": cells})
    head = [(headings or {}).get(str(c), str(c)) for c in frame.columns]
    return {"cls": cls, "head": head, "rows": rows}


#: Descriptive columns of the summary table, from the metric registry.
LABEL_COLUMNS = ("what it is", "unit", "better when")


def summary_table(run: Run, settings: object | None = None) -> pd.DataFrame:
    """summary.json as a table: one row per metric (in registry order), its label, unit
    and good direction from the registry, then :data:`SUMMARY_COLUMNS`. A metric zero by
    construction under the scenario ``settings`` holds "not applicable (why)" as its mean."""
    rows = []
    for m in sorted(run.summary.index, key=order):
        s, info = run.summary.loc[m].to_dict(), describe(m)
        na = not_applicable(m, settings)
        if na is not None:
            s = {"mean": na, "n": s.get("n", math.nan)}
        rows.append({"metric": m, "what it is": info.label, "unit": info.unit, "better when": info.good or "neither",
                     **{k: s.get(k, math.nan) for k in SUMMARY_COLUMNS}})
    return pd.DataFrame(rows, columns=["metric", *LABEL_COLUMNS, *SUMMARY_COLUMNS])


#: Headings of the summary table's statistics.
SUMMARY_HEADINGS = {
    "mean": "mean",
    "ci95_low": "95 % interval of the mean: low",
    "ci95_high": "95 % interval of the mean: high",
    "p05": "5th percentile",
    "p50": "median",
    "p95": "95th percentile",
    "n": "replications",
}


def shares_by_year(shares: pd.DataFrame, column: str = "assessed_usd") -> pd.DataFrame:
    """Entity x year table of ``column`` (USD), with a total column and a total row."""
    t = shares.pivot_table(index="entity", columns="year", values=column, aggfunc="sum", sort=False)
    t.columns = [str(c) for c in t.columns]
    t["total"] = t.sum(axis=1)
    t.loc["TOTAL"] = t.sum(axis=0)
    return t.reset_index()


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("fundsim.viz", "templates"),
                       autoescape=select_autoescape(("html", "j2")), trim_blocks=True, lstrip_blocks=True)


#: Captions under the figures: what each shows.
CAPTIONS = {
    FAN_TITLE: "Total cash of the coordinator fund (blue bands: 5–95 % and 25–75 % of replications, line: "
               "median) beside its uncommitted (free) balance: cash less what is already committed to running "
               "contracts (red line: median; dotted: 5th percentile). The uncommitted balance is negative when "
               "the fund has committed more than the cash it holds, on the strength of invoices not yet paid "
               "(receivables) and the host's pre-financing line: contracts are certified against the year's "
               "expected income, not against cash in hand. A deeply negative line means posts rest on money "
               "still owed: a cut or a late payment then interrupts a post. Dashed: the reserve target.",
    WAIT_TITLE: "One value per replication: the median number of days an assisted victim waited for a first "
                "service in that replication. The spread shows how much that median varies from one "
                "replication to another, not how long single victims wait.",
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
    name = str(m.get("scenario", run.path.name if run.path else "run"))
    start, years = m.get("start_year"), m.get("years")
    span = f"{start}–{int(start) + int(years) - 1}" if start is not None and years is not None else ""
    facts = (
        f"{m.get('replications')} replications, seed {m.get('seed')}, {span}; "
        f"fundsim {m.get('fundsim_version')}; scenario hash {str(m.get('scenario_hash', ''))[:12]}; "
        f"finished {m.get('finished')}"
    )
    year_cols = _years(run)
    summary = summary_table(run, settings)
    tables = {"summary": {**_table(summary, "summary", {"n": "n"}, row_key="metric", headings=SUMMARY_HEADINGS),
                          "minor": [i for i, c in enumerate(summary.columns)
                                    if c in ("unit", "better when", "p05", "p50", "p95", "n")]}}
    if "yearly" in run.tables:
        tables["yearly"] = _table(run.tables["yearly"], "yearly", {"year": "year"}, headings=HEADINGS)
    if "children_liability" in run.tables:
        tables["children_liability"] = _table(run.tables["children_liability"], "children_liability",
                                              {"year": "year"}, headings=HEADINGS)
    tables.update(statement_tables(run))
    usd = dict.fromkeys(year_cols, "USD")
    tables["assessed"] = _table(shares_by_year(run.shares, "assessed_usd"), "shares", usd)
    tables["paid"] = _table(shares_by_year(run.shares, "paid_usd"), "paid", usd)
    stress_rows = None
    if stress is not None:
        cols = [c for c in ("shock", "metric", "baseline_mean", "shocked_mean", "diff", "ci95_low", "ci95_high",
                            "effect", "largest_change_entity", "largest_change_usd", "largest_change_pct")
                if c in stress]
        # The page shows the headline metrics (every metric is in the workbook and stress.csv).
        names = stress["metric"].fillna("").astype(str)
        shown = stress[names.isin(STRESS_HEADLINE) | (names == "")] if names.isin(STRESS_HEADLINE).any() else stress
        stress_rows = _stress_table(shown[cols])
    return _environment().get_template("report.html.j2").render(
        name=name,
        facts=facts,
        answer=answer(run.summary, m, settings),
        scenario=scenario,
        scenario_note=scenario_note,
        assumptions=scenario.assumptions() if scenario else [],
        basis_counts=scenario.counts() if scenario else {},
        glossary=glossary(list(run.summary.index)),
        figures=[{"title": t, "png": png_base64(f), "caption": CAPTIONS.get(t, ""),
                  "narrow": png_base64((narrow or {})[t], dpi=100) if t in (narrow or {}) else None}
                 for t, f in figs.items()],
        skipped=dict(skipped or {}),
        tables=tables,
        stress=stress_rows,
    )


#: The statements the report shows, per window: (key, statement, title).
STATEMENT_SECTIONS = (
    ("cash_flow", "Statement of cash flows"),
    ("position", "Statement of financial position at 31 December"),
)
#: Readable names of the statements.
STATEMENT_NAMES = {"cash_flow": "cash flows", "position": "financial position at 31 December"}
#: Readable names of statement lines whose code name would not read as words.
LINE_LABELS = {"host_prefinancing": "host pre-financing", "prefinancing_owed": "pre-financing owed",
               "unencumbered": "unencumbered balance", "lapsed": "host money lapsed"}
#: Total lines: each is the sum of the top-level lines listed (with a sign), in every year.
TOTAL_LINES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "closing_cash": (("+", ("*",)),),
    "total_assets": (("+", ("cash", "receivables")),),
    "net_assets": (("+", ("total_assets",)), ("-", ("prefinancing_owed", "fees_payable"))),
}


def line_label(code: str) -> str:
    """A statement line's code as words: ``opening_cash`` -> ``opening cash``."""
    return LINE_LABELS.get(code, code.replace("_", " "))


def statement_totals(frame: pd.DataFrame, years: Sequence[str]) -> dict[int, list[tuple[str, int]]]:
    """Rows of ``frame`` (window, statement, line, detail, years) that are totals of other
    rows, each with its terms (sign, row): the closing cash is the opening cash plus every
    flow line; total assets are cash and receivables; net assets are total assets less
    what is owed. A total is written as a formula only where it adds up in every year
    (to the cent); otherwise its value stays."""
    out: dict[int, list[tuple[str, int]]] = {}
    top = frame[frame["detail"] == ""]
    for (_window, _kind), part in top.groupby(["window", "statement"], sort=False):
        rows = dict(zip(part["line"], part.index, strict=True))
        for line, rule in TOTAL_LINES.items():
            if line not in rows:
                continue
            terms: list[tuple[str, int]] = []
            for sign, names in rule:
                if names == ("*",):
                    terms += [(sign, r) for name, r in rows.items() if r < rows[line]]
                else:
                    terms += [(sign, rows[n]) for n in names if n in rows]
            if not terms:
                continue
            for sign_of_owed in (1.0, -1.0):  # what is owed may be stored as a negative amount
                signed = [(s if s == "+" else ("-" if sign_of_owed > 0 else "+"), r) for s, r in terms]
                values = frame[list(years)].to_numpy(float)
                sums = sum(values[r] * (1.0 if s == "+" else -1.0) for s, r in signed)
                ok = bool((abs(sums - values[rows[line]]) < 0.01).all())
                if ok:
                    out[rows[line]] = signed
                    break
    return out


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
            frame["line"] = [("· " + x[2:]) if x.startswith("  ") else line_label(x)  # an entity or age under its line
                             for x in frame["line"].astype(str)]
            out[f"statement_{window}_{kind}"] = {
                **_table(frame, "statement", dict.fromkeys(table.columns, "USD")),
                "title": f"{title}: {window} window (USD, means over replications)",
            }
        rows = []
        for line in RANGE_LINES:
            for col, label in (("p05", "5th percentile"), ("p95", "95th percentile")):
                part = summary[(summary["window"] == window) & (summary["statement"] == "position")
                               & (summary["line"] == line) & (summary["detail"] == "")]
                rows.append({"line": f"{line}: {label}", **{str(y): v for y, v in zip(part["year"], part[col], strict=True)}})
        frame = pd.DataFrame(rows)
        out[f"statement_{window}_range"] = {
            **_table(frame, "statement", dict.fromkeys(frame.columns[1:], "USD")),
            "title": f"Financial position at 31 December: {window} window, spread across replications (USD)",
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


# --------------------------------------------------------------------------- XLSX

#: Stress-table columns that are differences (pp for metrics read in %).
_DIFFERENCES = ("diff", "ci95_low", "ci95_high")


def _column(key: str, number_format: str | None = None, heading: str | None = None, total: bool = False) -> Column:
    return Column(key, heading or describe_column(key), number_format or column_excel_format(key), total)


def _frame_columns(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> list[Column]:
    return [_column(str(c), (formats or {}).get(str(c))) for c in frame.columns]


def _sheet(sheets: Sheets, title: str, frame: pd.DataFrame, columns: Sequence[Column], **kw: Any) -> None:
    ws = sheets.book.add_worksheet(title)
    Sheets.fit(ws, sheets.table(ws, frame, columns, name=title, **kw))


#: What each sheet of report.xlsx holds (the Read me sheet lists those present).
SHEETS = {
    "Summary": "each metric: what it is, unit, better when, mean, 95 % interval of the mean, percentiles",
    "Assessed by year": "USD assessed to each entity per year (mean over replications); totals are formulas",
    "Paid by year": "USD paid by each entity per year (mean over replications); totals are formulas",
    "Shares": "shares.csv: entity, year, formula share, assessed and paid USD, taking part",
    "Yearly": "year by year: gap probability, coverage, income, spending, closing cash",
    "Coverage": "coordinator coverage by country and year",
    "Children_liability": "the liability to children born of SEA rolled forward by year: opening, new children, "
                          "interest unwind, payments, releases, closing (USD, means over replications)",
    "Statements": "the fund's statements by window: cash flows by year and the financial position at each "
                  "31 December, each line's mean over replications (USD; statements.parquet has percentiles)",
    "Stress": "each shock against the baseline: change and its paired 95 % interval (pp for %)",
    "Manifest": "what ran: scenario, hash, seed, replications, versions, times",
}


def build_xlsx(run: Run, path: str | Path, stress: pd.DataFrame | None = None,
               scenario: ScenarioText | None = None, scenario_note: str = "", settings: object | None = None) -> Path:
    """Write the workbook for ``run`` to ``path``; returns it."""
    path = Path(path)
    book = open_workbook(path)
    sheets = Sheets(book)
    m = run.manifest
    present = ["Summary", "Assessed by year", "Paid by year", "Shares",
               *(n.capitalize() for n in ("yearly", "coverage", "children_liability") if n in run.tables),
               *(["Statements"] if not run.statements.empty else []),
               *(["Stress"] if stress is not None else []), "Manifest"]
    start, years = m.get("start_year"), m.get("years")
    facts: list[tuple[str, Any]] = [
        ("scenario", str(m.get("scenario", ""))),
        *([("description", scenario.description)] if scenario and scenario.description else []),
        ("scenario file", str(m.get("scenario_file") or "(none: built in Python)")),
        ("replications", m.get("replications")),
        ("seed", m.get("seed")),
        ("years", f"{start}–{int(start) + int(years) - 1}" if start is not None and years is not None else ""),
        ("answer", answer(run.summary, m, settings)),
        ("how to read", "Means over replications with the 95 % interval of the mean; 5th-95th percentiles "
                        "show the spread across replications. Money in USD, fractions in %. Totals are "
                        "SUM formulas over the cells they add up."),
    ]
    read_me(sheets, f"fundsim report: {m.get('scenario', '')}", facts, glossary(list(run.summary.index)),
            scenario.assumptions() if scenario else None, scenario_note,
            [(s, SHEETS[s]) for s in present])

    summ = summary_table(run, settings)
    stat_cols = [Column(k, SUMMARY_HEADINGS[k], "0" if k == "n" else None) for k in SUMMARY_COLUMNS]
    label_cols = [Column("metric", "metric"), *(Column(c, c) for c in LABEL_COLUMNS)]
    row_formats = []
    for metric in summ["metric"]:
        f = excel_format(metric)
        count = describe(metric).unit == "count"
        row_formats.append({"mean": f, "ci95_low": f, "ci95_high": f, "n": "0",
                            **{k: ("#,##0" if count else f) for k in ("p05", "p50", "p95")}})
    _sheet(sheets, "Summary", summ, [*label_cols, *stat_cols], row_formats=row_formats)

    for title, column in (("Assessed by year", "assessed_usd"), ("Paid by year", "paid_usd")):
        t = run.shares.pivot_table(index="entity", columns="year", values=column, aggfunc="sum", sort=False)
        t.columns = [str(c) for c in t.columns]
        frame = t.reset_index()
        what = describe_column(column).removesuffix(" (USD)")
        cols = [Column("entity", "entity"),
                *(Column(y, f"{what} {y} (USD)", _USD, total=True) for y in t.columns)]
        _sheet(sheets, title, frame, cols, total_label="TOTAL",
               row_total=Column("total", f"{what}, all years (USD)", _USD, total=True))

    _sheet(sheets, "Shares", run.shares, _frame_columns(run.shares))
    for name in ("yearly", "coverage", "children_liability"):
        if name in run.tables:
            frame = run.tables[name]
            _sheet(sheets, name.capitalize(), frame, _frame_columns(frame))
    if not run.statements.empty:
        t = run.statements.pivot_table(index=["window", "statement", "line", "detail"], columns="year",
                                       values="mean", sort=False)
        t.columns = [str(c) for c in t.columns]
        frame = t.reset_index()
        totals = statement_totals(frame, list(t.columns))
        frame["statement"] = frame["statement"].map(lambda s: STATEMENT_NAMES.get(s, s))
        frame["line"] = frame["line"].map(line_label)
        cols = [Column(c, c) for c in ("window", "statement", "line", "detail")]
        ws = sheets.book.add_worksheet("Statements")
        widths = sheets.table(ws, frame, [*cols, *(Column(y, f"{y} (USD)", _USD) for y in t.columns)],
                              name="Statements")
        bold = sheets.fmt(_USD, bold=True)
        for at, terms in totals.items():  # a total line is a formula over the lines it adds up
            for k, year in enumerate(t.columns):
                col = 4 + k
                formula = "=" + "".join(f"{sign}{xl_rowcol_to_cell(1 + r, col)}" for sign, r in terms).lstrip("+")
                ws.write_formula(1 + at, col, formula, bold, float(frame.at[at, year]))  # type: ignore[arg-type]
        Sheets.fit(ws, widths)
    if stress is not None:
        frame = stress.copy()
        formats: list[dict[str, str | None]] = []
        for i, metric in enumerate(frame["metric"].fillna("").astype(str)):
            row: dict[str, str | None] = {"relative_change": _PCT, "largest_change_pct": "+0.0%;-0.0%;0.0%",
                                          "largest_change_usd": "+#,##0;-#,##0;0"}
            if metric:
                f = excel_format(metric)
                row.update(baseline_mean=f, shocked_mean=f)
                for c in _DIFFERENCES:
                    if c in frame:
                        value, row[c] = excel_difference(metric, float(frame.at[frame.index[i], c]))  # type: ignore[arg-type]
                        frame.at[frame.index[i], c] = value
            formats.append(row)
        _sheet(sheets, "Stress", frame, _frame_columns(frame), row_formats=formats)

    man = pd.DataFrame([(k, v if isinstance(v, int | float | str) or v is None else str(v))
                        for k, v in run.manifest.items()], columns=["key", "value"])
    man_formats = [{"value": ("0" if isinstance(v, int) else "0.000") if isinstance(v, int | float) else None}
                   for v in man["value"]]
    _sheet(sheets, "Manifest", man, [Column("key", "key"), Column("value", "value")], row_formats=man_formats)
    book.close()
    return path


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
        scenario_note = ("the scenario file is not at hand (the manifest names none, or it is not found): "
                         "its description and assumptions are not shown")
    figs, skipped = run_figures(run, stress, reserve_target, reserve_note)
    narrow, _ = run_figures(run, stress, reserve_target, reserve_note, width=NARROW_IN)
    html_path = out / HTML_NAME
    write_text(html_path, build_html(run, figs, skipped, stress, scenario, scenario_note, settings, narrow))
    xlsx_path = build_xlsx(run, out / XLSX_NAME, stress, scenario, scenario_note, settings)
    return html_path, xlsx_path, list(skipped)
