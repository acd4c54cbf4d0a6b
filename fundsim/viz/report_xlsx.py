"""The run report's XLSX workbook (``report.xlsx``): the same numbers as the HTML page, as
numbers with dollar and percent formats: the summary with its intervals, the shares per
entity and year (long, and as entity x year tables whose totals are formulas), the yearly,
coverage and children's liability tables, the statements (total lines as formulas), the
stress table when there is one, and the manifest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from fundsim.results import Run
from fundsim.results.registry import (
    column_excel_format,
    describe,
    excel_difference,
    excel_format,
)
from fundsim.viz.narrative import ScenarioText, answer, describe_column, glossary
from fundsim.viz.report_tables import (
    _DIFFERENCES,
    _PCT,
    _USD,
    LABEL_COLUMNS,
    STATEMENT_NAMES,
    SUMMARY_COLUMNS,
    SUMMARY_HEADINGS,
    line_label,
    statement_totals,
    summary_table,
)
from fundsim.viz.workbook import Column, Sheets, open_workbook, read_me


def _column(
    key: str, number_format: str | None = None, heading: str | None = None, total: bool = False
) -> Column:
    return Column(
        key, heading or describe_column(key), number_format or column_excel_format(key), total
    )


def _frame_columns(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> list[Column]:
    return [_column(str(c), (formats or {}).get(str(c))) for c in frame.columns]


def _sheet(
    sheets: Sheets, title: str, frame: pd.DataFrame, columns: Sequence[Column], **kw: Any
) -> None:
    ws = sheets.book.add_worksheet(title)
    Sheets.fit(ws, sheets.table(ws, frame, columns, name=title, **kw))


#: What each sheet of report.xlsx holds (the Read me sheet lists those present).
SHEETS = {
    "Summary": (
        "each metric: what it is, unit, better when, mean, 95 % interval of the mean, percentiles"
    ),
    "Assessed by year": (
        "USD assessed to each entity per year (mean over replications); totals are formulas"
    ),
    "Paid by year": (
        "USD paid by each entity per year (mean over replications); totals are formulas"
    ),
    "Shares": "shares.csv: entity, year, formula share, assessed and paid USD, taking part",
    "Yearly": "year by year: gap probability, coverage, income, spending, closing cash",
    "Coverage": "coordinator coverage by country and year",
    "Children_liability": (
        "the liability to children born of SEA rolled forward by year: opening, new children, "
        "interest unwind, payments, releases, closing (USD, means over replications)"
    ),
    "Statements": (
        "the fund's statements by window: cash flows by year and the financial position at each "
        "31 December, each line's mean over replications (USD; statements.parquet has percentiles)"
    ),
    "Stress": "each shock against the baseline: change and its paired 95 % interval (pp for %)",
    "Manifest": "what ran: scenario, hash, seed, replications, versions, times",
}


def build_xlsx(
    run: Run,
    path: str | Path,
    stress: pd.DataFrame | None = None,
    scenario: ScenarioText | None = None,
    scenario_note: str = "",
    settings: object | None = None,
) -> Path:
    """Write the workbook for ``run`` to ``path``; returns it."""
    path = Path(path)
    book = open_workbook(path)
    sheets = Sheets(book)
    _read_me(sheets, run, stress, scenario, scenario_note, settings)
    _summary_sheet(sheets, run, settings)
    _by_year_sheets(sheets, run)
    _sheet(sheets, "Shares", run.shares, _frame_columns(run.shares))
    for name in ("yearly", "coverage", "children_liability"):
        if name in run.tables:
            frame = run.tables[name]
            _sheet(sheets, name.capitalize(), frame, _frame_columns(frame))
    if not run.statements.empty:
        _statements_sheet(sheets, run)
    if stress is not None:
        _stress_sheet(sheets, stress)
    _manifest_sheet(sheets, run)
    book.close()
    return path


def _read_me(
    sheets: Sheets,
    run: Run,
    stress: pd.DataFrame | None,
    scenario: ScenarioText | None,
    scenario_note: str,
    settings: object | None,
) -> None:
    """The Read me sheet: what ran, the answer, how to read, the glossary, the assumptions
    and the list of the sheets present."""
    m = run.manifest
    present = [
        "Summary",
        "Assessed by year",
        "Paid by year",
        "Shares",
        *(n.capitalize() for n in ("yearly", "coverage", "children_liability") if n in run.tables),
        *(["Statements"] if not run.statements.empty else []),
        *(["Stress"] if stress is not None else []),
        "Manifest",
    ]
    start, years = m.get("start_year"), m.get("years")
    facts: list[tuple[str, Any]] = [
        ("scenario", str(m.get("scenario", ""))),
        *([("description", scenario.description)] if scenario and scenario.description else []),
        ("scenario file", str(m.get("scenario_file") or "(none: built in Python)")),
        ("replications", m.get("replications")),
        ("seed", m.get("seed")),
        (
            "years",
            f"{start}–{int(start) + int(years) - 1}"
            if start is not None and years is not None
            else "",
        ),
        ("answer", answer(run.summary, m, settings)),
        (
            "how to read",
            "Means over replications with the 95 % interval of the mean; 5th-95th percentiles "
            "show the spread across replications. Money in USD, fractions in %. Totals are "
            "SUM formulas over the cells they add up.",
        ),
    ]
    read_me(
        sheets,
        f"fundsim report: {m.get('scenario', '')}",
        facts,
        glossary(list(run.summary.index)),
        scenario.assumptions() if scenario else None,
        scenario_note,
        [(s, SHEETS[s]) for s in present],
    )


def _summary_sheet(sheets: Sheets, run: Run, settings: object | None) -> None:
    """The Summary sheet: each metric's label, unit, good direction and statistics."""
    summ = summary_table(run, settings)
    stat_cols = [Column(k, SUMMARY_HEADINGS[k], "0" if k == "n" else None) for k in SUMMARY_COLUMNS]
    label_cols = [Column("metric", "metric"), *(Column(c, c) for c in LABEL_COLUMNS)]
    row_formats = []
    for metric in summ["metric"]:
        f = excel_format(metric)
        count = describe(metric).unit == "count"
        row_formats.append(
            {
                "mean": f,
                "ci95_low": f,
                "ci95_high": f,
                "n": "0",
                **{k: ("#,##0" if count else f) for k in ("p05", "p50", "p95")},
            }
        )
    _sheet(sheets, "Summary", summ, [*label_cols, *stat_cols], row_formats=row_formats)


