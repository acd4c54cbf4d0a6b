"""The tables and number formats both forms of the run report share (the HTML page and
the XLSX workbook): the summary as a table, shares by entity and year, the statements'
line names and their total lines, and how a number reads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from fundsim.results import Run
from fundsim.results.registry import (
    UNIT_FORMATS,
    column_excel_format,
    describe,
    format_column,
    format_unit,
    not_applicable,
    order,
)

SUMMARY_COLUMNS = ("mean", "ci95_low", "ci95_high", "p05", "p50", "p95", "n")
_USD = "#,##0"
_PCT = "0.0%"

#: Stress-table columns that are differences (pp for metrics read in %).
_DIFFERENCES = ("diff", "ci95_low", "ci95_high")


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
        rows.append(
            {
                "metric": m,
                "what it is": info.label,
                "unit": info.unit,
                "better when": info.good or "neither",
                **{k: s.get(k, math.nan) for k in SUMMARY_COLUMNS},
            }
        )
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


#: Readable names of the statements.
STATEMENT_NAMES = {"cash_flow": "cash flows", "position": "financial position at 31 December"}
#: Readable names of statement lines whose code name would not read as words.
LINE_LABELS = {
    "host_prefinancing": "host pre-financing",
    "prefinancing_owed": "pre-financing owed",
    "unencumbered": "unencumbered balance",
    "lapsed": "host money lapsed",
}
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
                signed = [
                    (s if s == "+" else ("-" if sign_of_owed > 0 else "+"), r) for s, r in terms
                ]
                values = frame[list(years)].to_numpy(float)
                sums = sum(values[r] * (1.0 if s == "+" else -1.0) for s, r in signed)
                ok = bool((abs(sums - values[rows[line]]) < 0.01).all())
                if ok:
                    out[rows[line]] = signed
                    break
    return out
