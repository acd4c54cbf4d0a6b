"""The budget annex: the plan a finance network approves, for the fund's first budget period.

Deterministic (no random draw): every post planned filled all year at its cost (flat, or
the standard cost of its grade and duty station), start-year prices indexed by the
expected inflation (``costs.inflation_annual``), the opening balance as cash, every entity
taking part and paying in full and on time. The gross budget of each year is the one the
simulation approves at its start, by the model's own rule
(:func:`fundsim.runner.plan.first_period`, the rule of :mod:`fundsim.model.budget`); the
tables break it down:

- ``staffing``: posts by grade x year (count);
- ``costs``: salaries by grade, the non-post operating costs, fixed cost lines beside the
  posts (secretariat, common services: :class:`CostLine`, none unless given), USD a year;
- ``fees``: the host's fees by basis (USD a year);
- ``reserve``: the reserve build-up to its target;
- ``budget``: planned cost, reserve build-up, opening balance used, net requirement, fees,
  gross budget; gross less fees is the net budget;
- ``invoices``: each entity's share and invoice by year under the scenario's formula (the
  ledger's largest-remainder split of the gross in cents, as the model assesses it);
- ``instalments``: each invoice by instalment, with its due month;
- ``formulas``: the scenario's formula beside another (``compare``) and the precedent keys
  (:mod:`fundsim.scenario.presets`), as shares and period invoices;
- with a ``[victims]`` section, the victims' window's first-year budget (``victims_budget``:
  services, case management, the Victims' Rights Advocate function, child support, reserve,
  cash and pledges applied, fees, gross), the function's posts and office
  (``victims_advocates``) and each entity's invoice (``victims_invoices``), as the model
  approves them at the start of replication 0 (the children's stock is drawn): the gross
  and every invoice are the simulated run's to the cent.

Amounts are USD (cents are exact: every invoice is a whole number of cents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fundsim.analysis.share_tables import default_formulas, describe
from fundsim.errors import BadInput
from fundsim.runner import arguments
from fundsim.runner.plan import (
    FirstPeriod,
    VictimsFirstBudget,
    advocate_lines,
    coordinator_fee,
    first_period,
    split_cents,
    victims_first_budget,
)
from fundsim.scenario.costs import country_costs_usd, network_cost_usd
from fundsim.scenario.grades import GRADES, post_grades, post_salaries_usd
from fundsim.scenario.host import fee_rate, fee_stack, secretariat_lines
from fundsim.scenario.keys import key_vectors, presence_matrix
from fundsim.scenario.presets import PRESET_NAMES, PRESETS
from fundsim.scenario.schema import Formula, Scenario
from fundsim.scenario.vocabulary import FORMULA_KINDS
from fundsim.sharing.dispatch import compute_shares

#: Month names for instalment due dates.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Formula names ``--compare-formula`` takes: the kinds and the precedent presets.
COMPARABLE: tuple[str, ...] = (*FORMULA_KINDS, *PRESET_NAMES)


class BudgetAnnexError(BadInput):
    """A formula to compare that the scenario's data cannot compute."""

    about_scenario = True


@dataclass(frozen=True)
class CostLine:
    """A fixed cost line beside the posts (a secretariat post, a common service), USD a year
    at start-year prices; ``kind`` is ``"secretariat"`` or ``"common_service"``."""

    name: str
    kind: str
    usd_per_year: float
    source: str = ""


@dataclass(frozen=True)
class AnnexTable:
    """One table of the annex: ``frame`` with its units in the column headings,
    ``formats`` (column -> number format: ``usd``, ``share``, ``count``, ``month``) and how
    many of its last rows are totals."""

    name: str
    title: str
    what: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    totals: int = 0


@dataclass(frozen=True)
class BudgetAnnex:
    """The annex of one scenario (see the module docstring)."""

    scenario: str
    description: str
    years: tuple[int, ...]
    formula: str
    compare: str | None
    gross_cents: tuple[int, ...]
    fee_cents: tuple[int, ...]
    tables: tuple[AnnexTable, ...]
    notes: tuple[str, ...]
    #: Years whose planned closing balance is below zero (the budget leaves the fund short).
    negative_cash_years: tuple[int, ...] = ()
    #: Posts the net contributions sustain each year (all of them under the need rule).
    posts_sustained: tuple[int, ...] = ()

    def table(self, name: str) -> pd.DataFrame:
        """The frame of the table called ``name``."""
        return next(t.frame for t in self.tables if t.name == name)


