"""The budget rule: what the coordinator fund approves (and so invoices) for each budget year.

Inputs are explicit: the planned cost of every post for each year of the period (USD), the
fund's cash (cents), the months renewals commit beyond the period (USD), and the rule's
parameters (:class:`BudgetRule`). A budget is approved for ``period_years`` at once and
does not change within the period (predictable invoices).

``need`` (the default, today's rule with ``period_years = 1`` and ``basis = "cash"``): for
each year of the period, the planned cost of the year plus an equal part of (the reserve
target + the months renewals commit beyond the period - cash in hand), never negative,
grossed up for the host's fees (:func:`fundsim.scenario.host.gross_up`: divided by one less
the fee on receipts, times one plus the fee on expenditure). With ``basis = "commitments"`` the months committed beyond
the period are budgeted explicitly, so that the reserve target is met on free cash (cash
less commitments) at the end of the period, not on total cash. A fixed envelope approves
``usd_per_year`` (gross) indexed from the start year, whatever the need.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.model.ledger import to_cents
from fundsim.scenario.grades import post_salaries_usd
from fundsim.scenario.host import fee_rate, gross_up
from fundsim.scenario.schema import Distribution, Mechanism, Scenario


@dataclass(frozen=True, slots=True)
class BudgetRule:
    """The parameters of the budget rule (USD and months; ``fee`` a fraction)."""

    mode: str  # pooled | siloed | hybrid
    fee: float  # the host's fee on contributions
    reserve_months: float  # the risk reserve target, months of planned cost
    period_years: int
    basis: str  # cash | commitments
    envelope_usd: float | None  # fixed envelope in the start year (gross), None under "need"
    indexation: float  # a year, for the envelope and the later years of a period
    fee_on_expenditure: float = 0.0  # the host's fee on what the fund spends

    @classmethod
    def of(cls, mechanism: Mechanism, fee: float, expected_inflation: float, fee_on_expenditure: float = 0.0) -> BudgetRule:
        env = mechanism.budget
        envelope = None if env == "need" else env.usd_per_year
        ix = expected_inflation
        if env != "need" and env.indexation is not None:
            ix = env.indexation
        return cls(
            mechanism.mode, fee, mechanism.reserve_target_months, mechanism.budget_period_years,
            mechanism.budget_basis, envelope, ix, fee_on_expenditure,
        )

    def approved_cents(self, year: int, planned_usd: list[float], cash_cents: int, beyond_usd: float) -> list[int]:
        """The gross budgets (cents) approved for ``year`` and the following years of its period.

        ``planned_usd[k]``: cost of every post in year ``year + k`` (USD); ``cash_cents``: the
        fund's cash now; ``beyond_usd``: salary months renewals commit beyond the period (USD,
        counted only on the ``commitments`` basis)."""
        if self.mode == "siloed":
            return [0] * len(planned_usd)
        if self.envelope_usd is not None:
            return [to_cents(self.envelope_usd * (1.0 + self.indexation) ** (year + k)) for k in range(len(planned_usd))]
        if self.fee >= 1:
            return [0] * len(planned_usd)
        p = self.period_years
        reserve = planned_usd[0] * self.reserve_months / 12
        extra = (beyond_usd if self.basis == "commitments" else 0.0) + reserve
        cash = cash_cents / 100 / p
        out = []
        for planned in planned_usd:
            target = (0.0 if self.mode == "hybrid" else planned) + extra / p
            need = max(0.0, target - cash)
            out.append(to_cents(gross_up(need, self.fee, self.fee_on_expenditure)))
        return out


def period_plan_usd(planned_usd: float, indexation: float, years: int) -> list[float]:
    """The planned cost of each year of a budget period of ``years`` years (USD): the first
    year's ``planned_usd``, the later years indexed by ``indexation`` a year."""
    return [planned_usd * (1.0 + indexation) ** k if k else planned_usd for k in range(years)]


