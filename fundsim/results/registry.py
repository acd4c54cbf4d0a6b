"""The metric registry: one record per metric (name, label, meaning, unit, format, good
direction), and the formatters every output uses.

Every number a reader sees (the terminal, ``summary.json``, the HTML and XLSX report,
the stress heat map, ``fundsim compare``) is labelled and formatted from here, so that a
metric reads the same everywhere: fractions, probabilities and ratios in % (their
differences in percentage points, ``pp``), money in whole USD with separators (its
differences signed), counts and days as plain numbers.

A metric's *good direction* is ``"higher"``, ``"lower"`` or ``None`` for a metric that is
neither good nor bad in itself (closing cash, money flows, counts that follow the
caseload): the stress heat map colours only directed metrics.

Names a user types (``--metric``, ``--target``) are checked with :func:`lookup`, which
fails with a did-you-mean before anything runs. A metric may have *aliases*, other names
for the same column (``dropped_cases`` is ``victims_dropped``): :func:`lookup` accepts
them, the model emits only the metric's own name, and :func:`drop_aliases` removes the
duplicate column an older run directory may hold. Some metrics are registered before the
model emits them (:attr:`Metric.planned`); outputs show only the metrics a run has.

The metrics are listed in :mod:`fundsim.results.coordinator_metrics` and
:mod:`fundsim.results.victim_metrics`; what a metric is, in :mod:`fundsim.results.metric_type`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

from fundsim.results.coordinator_metrics import COORDINATOR_METRICS
from fundsim.results.metric_type import (
    UNIT_FORMATS,
    Format,
    Metric,
    Unit,
    UnknownMetric,
)
from fundsim.results.metric_type import Direction as Direction  # a name importable from here
from fundsim.results.victim_metrics import VICTIM_METRICS

#: Every metric, in the order outputs list them.
METRICS: tuple[Metric, ...] = COORDINATOR_METRICS + VICTIM_METRICS

REGISTRY: dict[str, Metric] = {m.name: m for m in METRICS}
_ORDER = {m.name: i for i, m in enumerate(METRICS)}
#: replications.csv columns summarised under another name (``gap`` -> ``p_gap``).
RENAMED_COLUMNS: dict[str, str] = {m.source_column: m.name for m in METRICS if m.column}
#: Other names of a metric (``dropped_cases`` -> ``victims_dropped``).
ALIASES: dict[str, str] = {alias: m.name for m in METRICS for alias in m.aliases}


#: Metrics that are zero (or empty) by construction under a scenario setting: metric ->
#: (the setting as a dotted attribute path of the scenario, the value, the reason shown).
#: Outputs write "not applicable (reason)" for them instead of a 0.0 %.
NOT_APPLICABLE: dict[str, tuple[str, object, str]] = {
    "funded_ratio": ("victims.children.funding", "paygo", "pay-as-you-go"),
}
#: The stress battery's headline metrics (its terminal table and heat map): posts, money
#: lost to posts, what the entities are invoiced, victims.
STRESS_HEADLINE = (
    "coordinator_coverage",
    "p_tier1_interrupted",
    "funding_lost_share",
    "assessed_usd",
    "victim_assessed_usd",
    "victims_assisted_share",
)
#: The headline metrics a comparison opens with, in words (the rest on request).
HEADLINE_METRICS = (
    "coordinator_coverage",
    "p_gap",
    "p_tier1_interrupted",
    "funding_lost_share",
    "missed_payments_usd",
    "assessed_usd",
    "victims_assisted_share",
    "median_wait_days",
    "unmet_need_usd",
)
#: The metrics of the one-sentence answer, in order (when the run has them).
ANSWER_METRICS = ("coordinator_coverage", "p_gap", "assessed_usd", "victims_assisted_share")


def not_applicable(name: str, scenario: object | None) -> str | None:
    """``"not applicable (pay-as-you-go)"`` when metric ``name`` is zero by construction
    under ``scenario`` (:data:`NOT_APPLICABLE`); ``None`` when it applies or the scenario
    is unknown. ``scenario`` is any object with the settings as attributes (a loaded
    scenario), so this layer need not import the scenario package."""
    rule = NOT_APPLICABLE.get(name)
    if rule is None or scenario is None:
        return None
    path, value, why = rule
    obj: object | None = scenario
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return f"not applicable ({why})" if obj == value else None


#: Units of the run directory's table columns that are not metrics (yearly.csv,
#: coverage.csv, shares.csv, stress.csv), so that tables are written like metrics.
COLUMN_UNITS: dict[str, Unit] = {
    "p_gap_by_then": "probability",
    "p_tier1_interrupted_by_then": "probability",
    "posts_sustained": "count",
    "coverage": "share",
    "share": "share",
    "participation": "share",
    "relative_change": "ratio",
    "income_usd": "USD",
    "spending_usd": "USD",
    "assessed_usd": "USD",
    "paid_usd": "USD",
    "reserve_target_usd": "USD",
    # children_liability.csv: the roll-forward of the liability to children
    **{
        f"{line}_usd": "USD"
        for line in (
            "opening",
            "new_children",
            "interest_unwind",
            "payments",
            "release_paternity",
            "release_interim_end",
            "revaluation",
            "closing",
            "closing_p05",
            "closing_p95",
        )
    },
    "children_entered": "count",
    # victims_yearly.csv: the victims' window by year
    "victim_spending_usd": "USD",
    "victim_spending_p05_usd": "USD",
    "victim_spending_p95_usd": "USD",
    "victim_income_usd": "USD",
    "children_aged_out": "count",
    "outstanding_usd": "USD",
    "p_outstanding": "share",
}
#: Columns holding whole numbers written without separators (years, counts of replications).
INTEGER_COLUMNS = ("year", "n", "risk_tier", "replication", "month", "run", "age_years")


def lookup(name: str) -> Metric:
    """The metric called ``name``; raises :class:`UnknownMetric` with a did-you-mean."""
    try:
        return REGISTRY[name]
    except KeyError:
        pass
    if name in RENAMED_COLUMNS:
        return REGISTRY[RENAMED_COLUMNS[name]]
    if name in ALIASES:
        return REGISTRY[ALIASES[name]]
    close = difflib.get_close_matches(name, list(REGISTRY), n=3, cutoff=0.6)
    if not close and len(name) >= 3:  # a part of a name: "coverage" -> coordinator_coverage
        close = [n for n in REGISTRY if name.lower() in n][:3]
    hint = (
        f"; did you mean {' or '.join(repr(c) for c in close)}?"
        if close
        else " (see docs/run-directory.md)"
    )
    raise UnknownMetric(f"unknown metric {name!r}{hint}")


def metric_name(column: str) -> str:
    """The metric name of a replications.csv column or an alias (``gap`` -> ``p_gap``,
    ``dropped_cases`` -> ``victims_dropped``; others unchanged)."""
    return RENAMED_COLUMNS.get(column, ALIASES.get(column, column))


def drop_aliases(names: Iterable[str]) -> list[str]:
    """The alias names among ``names`` whose metric is there under its own name: the
    duplicate columns (or summary rows) of a run directory written while an alias was a
    column of its own (``dropped_cases`` beside ``victims_dropped``, before the alias)."""
    have = set(names)
    return [n for n in have if n in ALIASES and ALIASES[n] in have]


def describe(name: str) -> Metric:
    """The metric called ``name``, or, for a name the registry lacks, a plain record
    (label = name, unit ``count``, undirected) so that an output never fails on it."""
    try:
        return lookup(name)
    except UnknownMetric:
        return Metric(name, name, "", "count", format="decimal")


def order(name: str) -> int:
    """Sort key: a metric's place in the registry (unregistered names last)."""
    return _ORDER.get(name, len(_ORDER))