def host_cost_lines(scenario: Scenario) -> list[CostLine]:
    """The scenario's fixed secretariat and common-service lines: the ``[host]`` table's
    secretariat (:func:`fundsim.scenario.host.secretariat_lines`), which the model's plan
    includes too (none without a ``[host]`` table)."""
    return [
        CostLine(
            f"{line.name} ({line.posts:g} x {line.grade})" if line.grade else line.name,
            "secretariat",
            line.usd_per_year,
            "scenario [host] table",
        )
        for line in secretariat_lines(scenario)
    ]


def _fee_words(scenario: Scenario) -> str:
    """The fee stack in words: "1 % of contributions + 7 % of expenditure"."""
    return " + ".join(
        f"{100 * f.rate:g} % of {'contributions' if f.basis == 'receipts' else 'expenditure'}"
        for f in fee_stack(scenario)
    )


def _fee_rows(scenario: Scenario, gross: list[int], fee_cents: list[int]) -> list[list[object]]:
    """One row per layer of the host's fee stack (:func:`fundsim.scenario.host.fee_stack`),
    USD by year: a layer on receipts takes its rate of the gross budget; the layers on
    expenditure share the rest of the fee by their rates (the rows add up to ``fee_cents``)."""
    stack = fee_stack(scenario)
    on_receipts = [f for f in stack if f.basis == "receipts"]
    on_spending = [f for f in stack if f.basis != "receipts"]
    rows: list[list[object]] = []
    taken = [0] * len(gross)
    for f in on_receipts:
        cents = [round(g * f.rate) for g in gross]
        if f is on_receipts[-1] and not on_spending:
            cents = [fc - t for fc, t in zip(fee_cents, taken, strict=True)]
        taken = [t + c for t, c in zip(taken, cents, strict=True)]
        rows.append(
            [
                f"{f.name} (on contributions)",
                "contributions received",
                f.rate,
                *[_usd(c) for c in cents],
            ]
        )
    rest = [fc - t for fc, t in zip(fee_cents, taken, strict=True)]
    total_rate = sum(f.rate for f in on_spending)
    for j, f in enumerate(on_spending):
        if j == len(on_spending) - 1:
            cents = rest
        else:
            cents = [round(r * f.rate / total_rate) for r in rest]
            rest = [r - c for r, c in zip(rest, cents, strict=True)]
        rows.append(
            [f"{f.name} (on expenditure)", "expenditure", f.rate, *[_usd(c) for c in cents]]
        )
    return rows


def _with_total(frame: pd.DataFrame, row: Sequence[object]) -> pd.DataFrame:
    """``frame`` with a totals row appended (its values already added up)."""
    last = pd.DataFrame([list(row)], columns=frame.columns)
    return pd.concat([frame, last], ignore_index=True) if len(frame) else last


def _usd(cents: int | np.integer) -> float:
    return int(cents) / 100


def _formula_for(scenario: Scenario, name: str) -> Formula:
    """The formula ``name`` names: a precedent preset, or a kind (the scenario's own for
    its kind, else the default of :func:`fundsim.analysis.share_tables.default_formulas`)."""
    if name in PRESETS:
        return Formula.model_validate({"kind": name})
    available = default_formulas(scenario)
    if name not in available:
        raise BudgetAnnexError(
            f"formula '{name}' cannot be computed from this scenario's entities (it has: "
            f"{', '.join(available)})"
        )
    return available[name]


class _Sharer:
    """Shares of every entity under a formula, as the model computes them at the start."""

    def __init__(self, scenario: Scenario) -> None:
        self.n = len(scenario.entities)
        self.keys = key_vectors(scenario)
        self.presence = presence_matrix(scenario)
        self.country_cost = country_costs_usd(scenario)

    def shares(self, formula: Formula, total_usd: float) -> NDArray[np.float64]:
        missing = [c for c in formula.columns() if c not in self.keys]
        if missing:
            raise BudgetAnnexError(
                f"formula {formula.preset or formula.kind}: the entities table has no column "
                f"'{missing[0]}'"
                + (f" (the '{formula.preset}' precedent reads it)" if formula.preset else "")
            )
        try:
            return compute_shares(
                formula,
                self.n,
                self.keys,
                presence=self.presence,
                country_cost=self.country_cost,
                total_usd=total_usd,
            )
        except ValueError as exc:
            raise BudgetAnnexError(f"formula {formula.preset or formula.kind}: {exc}") from None