def _by_year_sheets(sheets: Sheets, run: Run) -> None:
    """Assessed and paid USD, entity x year, with totals as formulas."""
    for title, column in (("Assessed by year", "assessed_usd"), ("Paid by year", "paid_usd")):
        t = run.shares.pivot_table(
            index="entity", columns="year", values=column, aggfunc="sum", sort=False
        )
        t.columns = [str(c) for c in t.columns]
        frame = t.reset_index()
        what = describe_column(column).removesuffix(" (USD)")
        cols = [
            Column("entity", "entity"),
            *(Column(y, f"{what} {y} (USD)", _USD, total=True) for y in t.columns),
        ]
        _sheet(
            sheets,
            title,
            frame,
            cols,
            total_label="TOTAL",
            row_total=Column("total", f"{what}, all years (USD)", _USD, total=True),
        )


def _statements_sheet(sheets: Sheets, run: Run) -> None:
    """The statements' lines by year (means, USD); total lines are formulas where they add up."""
    t = run.statements.pivot_table(
        index=["window", "statement", "line", "detail"],
        columns="year",
        values="mean",
        sort=False,
    )
    t.columns = [str(c) for c in t.columns]
    frame = t.reset_index()
    totals = statement_totals(frame, list(t.columns))
    frame["statement"] = frame["statement"].map(lambda s: STATEMENT_NAMES.get(s, s))
    frame["line"] = frame["line"].map(line_label)
    cols = [Column(c, c) for c in ("window", "statement", "line", "detail")]
    ws = sheets.book.add_worksheet("Statements")
    widths = sheets.table(
        ws,
        frame,
        [*cols, *(Column(y, f"{y} (USD)", _USD) for y in t.columns)],
        name="Statements",
    )
    bold = sheets.fmt(_USD, bold=True)
    for at, terms in totals.items():  # a total line is a formula over the lines it adds up
        for k, year in enumerate(t.columns):
            col = 4 + k
            formula = "=" + "".join(
                f"{sign}{xl_rowcol_to_cell(1 + r, col)}" for sign, r in terms
            ).lstrip("+")
            ws.write_formula(1 + at, col, formula, bold, float(frame.at[at, year]))  # type: ignore[arg-type]
    Sheets.fit(ws, widths)


def _stress_sheet(sheets: Sheets, stress: pd.DataFrame) -> None:
    """The stress table, each metric's values in its own format (differences in pp for %)."""
    frame = stress.copy()
    formats: list[dict[str, str | None]] = []
    for i, metric in enumerate(frame["metric"].fillna("").astype(str)):
        row: dict[str, str | None] = {
            "relative_change": _PCT,
            "largest_change_pct": "+0.0%;-0.0%;0.0%",
            "largest_change_usd": "+#,##0;-#,##0;0",
        }
        if metric:
            f = excel_format(metric)
            row.update(baseline_mean=f, shocked_mean=f)
            for c in _DIFFERENCES:
                if c in frame:
                    value, row[c] = excel_difference(metric, float(frame.at[frame.index[i], c]))  # type: ignore[arg-type]
                    frame.at[frame.index[i], c] = value
        formats.append(row)
    _sheet(sheets, "Stress", frame, _frame_columns(frame), row_formats=formats)


def _manifest_sheet(sheets: Sheets, run: Run) -> None:
    """The manifest: what ran, key by key."""
    man = pd.DataFrame(
        [
            (k, v if isinstance(v, int | float | str) or v is None else str(v))
            for k, v in run.manifest.items()
        ],
        columns=["key", "value"],
    )
    man_formats = [
        {"value": ("0" if isinstance(v, int) else "0.000") if isinstance(v, int | float) else None}
        for v in man["value"]
    ]
    _sheet(
        sheets,
        "Manifest",
        man,
        [Column("key", "key"), Column("value", "value")],
        row_formats=man_formats,
    )
