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
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

#: What a metric measures in. ``share`` is a part of a whole (0-1), ``probability`` a
#: chance (0-1), ``ratio`` a quotient that may exceed 1 (a funded ratio, a coefficient of
#: variation), ``rate`` a count per unit of exposure (per post-year).
Unit = Literal["USD", "share", "probability", "ratio", "count", "days", "rate"]
#: How a value is written: ``percent`` (x 100, one decimal, ``%``; differences in ``pp``),
#: ``usd`` (whole dollars, thousands separators), ``count`` and ``days`` (one decimal
#: below 100, whole above), ``decimal`` (three significant digits).
Format = Literal["percent", "usd", "count", "days", "decimal"]
Direction = Literal["higher", "lower"] | None

#: The format each unit is written in, unless a metric says otherwise.
UNIT_FORMATS: dict[str, Format] = {
    "USD": "usd",
    "share": "percent",
    "probability": "percent",
    "ratio": "percent",
    "count": "count",
    "days": "days",
    "rate": "decimal",
}


class UnknownMetric(KeyError):
    """A metric name that is not in the registry (the message suggests the nearest)."""

    def __str__(self) -> str:  # KeyError quotes its argument; this one is a sentence
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Metric:
    """One metric: how it is called, what it means, its unit and format, and which way is good.

    ``column`` is the per-replication column it is computed from when it differs from
    ``name`` (``p_gap`` is the mean of the 0/1 column ``gap``). ``requires`` names the part
    of a scenario without which the model does not emit it (``"victims"``: the
    victim-assistance window). ``planned`` marks a metric registered before the model
    emits it. ``aliases`` are other names for it (accepted by :func:`lookup`, never
    written as columns of their own).
    """

    name: str
    label: str
    meaning: str
    unit: Unit
    good: Direction = None
    format: Format | None = None
    column: str | None = None
    requires: str | None = None
    planned: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def fmt(self) -> Format:
        """The format used to write this metric's values."""
        return self.format or UNIT_FORMATS[self.unit]

    @property
    def is_percent(self) -> bool:
        """Whether values read in % (and differences in percentage points)."""
        return self.fmt == "percent"

    @property
    def heading(self) -> str:
        """The label with its unit, for a column or axis: ``"closing cash (USD)"``."""
        unit = {"percent": "%", "usd": "USD", "days": "days"}.get(self.fmt)
        return f"{self.label} ({unit})" if unit else self.label

    @property
    def source_column(self) -> str:
        """The replications.csv column this metric summarises."""
        return self.column or self.name


_V = "victims"