@dataclass(frozen=True)
class _Period:
    """The budget period the annex covers: its years, their labels and price indices."""

    years: tuple[int, ...]
    labels: list[str]
    index: list[float]

    def usd_columns(self) -> list[str]:
        """One ``"<year> (USD)"`` heading a year."""
        return [f"{y} (USD)" for y in self.labels]


@dataclass(frozen=True)
class _Staffing:
    """Staffing, costs and fixed lines of the coordinator window (frames in USD or posts)."""

    staffing: pd.DataFrame
    costs: pd.DataFrame
    secretariat: pd.DataFrame
    posts: int


@dataclass(frozen=True)
class _Budget:
    """The coordinator window's budget: its tables, gross and fees (cents) and cash check."""

    budget: pd.DataFrame
    fees: pd.DataFrame
    reserve: pd.DataFrame
    gross: list[int]
    fee_cents: list[int]
    short: list[tuple[str, float]]
    sustained: list[int]


def _staffing_and_costs(
    scenario: Scenario,
    plan: FirstPeriod,
    lines: Sequence[CostLine],
    period: _Period,
    notes: list[str],
) -> _Staffing:
    """Staffing and costs by grade, checked against the model's own planned cost to the cent,
    and the fixed lines beside the posts (USD at each year's prices); adds notes."""
    labels, index = period.labels, period.index
    grades = post_grades(scenario)
    salaries = post_salaries_usd(scenario)
    order = [g for g in GRADES if g in grades] + sorted({g for g in grades if g not in GRADES})
    staffing = pd.DataFrame(
        [[g, *[grades.count(g)] * len(labels)] for g in order],
        columns=["grade", *[f"{y} (posts)" for y in labels]],
    )
    staffing = _with_total(staffing, ["total", *[len(grades)] * len(labels)])
    ops = scenario.posts.operating_cost_usd
    cost_rows: list[list[object]] = []
    for g in order:
        base = sum(s for s, gg in zip(salaries, grades, strict=True) if gg == g)
        cost_rows.append([f"posts {g or '(no grade)'}", "post", *[base * ix for ix in index]])
    cost_rows.append(
        [
            "operating (travel, complaint mechanisms, translation, training)",
            "non-post",
            *[ops * len(grades) * ix for ix in index],
        ]
    )
    for line in lines:
        cost_rows.append([line.name, line.kind, *[line.usd_per_year * ix for ix in index]])
    cost_cols = ["line", "object", *period.usd_columns()]
    costs = pd.DataFrame(cost_rows, columns=cost_cols)
    totals = [float(costs[c].sum()) for c in cost_cols[2:]]
    costs = _with_total(costs, ["total planned cost", "", *totals])
    # The model's own planned cost, to the cent: the breakdown above must add up to it.
    for k, planned in enumerate(plan.planned_usd):
        if abs(totals[k] - planned) > 0.005:
            notes.append(
                f"{labels[k]}: cost lines add up to USD {totals[k]:,.2f}, the plan to USD "
                f"{planned:,.2f}"
            )
    fixed_usd = sum(line.usd_per_year for line in lines)
    secretariat = pd.DataFrame(
        [
            [line.name, line.kind, line.source, *[line.usd_per_year * ix for ix in index]]
            for line in lines
        ],
        columns=["line", "kind", "source", *period.usd_columns()],
    )
    secretariat = _with_total(secretariat, ["total", "", "", *[fixed_usd * ix for ix in index]])
    if not lines:
        notes.append(
            "no secretariat or common-service lines: the scenario has none (the fund's host "
            "costs are in its fee)"
        )
    return _Staffing(staffing, costs, secretariat, len(grades))


def _reserve_build_up(plan: FirstPeriod, n_years: int) -> tuple[list[float], float]:
    """The reserve build-up a year (USD) and the first year's expected vacancies (USD):
    under phased recruitment the first year's vacancies build the reserve first."""
    rule = plan.rule
    p = rule.period_years
    reserve_target = plan.planned_usd[0] * rule.reserve_months / 12
    opening_usd = _usd(plan.opening_cents)
    first_vacancies = sum(rule.billed_spend_usd(0, list(plan.planned_usd))) - sum(
        rule.spend_usd(0, list(plan.planned_usd))
    )
    build_up = [reserve_target / p] * n_years
    if first_vacancies > 0:
        build_up = [
            (max(0.0, reserve_target - opening_usd - first_vacancies) + opening_usd) / p
        ] * n_years
    return build_up, first_vacancies


