"""The coordinator window's side of the budget annex: what the fund costs and approves.

Staffing by grade, post and non-post costs and the fixed lines beside the posts (checked
against the model's own planned cost to the cent), the gross and net budget by year, the
host's fees by layer, the reserve build-up and the posts the net contributions sustain,
all from the first period's plan (:func:`fundsim.runner.plan.first_period`). USD, cents
exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from fundsim.analysis.annex_tables import (
    AnnexPeriod,
    AnnexTable,
    usd,
    usd_formats,
    with_total,
)
from fundsim.runner.plan import FirstPeriod, coordinator_fee
from fundsim.scenario.grades import GRADES, post_grades, post_salaries_usd
from fundsim.scenario.host import fee_rate, fee_stack, secretariat_lines
from fundsim.scenario.schema import Scenario


@dataclass(frozen=True)
class CostLine:
    """A fixed cost line beside the posts (a secretariat post, a common service), USD a year
    at start-year prices; ``kind`` is ``"secretariat"`` or ``"common_service"``."""

    name: str
    kind: str
    usd_per_year: float
    source: str = ""


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
                *[usd(c) for c in cents],
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
        rows.append([f"{f.name} (on expenditure)", "expenditure", f.rate, *[usd(c) for c in cents]])
    return rows


@dataclass(frozen=True)
class StaffingTables:
    """Staffing, costs and fixed lines of the coordinator window (frames in USD or posts)."""

    staffing: pd.DataFrame
    costs: pd.DataFrame
    secretariat: pd.DataFrame
    posts: int


@dataclass(frozen=True)
class BudgetTables:
    """The coordinator window's budget: its tables, gross and fees (cents) and cash check."""

    budget: pd.DataFrame
    fees: pd.DataFrame
    reserve: pd.DataFrame
    gross: list[int]
    fee_cents: list[int]
    short: list[tuple[str, float]]
    sustained: list[int]


def staffing_and_costs(
    scenario: Scenario,
    plan: FirstPeriod,
    lines: Sequence[CostLine],
    period: AnnexPeriod,
    notes: list[str],
) -> StaffingTables:
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
    staffing = with_total(staffing, ["total", *[len(grades)] * len(labels)])
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
    costs = with_total(costs, ["total planned cost", "", *totals])
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
    secretariat = with_total(secretariat, ["total", "", "", *[fixed_usd * ix for ix in index]])
    if not lines:
        notes.append(
            "no secretariat or common-service lines: the scenario has none (the fund's host "
            "costs are in its fee)"
        )
    return StaffingTables(staffing, costs, secretariat, len(grades))


def _reserve_build_up(plan: FirstPeriod, n_years: int) -> tuple[list[float], float]:
    """The reserve build-up a year (USD) and the first year's expected vacancies (USD):
    under phased recruitment the first year's vacancies build the reserve first."""
    rule = plan.rule
    p = rule.period_years
    reserve_target = plan.planned_usd[0] * rule.reserve_months / 12
    opening_usd = usd(plan.opening_cents)
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
        return [usd(g) * (1 - fee) / (1 + fee_rate(scenario, "expenditure")) for g in gross]
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
    period: AnnexPeriod,
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
            *[usd(f) for f in fee_cents],
        ],
        ["gross budget (invoiced to entities)", *[usd(g) for g in plan.approved_cents]],
    ]
    budget = pd.DataFrame(rows, columns=["line", *period.usd_columns()])
    budget["period total (USD)"] = budget[period.usd_columns()].sum(axis=1)
    return budget


def _reserve_frame(
    plan: FirstPeriod, period: AnnexPeriod, net: list[float]
) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    """The fund's balance by year when every entity pays on time (USD), and the years it
    closes below zero with their closing balance."""
    rule = plan.rule
    reserve_target = plan.planned_usd[0] * rule.reserve_months / 12
    planned_spend = rule.spend_usd(0, list(plan.planned_usd))
    rows: list[list[object]] = []
    balance = usd(plan.opening_cents)
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


def budget_tables(
    scenario: Scenario,
    plan: FirstPeriod,
    period: AnnexPeriod,
    fixed_usd: float,
    posts: int,
    notes: list[str],
) -> BudgetTables:
    """The budget: planned cost, reserve, opening balance, net requirement, fee, gross; the
    fees by layer, the reserve build-up and the posts the net contributions sustain."""
    rule = plan.rule
    n_years = len(period.years)
    gross = list(plan.approved_cents)
    build_up, first_vacancies = _reserve_build_up(plan, n_years)
    applied = [usd(plan.opening_cents) / rule.period_years] * n_years
    net = _net_requirement(scenario, plan, build_up, applied, notes)
    fee_cents = [max(0, g - round(n * 100)) for g, n in zip(gross, net, strict=True)]
    budget = _budget_frame(
        scenario, plan, period, (build_up, applied, net, fee_cents, first_vacancies)
    )
    fees = pd.DataFrame(
        [
            *_fee_rows(scenario, gross, fee_cents),
            ["total", "", None, *[usd(f) for f in fee_cents]],
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
    return BudgetTables(budget, fees, reserve, gross, fee_cents, short, sustained)


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


def cost_tables(staff: StaffingTables, bud: BudgetTables) -> tuple[AnnexTable, ...]:
    """The budget, staffing, costs, secretariat and fees tables."""
    return (
        AnnexTable(
            "budget",
            "Gross and net budget by year",
            "What the fund approves and invoices: the planned cost, the reserve build-up and the "
            "opening balance give the net requirement; the host's fee on contributions grosses "
            "it up.",
            bud.budget,
            usd_formats(bud.budget),
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
            usd_formats(staff.costs),
            totals=1,
        ),
        AnnexTable(
            "secretariat",
            "Secretariat and common services",
            "Fixed cost lines beside the posts.",
            staff.secretariat,
            usd_formats(staff.secretariat),
            totals=1,
        ),
        AnnexTable(
            "fees",
            "Fees by basis",
            "The host's fees: rate and amount a year.",
            bud.fees,
            {**usd_formats(bud.fees), "rate (share)": "share"},
            totals=1,
        ),
    )