#: Every metric, in the order outputs list them.
METRICS: tuple[Metric, ...] = (
    # --- coordinators (Rec 7): the headline
    Metric("p_gap", "probability of a funding interruption", "Share of replications in which a filled post "
       "was interrupted for lack of funds (lapse, declined renewal) or a salary could not be paid, at least once "
       "over the horizon (operating-cost shortfalls are reported apart).", "probability", "lower", column="gap"),
    Metric("coordinator_coverage", "coordinator coverage", "Post-months filled over post-months needed, all "
       "countries and years.", "share", "higher"),
    Metric("lapses", "post lapses", "Contracts not renewed, or ended, for lack of funds over the horizon "
       "(per replication).", "count", "lower"),
    Metric("missed_payments_usd", "missed payments", "Salaries and operating costs that fell due and could "
       "not be paid, over the horizon.", "USD", "lower"),
    Metric("backstop_contracts", "contracts on the backstop", "Contracts committed from the backstop fund "
       "because the post's own fund could not (per replication).", "count", "lower"),
    Metric("income_cv", "income variability", "Year-to-year coefficient of variation of the mechanism's "
       "contribution income (standard deviation over mean of the annual totals).", "ratio", "lower"),
    Metric("top3_share", "income from the top three", "Share of all contributions paid by the three largest "
       "payers (concentration risk).", "share", "lower"),
    Metric("posts_filled_first_year", "posts filled in the first year", "Coordinator posts filled on "
       "average over the first year (filled post-months of the first year / 12): the count of countries with "
       "a dedicated or acting coordinator that today's sourced range (10-20) checks.", "count", "higher"),
    Metric("grants_ended", "grants not renewed", "Grant-funded posts whose grant was not renewed at a "
       "contract end (hosted posts, issue 18; per replication).", "count", "lower"),
    Metric("turnovers", "incumbents who left", "Incumbents who left at a contract end, their post "
       "recruited again with its money committed (hosted posts; per replication).", "count", "lower"),
    Metric("lapsed_usd", "host money lapsed", "Hosts' budget-line money not committed on 31 December and "
       "lost (host_lines.carry_over = false), over the horizon.", "USD", "lower"),
    # --- coordinators: money (flows and balances are neither good nor bad in themselves)
    Metric("closing_balance_usd", "closing cash", "Cash of the coordinator mechanism at the end of the horizon, "
       "committed or not.", "USD"),
    Metric("opening_balance_usd", "opening cash", "Cash of the coordinator mechanism at the start.", "USD"),
    Metric("inflows_usd", "money in", "Everything the coordinator mechanism received over the horizon.", "USD"),
    Metric("outflows_usd", "money out", "Everything the coordinator mechanism paid out over the horizon.", "USD"),
    Metric("assessed_usd", "assessed", "Contributions invoiced to entities over the horizon.", "USD"),
    Metric("paid_usd", "paid", "Contributions entities paid over the horizon.", "USD"),
    Metric("admin_fees_usd", "administration fees", "Fees charged by the host over the horizon (on receipts "
       "as they arrive, and on expenditure as it is paid).", "USD"),
    Metric("secretariat_cost_usd", "secretariat cost", "The host's secretariat and common-service lines paid by "
       "the pooled fund over the horizon.", "USD", requires="host"),
    Metric("secretariat_missed_usd", "secretariat lines missed", "Secretariat lines that fell due and could not "
       "be paid, over the horizon.", "USD", "lower", requires="host"),
    # --- coordinators: headline metrics of issue 19
    Metric("funding_lost_share", "post-months lost to funding", "Post-months vacant or lapsed for lack of "
       "funds (recruitment lags after a funded start excluded) over post-months needed.", "share", "lower"),
    Metric("interruptions_per_post_year", "interruptions per post-year", "Funding interruptions of a post, "
       "per post-year needed.", "rate", "lower"),
    Metric("p_tier1_interrupted", "probability a tier-1 post is interrupted", "Share of replications in which "
       "any tier-1 post is interrupted for lack of funds over the horizon.", "probability", "lower",
       column="tier1_interrupted"),
    Metric("liquidity_at_risk_usd", "liquidity at risk", "Peak pre-financing needed over the horizon (the "
       "host's outstanding advances plus any committed salary left uncovered) in one replication; the "
       "liquidity at risk is the p95 of this column across replications.", "USD", "lower",
       column="peak_liquidity_need_usd"),
    Metric("invoice_cv", "invoice variability", "Year-to-year coefficient of variation of each entity's bill "
       "(across the years it is billed), mean across entities.", "ratio", "lower"),
    Metric("max_bill_change", "largest bill change", "The largest year-on-year change, rise or fall, of an "
       "entity's coordinator bill as a share of its previous year's bill, over the entities billed both years "
       "(the p95 across replications is what a finance officer plans for; max_bill_change_entity says whose).",
       "ratio", "lower"),
    Metric("max_bill_change_entity", "entity with the largest bill change", "Position (from 0, in the "
       "entities table's order) of the entity whose bill changed most in the replication (-1: none billed two "
       "years running); read its most frequent value.", "count"),
    Metric("billed_for_others_usd", "billed for others' arrears", "What the entities were invoiced by the "
       "coordinator fund to make up other entities' arrears, over the horizon (zero under shortfall_policy = "
       "'arrears').", "USD", "lower"),
    Metric("arrears_written_off_usd", "arrears written off", "Receivables of the coordinator fund older than "
       "arrears_write_off_years written off, net of later recoveries, over the horizon.", "USD", "lower"),
    Metric("operating_shortfall_usd", "operating shortfall", "Operating costs that fell due and could not be "
       "paid, over the horizon.", "USD", "lower"),
    # --- victims' window (Rec 12 and 14)
    Metric("victims_assisted_share", "victims assisted", "Victims who received a first service, among those "
       "who arrived early enough for their fate to be settled within the horizon.", "share", "higher",
       requires=_V),
    Metric("median_wait_days", "median wait", "Median over assisted victims of the days from arrival to the "
       "first service payment.", "days", "lower", requires=_V),
    Metric("unmet_need_usd", "unmet need", "Services of dropped cases plus child support not paid, over the "
       "horizon.", "USD", "lower", requires=_V),
    Metric("funded_ratio", "funded ratio", "Cash of the earmarked children's account over the present value of "
       "the obligations to children (children_liability_pv_usd), at the end of the horizon; services and "
       "their reserve are held apart, so unpaid services cannot raise it.", "ratio", "higher", requires=_V),
    Metric("victims_dropped", "victims dropped", "Victims whose case waited longer than the longest allowed "
       "wait and was closed unserved (per replication; one case per victim, so also called dropped_cases).",
       "count", "lower", requires=_V, aliases=("dropped_cases",)),
    Metric("caseworker_wait_days", "wait for a caseworker", "Mean days a case waited for a caseworker slot.",
       "days", "lower", requires=_V),
    Metric("p_caseworker_wait", "cases that waited", "Share of cases that waited at all for a caseworker "
       "slot.", "share", "lower", requires=_V),
    Metric("services_unmet_usd", "services unmet", "Services of dropped cases, not paid.", "USD", "lower",
       requires=_V),
    Metric("child_support_missed_usd", "child support missed", "Child support that fell due and could not be "
       "paid.", "USD", "lower", requires=_V),
    Metric("victims_arrived", "victims arrived", "Victims who came forward over the horizon (follows the "
       "caseload).", "count", requires=_V),
    Metric("victims_assisted", "victims assisted (number)", "Victims who received a first service over the "
       "horizon (follows the caseload).", "count", requires=_V),
    Metric("children_supported", "children supported", "Children born of SEA who received at least one "
       "support payment.", "count", requires=_V),
    Metric("children_owed_at_end", "children owed support at the end", "Children still owed support at the "
       "end of the horizon.", "count", requires=_V),
    Metric("obligations_pv_usd", "obligations to children, present value", "Present value at the end of the "
       "horizon of the support still owed to children.", "USD", requires=_V),
    Metric("services_paid_usd", "services paid", "Services paid by the victims' window.", "USD", requires=_V),
    Metric("partner_paid_usd", "services paid by partners", "Services of implementing partners' victims paid "
       "outside the fund.", "USD", requires=_V),
    Metric("child_support_paid_usd", "child support paid", "Child support paid by the victims' window.", "USD",
       requires=_V),
    Metric("victim_opening_balance_usd", "victims' window: opening cash", "Cash of the victims' window at the "
       "start.", "USD", requires=_V),
    Metric("victim_inflows_usd", "victims' window: money in", "Everything the victims' window received.", "USD",
       requires=_V),
    Metric("victim_outflows_usd", "victims' window: money out", "Everything the victims' window paid out.",
       "USD", requires=_V),
    Metric("victim_closing_balance_usd", "victims' window: closing cash", "Cash of the victims' window at the "
       "end of the horizon.", "USD", requires=_V),
    Metric("victim_assessed_usd", "victims' window: assessed", "Contributions to the victims' window invoiced "
       "to entities.", "USD", requires=_V),
    Metric("victim_paid_usd", "victims' window: paid", "Contributions to the victims' window paid by "
       "entities.", "USD", requires=_V),
    Metric("pledges_usd", "pledges received", "Member States' voluntary pledges received.", "USD", requires=_V),
    Metric("withheld_usd", "withheld payments received", "Payments withheld from troop- and police-contributing "
       "countries in substantiated SEA cases (GA res. 70/286) and transferred to the fund.", "USD", requires=_V),
    Metric("victim_admin_fees_usd", "victims' window: administration fees", "Fees charged by the host on the "
       "victims' window.", "USD", requires=_V),
    Metric("transfers_usd", "transfers from the coordinator window", "Surplus moved from the coordinator "
       "window into the victims' window.", "USD", requires=_V),
    Metric("victim_billed_for_others_usd", "victims' window: billed for others' arrears", "What the entities "
       "were invoiced by the victims' window to make up other entities' arrears, over the horizon (zero under "
       "shortfall_policy = 'arrears').", "USD", "lower", requires=_V),
    # --- victims' window: issue 13
    Metric("children_liability_pv_usd", "children's liability, present value", "Present value at the end of the "
       "horizon of the support owed to the children supported, each to the latest end its policy allows, with "
       "no credit for paternity claims not yet resolved (the closing line of children_liability.csv). It "
       "follows the caseload and the support policy, so no direction is good in itself; its funding is read "
       "from the funded ratio.", "USD", requires=_V),
    Metric("children_liability_at_start_usd", "children's liability at the decision date", "Present value, at "
       "the start, of the support owed to the children already supported then.", "USD", requires=_V),
    Metric("pv_per_new_child_usd", "present value per new child", "Mean present value, when its support "
       "starts, of a new child's support (entry-year prices).", "USD", requires=_V),
    Metric("children_account_usd", "children's account", "Cash of the earmarked children's account at the "
       "end of the horizon.", "USD", requires=_V),
    Metric("children_interest_usd", "children's account: return", "What the children's account earned over "
       "the horizon (victims.children.account_return; 0 when it earns nothing).", "USD", requires=_V),
    Metric("caseworker_utilisation", "caseworker utilisation", "Share of caseworker slot-time in use (neither "
       "high nor low is good in itself: high means waits, low idle cost).", "share", requires=_V),
    Metric("caseworker_slots_mean", "caseworker slots", "Caseworker slots a year, mean over the horizon "
       "(with capacity = \"auto\" they follow the expected caseload).", "count", requires=_V),
    Metric("caseworker_cost_usd", "caseworker cost", "Caseworker slots paid by the victims' window over the "
       "horizon.", "USD", requires=_V),
    Metric("advocates_cost_usd", "victims' rights advocates", "The Victims' Rights Advocate function (posts "
       "and office) paid by the victims' window over the horizon (0 when it is paid elsewhere).", "USD", requires=_V),
)

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
    **{f"{line}_usd": "USD" for line in ("opening", "new_children", "interest_unwind", "payments",
                                           "release_paternity", "release_interim_end", "revaluation", "closing",
                                           "closing_p05_usd"[:-4], "closing_p95_usd"[:-4])},
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
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else " (see docs/run-directory.md)"
    raise UnknownMetric(f"unknown metric {name!r}{hint}")


def metric_name(column: str) -> str:
    """The metric name of a replications.csv column or an alias (``gap`` -> ``p_gap``,
    ``dropped_cases`` -> ``victims_dropped``; others unchanged)."""
    return RENAMED_COLUMNS.get(column, ALIASES.get(column, column))


def drop_aliases(names: Iterable[str]) -> list[str]:
    """The alias names among ``names`` whose metric is there under its own name: the
    duplicate columns (or summary rows) of a run directory written while an alias was a
    column of its own (``dropped_cases`` beside ``victims_dropped``, issue 13)."""
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


def format_interval(name: str, low: float | None, high: float | None, *, difference: bool = False) -> str:
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