def _net_requirement(
    scenario: Scenario,
    plan: FirstPeriod,
    build_up: list[float],
    applied: list[float],
    notes: list[str],
) -> list[float]:
    """The net requirement a year (USD) under the rule's mode; adds the mode's note."""
    rule = plan.rule
    gross = list(plan.approved_cents)
    if rule.mode == "siloed":
        notes.append(
            "siloed mode: the fund approves no budget; each lead entity budgets the posts it hosts "
            "in its own budget, which these invoices do not include"
        )
        return [0.0] * len(build_up)
    if rule.envelope_usd is not None:
        fee = coordinator_fee(scenario)
        notes.append(
            f"a fixed envelope: USD {rule.envelope_usd:,.0f} a year gross, indexed "
            f"{rule.indexation:.1%} a year, whatever the planned cost"
        )
        return [_usd(g) * (1 - fee) / (1 + fee_rate(scenario, "expenditure")) for g in gross]
    posts_part = rule.billed_spend_usd(0, list(plan.planned_usd))
    net = [max(0.0, c + b - a) for c, b, a in zip(posts_part, build_up, applied, strict=True)]
    if rule.mode == "hybrid":
        notes.append(
            "hybrid mode: the pooled budget holds the reserve; the lead entities budget the posts "
            "they host in their own budgets, which these invoices do not include"
        )
    return net


def _budget_frame(
    scenario: Scenario,
    plan: FirstPeriod,
    period: _Period,
    lines: tuple[list[float], list[float], list[float], list[int], float],
) -> pd.DataFrame:
    """The gross and net budget table by year (USD) from the build-up, the opening balance
    applied, the net requirement, the fees (cents) and the first year's vacancies (USD)."""
    build_up, applied, net, fee_cents, first_vacancies = lines
    rule = plan.rule
    vacancy = [
        (s - c) if rule.mode == "pooled" and rule.envelope_usd is None else 0.0
        for s, c in zip(
            rule.billed_spend_usd(0, list(plan.planned_usd)), plan.planned_usd, strict=True
        )
    ]
    rows = [
        ["planned cost: posts, non-post and fixed lines", *plan.planned_usd],
        [f"less expected vacancies (vacancy factor {rule.vacancy_factor:.0%})", *vacancy],
        [
            f"reserve build-up (target {rule.reserve_months:g} months of planned cost, over "
            f"{rule.period_years} year(s); "
            f"less USD {first_vacancies:,.0f} of first-year vacancies under phased recruitment, "
            f"{rule.first_year_fill:.0%} of the year filled)",
            *build_up,
        ],
        ["less opening balance applied", *[-a if a else 0.0 for a in applied]],
        ["net requirement (net budget)", *net],
        [
            f"host fees ({_fee_words(scenario)}; by layer in the fees table)",
            *[_usd(f) for f in fee_cents],
        ],
        ["gross budget (invoiced to entities)", *[_usd(g) for g in plan.approved_cents]],
    ]
    budget = pd.DataFrame(rows, columns=["line", *period.usd_columns()])
    budget["period total (USD)"] = budget[period.usd_columns()].sum(axis=1)
    return budget


def _reserve_frame(
    plan: FirstPeriod, period: _Period, net: list[float]
) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    """The fund's balance by year when every entity pays on time (USD), and the years it
    closes below zero with their closing balance."""
    rule = plan.rule
    reserve_target = plan.planned_usd[0] * rule.reserve_months / 12
    planned_spend = rule.spend_usd(0, list(plan.planned_usd))
    rows: list[list[object]] = []
    balance = _usd(plan.opening_cents)
    short: list[tuple[str, float]] = []
    for k, y in enumerate(period.labels):
        spent = planned_spend[k] if rule.mode == "pooled" else 0.0
        closing = balance + net[k] - spent
        if closing < -0.005:
            short.append((y, closing))
        flag = "NEGATIVE CASH" if closing < -0.005 else ""
        rows.append([y, reserve_target, balance, net[k], spent, closing, flag])
        balance = closing
    reserve = pd.DataFrame(
        rows,
        columns=[
            "year",
            "reserve target (USD)",
            "opening balance (USD)",
            "net contributions (USD)",
            "planned spending (USD)",
            "closing balance (USD)",
            "flag",
        ],
    )
    return reserve, short