def present(names: Iterable[str]) -> list[Metric]:
    """The registered metrics among ``names`` (metric names or columns), in registry order."""
    have = {metric_name(n) for n in names}
    return [m for m in METRICS if m.name in have]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: float, fmt: Format, sign: str) -> str:
    if sign and _rounds_to_zero(value, fmt):
        return _plain(0.0, fmt, "")
    if fmt == "usd":
        return f"{value:{sign},.0f}"
    if fmt in ("count", "days"):
        return f"{value:{sign},.0f}" if abs(value) >= 100 else f"{value:{sign}.1f}"
    if abs(value) >= 1000:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.3g}"


def _rounds_to_zero(value: float, fmt: Format) -> bool:
    """Whether ``value`` is written as zero (a difference that rounds to 0 gets no sign)."""
    if fmt == "usd":
        return abs(value) < 0.5
    if fmt in ("count", "days"):
        return abs(value) < 0.05
    if fmt == "percent":
        return abs(value) < 0.0005
    return value == 0


def _percent_points(value: float) -> str:
    return "0.0" if _rounds_to_zero(value, "percent") else f"{100 * value:+.1f}"


def format_value(name: str, value: float | None) -> str:
    """One value of metric ``name`` as a person reads it (``23.0%``, ``4,341,721``, ``51.1``;
    ``-`` when missing). No unit word: headings carry it (:attr:`Metric.heading`)."""
    if _missing(value):
        return "-"
    m = describe(name)
    v = float(value)  # type: ignore[arg-type]
    if not math.isfinite(v):
        return "inf" if v > 0 else "-inf"
    if m.is_percent:
        return f"{100 * v:.1f}%"
    return _plain(v, m.fmt, "")