def coordinator_fee(scenario: Scenario) -> float:
    """The host's fee on coordinator contributions (a fraction): the receipts layers of the
    fee stack (:func:`fundsim.scenario.host.fee_rate`): ``mechanism.admin_fee``, the shared
    host's rate when both windows share one, or the ``[host]`` table's layers on deposits."""
    return fee_rate(scenario, "receipts")


@dataclass(frozen=True, slots=True)
class FirstPeriod:
    """The budgets the fund approves at the start, for its first budget period: the plan
    the network signs off (no randomness: every post planned filled, start-year prices
    indexed by the expected inflation, the opening balance as cash, nothing committed)."""

    rule: BudgetRule
    planned_usd: tuple[float, ...]  # planned cost of each year of the period (USD)
    opening_cents: int  # the fund's cash at the start
    approved_cents: tuple[int, ...]  # gross approved budget of each year (cents)


def first_period(scenario: Scenario, planned_usd: float) -> FirstPeriod:
    """The first budget period's approved budgets, by the same rule and inputs the
    simulation uses at its start (:meth:`fundsim.model.world.World.budget_cents` for year
    0): ``planned_usd`` is the cost of every post in the start year (USD,
    :func:`fundsim.scenario.costs.network_cost_usd`)."""
    rule = BudgetRule.of(scenario.mechanism, coordinator_fee(scenario), scenario.costs.inflation_annual,
                         fee_rate(scenario, "expenditure"))
    years = min(rule.period_years, scenario.simulation.years)
    plan = period_plan_usd(planned_usd, rule.indexation, years)
    opening = to_cents(scenario.mechanism.opening_balance_usd)
    return FirstPeriod(rule, tuple(plan), opening, tuple(rule.approved_cents(0, plan, opening, 0.0)))


def _expected_months(dist: Distribution) -> int:
    """The expected value of a months distribution, rounded to whole months (at least 1)."""
    if dist.dist == "fixed":
        mean = float(dist.value or 0.0)
    elif dist.dist == "triangular":
        mean = (float(dist.low or 0) + float(dist.mode or 0) + float(dist.high or 0)) / 3
    elif dist.dist == "uniform":
        mean = (float(dist.low or 0) + float(dist.high or 0)) / 2
    else:
        mean = float(dist.mean or 0.0)
    return max(1, round(mean))


def structural_float_usd(scenario: Scenario) -> float:
    """The structural float: the working capital the contract rule needs even when every
    entity pays in full and on time, in USD at start-year prices (a deterministic number).

    It is the largest sum, at any 31 December of the horizon, of the salary months that
    renewals have already committed into the next year, every post filled after the
    expected recruitment lag from January of the start year: under ``budget_year``
    contracts nothing is committed beyond 31 December (zero); under ``rolling`` contracts
    of ``C`` months filled in month ``L``, a renewal at ``r`` commits ``r + K - E`` months
    beyond the year end ``E`` (``K`` the months a renewal commits). Pooled mode only (the
    lead entities' own lines carry their posts' float in the other modes)."""
    posts = scenario.posts
    if posts.contract_alignment == "budget_year" or scenario.mechanism.mode != "pooled":
        return 0.0
    contract = posts.contract_months
    commit = contract if posts.renewal_rule == "whole_contract" else min(posts.renewal_commit_months, contract)
    fill = _expected_months(posts.recruitment_lag_months)
    months = 0
    for year in range(scenario.simulation.years - 1):
        end = 12 * (year + 1)
        if fill >= end:
            continue
        # The contract running on 31 December started (and was committed) at ``start < end``.
        start = fill + (end - 1 - fill) // contract * contract
        months = max(months, start + commit - end)
    if posts.costing == "flat":
        salary_cents = to_cents(posts.annual_cost_usd / 12)
        return len(scenario.countries) * months * salary_cents / 100
    return months * sum(to_cents(a / 12) for a in post_salaries_usd(scenario)) / 100