def _budget_tables(
    scenario: Scenario,
    plan: FirstPeriod,
    period: _Period,
    fixed_usd: float,
    posts: int,
    notes: list[str],
) -> _Budget:
    """The budget: planned cost, reserve, opening balance, net requirement, fee, gross; the
    fees by layer, the reserve build-up and the posts the net contributions sustain."""
    rule = plan.rule
    n_years = len(period.years)
    gross = list(plan.approved_cents)
    build_up, first_vacancies = _reserve_build_up(plan, n_years)
    applied = [_usd(plan.opening_cents) / rule.period_years] * n_years
    net = _net_requirement(scenario, plan, build_up, applied, notes)
    fee_cents = [max(0, g - round(n * 100)) for g, n in zip(gross, net, strict=True)]
    budget = _budget_frame(
        scenario, plan, period, (build_up, applied, net, fee_cents, first_vacancies)
    )
    fees = pd.DataFrame(
        [
            *_fee_rows(scenario, gross, fee_cents),
            ["total", "", None, *[_usd(f) for f in fee_cents]],
        ],
        columns=["fee", "basis", "rate (share)", *period.usd_columns()],
    )
    reserve, short = _reserve_frame(plan, period, net)
    sustained = posts_sustained(
        net, plan.planned_usd, [fixed_usd * ix for ix in period.index], posts
    )
    if rule.envelope_usd is not None and rule.mode == "pooled":
        notes.append(
            "the envelope sustains "
            + ", ".join(
                f"{n:,} of {posts:,} posts in {y}"
                for y, n in zip(period.labels, sustained, strict=True)
            )
            + " (net contributions less the fixed lines, over a post's planned cost)"
        )
    if short:
        notes.insert(
            0,
            "NEGATIVE CASH: the budget leaves the fund short of cash, closing at "
            + ", ".join(f"USD {c:,.0f} in {y}" for y, c in short)
            + " (marked in the reserve table); raise the envelope or plan fewer posts",
        )
    return _Budget(budget, fees, reserve, gross, fee_cents, short, sustained)