def format_difference(name: str, value: float | None) -> str:
    """A difference of metric ``name`` (B - A, shocked - baseline), signed: percentage
    points for metrics read in % (``-80.0 pp``), dollars for money (``+1,250,000``),
    counts and days as numbers (``+3.2``)."""
    if _missing(value):
        return "-"
    m = describe(name)
    v = float(value)  # type: ignore[arg-type]
    if not math.isfinite(v):
        return "+inf" if v > 0 else "-inf"
    if m.is_percent:
        return f"{_percent_points(v)} pp"
    return _plain(v, m.fmt, "+")


def format_interval(
    name: str, low: float | None, high: float | None, *, difference: bool = False
) -> str:
    """A 95 % interval of metric ``name``: ``[15.9%, 32.1%]``; of a difference when
    ``difference`` (``[-12.0, -3.1] pp``)."""
    if _missing(low) or _missing(high):
        return "-"
    m = describe(name)
    if difference and m.is_percent:
        return f"[{_percent_points(float(low))}, {_percent_points(float(high))}] pp"  # type: ignore[arg-type]
    one = format_difference if difference else format_value
    return f"[{one(name, low)}, {one(name, high)}]"


def format_column(column: str, value: float | None) -> str:
    """A value of a table column: a metric by the registry, a known column by its unit
    (:data:`COLUMN_UNITS`), a year or count of replications as a bare integer (``2026``,
    never ``2,026``), anything else as a plain number."""
    if _missing(value):
        return "-"
    if column in REGISTRY:
        return format_value(column, value)
    if column in COLUMN_UNITS:
        return format_unit(COLUMN_UNITS[column], value)
    v = float(value)  # type: ignore[arg-type]
    if column in INTEGER_COLUMNS and v.is_integer():
        return str(int(v))
    return _plain(v, "decimal", "")


def column_excel_format(column: str) -> str | None:
    """The Excel number format of a table column (None: leave it general)."""
    if column in REGISTRY:
        return excel_format(column)
    if column in COLUMN_UNITS:
        return EXCEL_FORMATS[UNIT_FORMATS[COLUMN_UNITS[column]]]
    if column in INTEGER_COLUMNS:
        return "0"
    return None


def format_unit(unit: Unit, value: float | None) -> str:
    """A number that is not a metric (a cost share, a dollar amount in a table) written
    as the unit ``unit`` would be."""
    if _missing(value):
        return "-"
    fmt = UNIT_FORMATS[unit]
    v = float(value)  # type: ignore[arg-type]
    return f"{100 * v:.1f}%" if fmt == "percent" else _plain(v, fmt, "")


#: Excel number format of each format (values stay numbers in the workbook).
EXCEL_FORMATS: dict[Format, str] = {
    "percent": "0.0%",
    "usd": "#,##0",
    "count": "#,##0.0",
    "days": "#,##0.0",
    "decimal": "0.000",
}


def excel_format(name: str) -> str:
    """The Excel number format of metric ``name``'s values."""
    return EXCEL_FORMATS[describe(name).fmt]


#: Excel number format of a difference, by format: a fraction shown x 100 (the heading
#: says the unit is percentage points, see :func:`excel_difference`), signed dollars and
#: counts otherwise.
EXCEL_DIFFERENCE_FORMATS: dict[Format, str] = {
    "percent": "+0.0%;-0.0%;0.0%",
    "usd": "+#,##0;-#,##0;0",
    "count": "+#,##0.0;-#,##0.0;0.0",
    "days": "+#,##0.0;-#,##0.0;0.0",
    "decimal": "+0.000;-0.000;0.000",
}


def excel_difference(name: str, value: float | None) -> tuple[float | None, str]:
    """A difference of metric ``name`` as a workbook cell: the number to store and its
    number format. One convention for every output: a difference is stored in the
    metric's own unit, as the means beside it (a fraction for metrics read in %: -0.071,
    not -7.1), and the column heading names the unit (percentage points); Excel cannot
    scale by 100 without a % sign, so the cell reads ``-7.1%`` under that heading."""
    m = describe(name)
    if _missing(value):
        return None, EXCEL_DIFFERENCE_FORMATS[m.fmt]
    return float(value), EXCEL_DIFFERENCE_FORMATS[m.fmt]  # type: ignore[arg-type]