def _invoice_tables(
    scenario: Scenario, sharer: _Sharer, gross: list[int], period: _Period
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Invoices by entity and year under the scenario's formula, and by instalment (USD)."""
    labels = period.labels
    names = list(scenario.entity_names)
    own_shares = [sharer.shares(scenario.mechanism.formula, _usd(g)) for g in gross]
    invoices_cents = [split_cents(g, s) for g, s in zip(gross, own_shares, strict=True)]
    inv = pd.DataFrame({"entity": names, f"share {labels[0]} (share)": own_shares[0]})
    for y, year_cents in zip(labels, invoices_cents, strict=True):
        inv[f"{y} (USD)"] = year_cents / 100
    inv["period total (USD)"] = sum(invoices_cents) / 100
    inv = _with_total(
        inv, ["total", float(own_shares[0].sum()), *[_usd(g) for g in gross], _usd(sum(gross))]
    )
    n_inst = scenario.payments.instalments_per_year
    offsets = [e.fiscal_year_start_month - 1 for e in scenario.entities]
    inst_rows: list[list[object]] = []
    for year, year_cents in zip(period.years, invoices_cents, strict=True):
        for i, name in enumerate(names):
            part, extra = divmod(int(year_cents[i]), n_inst)
            for j in range(n_inst):
                month = offsets[i] + j * 12 // n_inst
                due_year, due_month = year + month // 12, month % 12
                amount = part + (extra if j == n_inst - 1 else 0)
                inst_rows.append(
                    [name, year, j + 1, f"{_MONTHS[due_month]} {due_year}", amount / 100]
                )
    inst_rows.append(["total", None, None, "", _usd(sum(gross))])
    instalments = pd.DataFrame(
        inst_rows, columns=["entity", "budget year", "instalment", "due", "amount (USD)"]
    )
    return inv, instalments


def _formulas_side(
    scenario: Scenario, sharer: _Sharer, gross: list[int], compare: str | None, notes: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Formulas side by side: the scenario's, the one compared, the precedent keys (shares
    and USD over the period), and the words for each formula shown; adds notes."""
    own = scenario.mechanism.formula
    period_gross = sum(gross)
    columns = {"scenario": own}
    if compare is not None:
        columns[f"compared {compare}"] = _formula_for(scenario, compare)
    for preset in PRESET_NAMES:
        if preset != compare and own.preset != preset:
            columns[preset] = Formula.model_validate({"kind": preset})
    side = pd.DataFrame({"entity": list(scenario.entity_names)})
    compare_label = None
    for label, formula in columns.items():
        try:
            per_year = [split_cents(g, sharer.shares(formula, _usd(g))) for g in gross]
        except BudgetAnnexError as exc:
            if label.startswith("compared"):
                raise
            notes.append(f"precedent {label} not shown: {exc}")
            continue
        total = sum(per_year)
        side[f"{label} (share)"] = total / period_gross if period_gross else 0.0
        side[f"{label} (USD, period)"] = total / 100
        if label.startswith("compared"):
            compare_label = label
    if compare_label is not None:
        own_label = next(iter(columns))
        side["compared - scenario (USD, period)"] = (
            side[f"{compare_label} (USD, period)"] - side[f"{own_label} (USD, period)"]
        )
    side = _with_total(side, ["total", *(float(side[col].sum()) for col in side.columns[1:])])
    formulas_used = [
        f"{label}: {describe(f)}"
        for label, f in columns.items()
        if any(col.startswith(label) for col in side.columns)
    ]
    for preset in PRESET_NAMES:
        if any(preset in c for c in side.columns) or own.preset == preset:
            notes.append(f"precedent {preset}: {PRESETS[preset]['source']}")
    return side, formulas_used


def _usd_formats(frame: pd.DataFrame) -> dict[str, str]:
    """The ``usd`` format for every column in USD."""
    return {c: "usd" for c in frame.columns if "(USD" in c}


def _share_formats(frame: pd.DataFrame) -> dict[str, str]:
    """The ``share`` format for every column of shares."""
    return {c: "share" for c in frame.columns if "(share)" in c}


def _coordinator_tables(
    scenario: Scenario,
    staff: _Staffing,
    bud: _Budget,
    invoices: tuple[pd.DataFrame, pd.DataFrame],
    side: tuple[pd.DataFrame, list[str]],
) -> tuple[AnnexTable, ...]:
    """The coordinator window's tables of the annex, in the order they are shown."""
    return (
        *_cost_tables(staff, bud),
        *_invoice_annex_tables(scenario, bud, invoices, side),
    )


def _cost_tables(staff: _Staffing, bud: _Budget) -> tuple[AnnexTable, ...]:
    """The budget, staffing, costs, secretariat and fees tables."""
    return (
        AnnexTable(
            "budget",
            "Gross and net budget by year",
            "What the fund approves and invoices: the planned cost, the reserve build-up and the "
            "opening balance give the net requirement; the host's fee on contributions grosses "
            "it up.",
            bud.budget,
            _usd_formats(bud.budget),
            totals=1,
        ),
        AnnexTable(
            "staffing",
            "Staffing by grade and year",
            "Coordinator posts planned, one per priority country.",
            staff.staffing,
            {c: "count" for c in staff.staffing.columns[1:]},
            totals=1,
        ),
        AnnexTable(
            "costs",
            "Post and non-post costs",
            "Salaries (fully loaded) by grade, the operating costs of "
            "each country's network and fixed lines, indexed by the expected inflation.",
            staff.costs,
            _usd_formats(staff.costs),
            totals=1,
        ),
        AnnexTable(
            "secretariat",
            "Secretariat and common services",
            "Fixed cost lines beside the posts.",
            staff.secretariat,
            _usd_formats(staff.secretariat),
            totals=1,
        ),
        AnnexTable(
            "fees",
            "Fees by basis",
            "The host's fees: rate and amount a year.",
            bud.fees,
            {**_usd_formats(bud.fees), "rate (share)": "share"},
            totals=1,
        ),
    )


def _invoice_annex_tables(
    scenario: Scenario,
    bud: _Budget,
    invoices: tuple[pd.DataFrame, pd.DataFrame],
    side: tuple[pd.DataFrame, list[str]],
) -> tuple[AnnexTable, ...]:
    """The reserve, invoices, instalments and formulas-side-by-side tables."""
    inv, instalments = invoices
    side_frame, formulas_used = side
    own = scenario.mechanism.formula
    n_inst = scenario.payments.instalments_per_year
    return (
        AnnexTable(
            "reserve",
            "Reserve build-up to target",
            "The fund's balance over the period when every "
            "entity pays on time and every post is filled all year.",
            bud.reserve,
            _usd_formats(bud.reserve),
        ),
        AnnexTable(
            "invoices",
            "Invoices by entity and year",
            f"Each entity's share and invoice under the scenario's formula ({describe(own)}).",
            inv,
            {**_usd_formats(inv), **_share_formats(inv)},
            totals=1,
        ),
        AnnexTable(
            "instalments",
            "Invoices by instalment",
            f"{n_inst} instalment(s) a year, due from the first "
            "month of each entity's fiscal year; the remainder cent in the last.",
            instalments,
            {"amount (USD)": "usd", "budget year": "year", "instalment": "count"},
            totals=1,
        ),
        AnnexTable(
            "formulas",
            "Formulas side by side",
            "Shares and invoices over the budget period under the "
            "scenario's formula, the formula compared and the precedent keys: "
            + "; ".join(formulas_used)
            + ".",
            side_frame,
            {**_usd_formats(side_frame), **_share_formats(side_frame)},
            totals=1,
        ),
    )


def budget_annex(
    scenario: Scenario, compare: str | None = None, lines: Sequence[CostLine] | None = None
) -> BudgetAnnex:
    """The budget annex of ``scenario`` for its first budget period.

    ``compare`` names a second formula (a kind or a precedent preset) shown beside the
    scenario's; ``lines`` are fixed cost lines beside the posts (default:
    :func:`host_cost_lines`). Raises :class:`BudgetAnnexError` for a formula the entities'
    data cannot compute."""
    scenario = arguments.entry(scenario)  # checked as the command line checks it
    if compare is not None and compare not in COMPARABLE:
        raise BudgetAnnexError(f"unknown formula '{compare}' (known: {', '.join(COMPARABLE)})")
    lines = host_cost_lines(scenario) if lines is None else list(lines)
    fixed_usd = sum(line.usd_per_year for line in lines)
    plan = first_period(scenario, network_cost_usd(scenario) + fixed_usd)
    rule = plan.rule
    start = scenario.simulation.start_year
    years = tuple(start + k for k in range(len(plan.planned_usd)))
    period = _Period(
        years, [str(y) for y in years], [(1.0 + rule.indexation) ** k for k in range(len(years))]
    )
    notes: list[str] = []
    staff = _staffing_and_costs(scenario, plan, lines, period, notes)
    bud = _budget_tables(scenario, plan, period, fixed_usd, staff.posts, notes)
    sharer = _Sharer(scenario)
    invoices = _invoice_tables(scenario, sharer, bud.gross, period)
    side = _formulas_side(scenario, sharer, bud.gross, compare, notes)
    if scenario.posts.costing == "flat":
        notes.append(
            f"flat costing: every post costs USD {scenario.posts.annual_cost_usd:,.0f} a year "
            'whatever its grade (posts.costing = "standard_costs" prices each grade and duty '
            "station)"
        )
    tables = _coordinator_tables(scenario, staff, bud, invoices, side)
    names = list(scenario.entity_names)
    all_tables = (*tables, *_victims_tables(scenario, sharer_names=names, notes=notes))
    return BudgetAnnex(
        scenario=scenario.name,
        description=scenario.description,
        years=years,
        formula=describe(scenario.mechanism.formula),
        compare=compare,
        gross_cents=tuple(bud.gross),
        fee_cents=tuple(bud.fee_cents),
        tables=all_tables,
        notes=tuple(notes),
        negative_cash_years=tuple(int(y) for y, _ in bud.short),
        posts_sustained=tuple(bud.sustained),
    )


def _victims_budget_frame(scenario: Scenario, vb: VictimsFirstBudget, col: str) -> pd.DataFrame:
    """The victims' window's first-year budget table (USD): the lines, the need, the net
    requirement, the host's fees and the gross."""
    lines = vb.lines
    net = max(0.0, lines["need"]) * lines["entity_cost_share"]
    gross = _usd(vb.gross_cents)
    fee_words = (
        f"{vb.fee:.0%} on receipts"
        if vb.fee_basis == "receipts"
        else f"{vb.fee:.0%} on expenditure, charged as spent and budgeted up front"
    )
    rows = [
        [
            "services (expected victims x expected package, the share the window pays)",
            lines["services"],
        ],
        [f"case management ({vb.slots} caseworker slots)", lines["caseworkers"]],
        ["Victims' Rights Advocate function (posts and office)", lines["advocates"]],
        [
            "child support (the next 12 months of the children supported, and the year's new "
            "children)"
            if scenario.victims is not None and scenario.victims.children.funding == "paygo"
            else "children's account (the pre-funding policy's need)",
            lines["child_support"],
        ],
        [
            f"reserve (target {scenario.victims.funding.reserve_target_months:g} months)"
            if scenario.victims is not None
            else "reserve",
            lines["reserve"],
        ],
        ["less cash in hand (or the plan's position)", -lines["cash"]],
        ["less expected pledges and withheld payments", -lines["pledges"]],
        ["need", lines["need"]],
        [f"net requirement (need x entity cost share {lines['entity_cost_share']:.0%})", net],
        [f"host fees ({fee_words})", gross - net],
        ["gross budget (invoiced to entities)", gross],
    ]
    return pd.DataFrame(rows, columns=["line", col])


def _victims_advocates_frame(scenario: Scenario, year: str) -> tuple[pd.DataFrame, int]:
    """The Victims' Rights Advocate function's posts and office (USD at start-year prices),
    and how many lines it has (0 when the function is paid elsewhere)."""
    adv = advocate_lines(scenario)
    advocates = pd.DataFrame(
        [[a.role, a.grade, a.duty_station_class, a.count, a.unit_usd, a.annual_usd] for a in adv],
        columns=[
            "line",
            "grade",
            "duty station class",
            "posts",
            "unit cost (USD)",
            f"{year} at start-year prices (USD)",
        ],
    )
    advocates = _with_total(
        advocates,
        [
            "total",
            "",
            "",
            sum(a.count for a in adv if a.grade),
            None,
            sum(a.annual_usd for a in adv),
        ],
    )
    return advocates, len(adv)


def _victims_tables(
    scenario: Scenario, sharer_names: list[str], notes: list[str]
) -> list[AnnexTable]:
    """The victims' window's first-year budget, its advocates and its invoices (none without
    a ``[victims]`` section); adds the window's notes to ``notes``."""
    vb = victims_first_budget(scenario)
    if vb is None:
        return []
    year = str(scenario.simulation.start_year)
    col = f"{year} (USD)"
    gross = _usd(vb.gross_cents)
    budget = _victims_budget_frame(scenario, vb, col)
    advocates, n_adv = _victims_advocates_frame(scenario, year)
    invoices = np.array(vb.invoices_cents, dtype=np.int64)
    inv = pd.DataFrame(
        {
            "entity": sharer_names,
            f"share {year} (share)": invoices / vb.gross_cents if vb.gross_cents else 0.0,
            col: invoices / 100,
        }
    )
    inv = _with_total(inv, ["total", 1.0 if vb.gross_cents else 0.0, gross])
    notes.append(
        f"victims' window: the first-year budget and invoices as replication {vb.rep} of seed "
        f"{vb.seed} "
        "approves them (the children's stock and its support are drawn; the services, case "
        "management "
        "and advocates lines are expected values); the window is budgeted each year, not by period"
    )
    if not n_adv:
        notes.append(
            "victims' window: the Victims' Rights Advocate function is paid elsewhere "
            "(victims.advocates.enabled = false)"
        )
    usd = lambda frame: {c: "usd" for c in frame.columns if "(USD" in c}  # noqa: E731
    return [
        AnnexTable(
            "victims_budget",
            "Victims' window: first-year budget",
            "Services, case management, the Victims' Rights Advocate function, child support and "
            "the "
            "reserve, less cash and expected pledges, grossed up for the host's fee: the gross is "
            "what the "
            "simulated run assesses, to the cent.",
            budget,
            usd(budget),
            totals=1,
        ),
        AnnexTable(
            "victims_advocates",
            "Victims' window: the Victims' Rights Advocate function",
            "Posts by grade and duty-station class at their standard cost, and the office's "
            "running costs "
            "(none when the function is paid elsewhere).",
            advocates,
            {**usd(advocates), "posts": "count"},
            totals=1,
        ),
        AnnexTable(
            "victims_invoices",
            "Victims' window: invoices by entity",
            "Each entity's first-year invoice for the victims' window, the ledger's split of the "
            "gross "
            "under the window's formula, as the simulated run assesses it.",
            inv,
            {**usd(inv), f"share {year} (share)": "share"},
            totals=1,
        ),
    ]


def posts_sustained(
    net_usd: Sequence[float], planned_usd: Sequence[float], fixed_usd: Sequence[float], posts: int
) -> list[int]:
    """Posts a year's net contributions pay for: what is left after the fixed lines, over
    one post's planned cost (the planned cost less the fixed lines, per post), never more
    than the posts planned (USD in, whole posts out)."""
    out = []
    for net, planned, fixed in zip(net_usd, planned_usd, fixed_usd, strict=True):
        per_post = (planned - fixed) / posts if posts else 0.0
        n = int((net - fixed) // per_post) if per_post > 0 else 0
        out.append(min(posts, max(0, n)))
    return out
