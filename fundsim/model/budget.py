"""The budget rule: what the coordinator fund approves (and so invoices) for each budget year.

Inputs are explicit: the planned cost of every post for each year of the period (USD), the
fund's cash (cents), the months renewals commit beyond the period (USD), and the rule's
parameters (:class:`BudgetRule`). A budget is approved for ``period_years`` at once and
does not change within the period (predictable invoices).

``need`` (the default, today's rule with ``period_years = 1`` and ``basis = "cash"``): for
each year of the period, the planned cost of the year plus an equal part of (the reserve
target + the months renewals commit beyond the period - cash in hand), never negative,
grossed up for the host's fees (:func:`fundsim.scenario.host.gross_up`: divided by one less
the fee on receipts, times one plus the fee on expenditure). With ``basis = "commitments"`` the
months committed beyond
the period are budgeted explicitly, so that the reserve target is met on free cash (cash
less commitments) at the end of the period, not on total cash. A fixed envelope approves
``usd_per_year`` (gross) indexed from the start year, whatever the need.

Shortfalls stay with the entity that caused them (``shortfall_policy = "arrears"``): the
rule counts the entities' arrears (invoiced and not yet received, not written off) as
the fund's asset beside its cash, so that the reserve is replenished only for what the
fund itself spent or lost (written-off arrears), never billed to the other entities.
``"reapportion"`` nets cash alone, as the first model did: every shortfall is billed
again to all entities by their shares in the next budget.

Predictable bills: the planned cost of the posts is netted of ``vacancy_factor`` (the
share of post-months expected vacant); with phased recruitment a new fund's first-year
vacancies (its posts filled ``first_year_fill`` of the year, after the expected
recruitment lag) build the reserve first, so that the first bills are the posts' cost
and no more. A surplus is credited ``1 / surplus_credit_periods`` per budget period,
spread evenly over its years. With ``reference = "plan"`` (the baseline) a budget nets
the *plan's* position (:class:`BudgetBook`: the approved budgets as if paid in full,
less the planned spending, less the arrears written off) instead of the fund's cash:
the bills follow the plan, the planned surplus (first-year vacancies beyond the reserve
target) is credited over the next period, and the realised surplus or deficit against
the plan (vacancies beyond the factor, price surprises, other entities' arrears and the
posts cut for them) stays with the fund's reserve and its managed cuts, billed or
credited to nobody within the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

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
    shortfall_policy: str = "reapportion"  # arrears | reapportion
    vacancy_factor: float = 0.0  # share of planned post cost expected vacant (a fraction)
    first_year_fill: float = 1.0  # share of the first year a new fund's posts are planned filled
    surplus_credit_periods: int = 1  # budget periods over which a surplus is credited
    #: What a budget nets: the fund's ``cash`` (and arrears), or the ``plan``'s position.
    reference: str = "cash"

    @classmethod
    def of(
        cls,
        mechanism: Mechanism,
        fee: float,
        expected_inflation: float,
        fee_on_expenditure: float = 0.0,
        vacancy_factor: float = 0.0,
        first_year_fill: float = 1.0,
    ) -> BudgetRule:
        env = mechanism.budget
        envelope = None if env == "need" else env.usd_per_year
        ix = expected_inflation
        if env != "need" and env.indexation is not None:
            ix = env.indexation
        return cls(
            mechanism.mode,
            fee,
            mechanism.reserve_target_months,
            mechanism.budget_period_years,
            mechanism.budget_basis,
            envelope,
            ix,
            fee_on_expenditure,
            mechanism.shortfall_policy,
            vacancy_factor,
            first_year_fill,
            mechanism.surplus_credit_periods,
            mechanism.budget_reference,
        )

    def approved_cents(
        self,
        year: int,
        planned_usd: list[float],
        cash_cents: int,
        beyond_usd: float,
        arrears_cents: int = 0,
        plan_cents: int | None = None,
    ) -> list[int]:
        """The gross budgets (cents) approved for ``year`` and the following years of its period.

        ``planned_usd[k]``: cost of every post in year ``year + k`` (USD); ``cash_cents``: the
        fund's cash now; ``beyond_usd``: salary months renewals commit beyond the period (USD,
        counted only on the ``commitments`` basis); ``arrears_cents``: the entities' arrears
        (counted as the fund's asset under ``shortfall_policy = "arrears"``); ``plan_cents``:
        where the plan put the fund's cash and arrears now (:class:`BudgetBook`), the most the
        rule nets under ``reference = "plan"``."""
        if self.mode == "siloed":
            return [0] * len(planned_usd)
        if self.envelope_usd is not None:
            return [
                to_cents(self.envelope_usd * (1.0 + self.indexation) ** (year + k))
                for k in range(len(planned_usd))
            ]
        if self.fee >= 1:
            return [0] * len(planned_usd)
        p = self.period_years
        reserve = planned_usd[0] * self.reserve_months / 12
        extra = (beyond_usd if self.basis == "commitments" else 0.0) + reserve
        # Arrears count net of the host's fee on receipts, which their collection will pay.
        owed = round(max(0, arrears_cents) * (1.0 - self.fee))
        if self.reference == "plan" and plan_cents is not None:
            # Bills follow the plan; re-apportioned, the arrears are billed again to everyone.
            held = plan_cents - (owed if self.shortfall_policy == "reapportion" else 0)
        else:
            held = cash_cents + (owed if self.shortfall_policy == "arrears" else 0)
        assets = held / 100
        credit = 0.0  # per year of the period, a surplus credited by the stated rule
        if self.surplus_credit_periods > 1 and extra - assets < 0:
            # A surplus is credited 1 / surplus_credit_periods of it a period.
            credit = (assets - extra) / self.surplus_credit_periods / p
            assets = extra
        cash = assets / p
        spends = self.spend_usd(year, planned_usd)
        bills = self.billed_spend_usd(year, planned_usd)
        vacancies = sum(bills) - sum(spends)
        reserve_part = 0.0
        if vacancies > 0:
            # Phased recruitment: the first year's expected vacancies build the reserve first;
            # the bill never falls below the cost of the posts (a level bill), and what the
            # vacancies leave beyond the target is credited next period (the plan knows it).
            reserve_part = max(0.0, extra - assets - vacancies) / p
            cash = extra / p
        out = []
        for spend in bills:
            target = spend + extra / p + reserve_part
            need = max(0.0, target - cash - credit)
            out.append(to_cents(gross_up(need, self.fee, self.fee_on_expenditure)))
        return out

    def reapportioned_cents(
        self,
        year: int,
        planned_usd: list[float],
        cash_cents: int,
        beyond_usd: float,
        arrears_cents: int,
        plan_cents: int | None = None,
        billed: list[int] | None = None,
    ) -> list[int]:
        """The part of each approved budget (cents) that bills the entities' arrears again
        to everyone: under ``shortfall_policy = "reapportion"`` the approved budgets less
        those approved had the arrears stayed with their entities; zero under ``arrears``.
        ``billed``: :meth:`approved_cents` of the same inputs when already computed."""
        if self.shortfall_policy != "reapportion" or arrears_cents <= 0:
            return [0] * len(planned_usd)
        if billed is None:
            billed = self.approved_cents(
                year, planned_usd, cash_cents, beyond_usd, arrears_cents, plan_cents
            )
        kept = _on_arrears(self).approved_cents(
            year, planned_usd, cash_cents, beyond_usd, arrears_cents, plan_cents
        )
        return [max(0, b - k) for b, k in zip(billed, kept, strict=True)]

    def spend_usd(self, year: int, planned_usd: list[float]) -> list[float]:
        """What the fund plans to spend in each year of the period starting in ``year``
        (USD): the planned cost times :meth:`spend_factor` (nothing in hybrid mode: the lead
        entities pay the posts)."""
        if self.mode == "hybrid":
            return [0.0] * len(planned_usd)
        return [planned * self.spend_factor(year + k) for k, planned in enumerate(planned_usd)]

    def billed_spend_usd(self, year: int, planned_usd: list[float]) -> list[float]:
        """The spending each year's bill covers (USD): the planned cost less the vacancy
        factor, without the first year's phasing (its vacancies go to the reserve)."""
        if self.mode == "hybrid":
            return [0.0] * len(planned_usd)
        return [planned * (1.0 - self.vacancy_factor) for planned in planned_usd]

    def spend_factor(self, year: int) -> float:
        """The share of the planned cost of every post filled all year that the budget
        expects to spend in ``year``: one less the vacancy factor, and in the first year of
        a new fund the share of the year its posts are expected filled (whichever is lower)."""
        factor = 1.0 - self.vacancy_factor
        if year == 0:
            factor = min(factor, self.first_year_fill)
        return factor


@lru_cache(maxsize=64)
def _on_arrears(rule: BudgetRule) -> BudgetRule:
    """``rule`` with ``shortfall_policy = "arrears"`` (made once per rule)."""
    return replace(rule, shortfall_policy="arrears")


class BudgetBook:
    """The coordinator fund's budgets over one replication: approved a period at a time by
    :class:`BudgetRule`, with what each re-apportions of the entities' arrears, and the
    plan's position (cents): where the approved budgets, paid in full, less the planned
    spending, put the fund's cash and receivables (lowered by arrears written off, a loss
    the next budget replenishes). ``opening_cents``: the fund's cash at the start."""

    def __init__(self, rule: BudgetRule, opening_cents: int) -> None:
        self.rule = rule
        self.approved: dict[int, int] = {}
        self.reapportioned: dict[int, int] = {}
        self.plan_cents = opening_cents
        self._written_off = 0

    def approve(
        self,
        year: int,
        planned_usd: list[float],
        cash_cents: int,
        beyond_usd: float,
        arrears_cents: int,
        written_off_cents: int,
    ) -> None:
        """Approve the budgets of the period starting in ``year`` (``planned_usd`` its years'
        planned cost, USD) from the fund's cash, renewal months beyond it (USD), the arrears
        and the arrears written off so far (cents), and move the plan to the period's end."""
        rule = self.rule
        lost = written_off_cents - self._written_off
        self._written_off = written_off_cents
        self.plan_cents -= round(lost * (1.0 - rule.fee))
        approved = rule.approved_cents(
            year, planned_usd, cash_cents, beyond_usd, arrears_cents, self.plan_cents
        )
        again = rule.reapportioned_cents(
            year, planned_usd, cash_cents, beyond_usd, arrears_cents, self.plan_cents, approved
        )
        spends = rule.spend_usd(year, planned_usd)
        for k, (cents, part, spend) in enumerate(zip(approved, again, spends, strict=True)):
            self.approved[year + k] = cents
            self.reapportioned[year + k] = part
            self.plan_cents += round(cents * (1.0 - rule.fee)) - to_cents(
                spend * (1.0 + rule.fee_on_expenditure)
            )


def expected_months(dist: Distribution) -> float:
    """The expected value of a months distribution (months, not rounded)."""
    if dist.dist == "fixed":
        return float(dist.value or 0.0)
    if dist.dist == "triangular":
        return (float(dist.low or 0) + float(dist.mode or 0) + float(dist.high or 0)) / 3
    if dist.dist == "uniform":
        return (float(dist.low or 0) + float(dist.high or 0)) / 2
    return float(dist.mean or 0.0)


def first_year_fill(scenario: Scenario) -> float:
    """The share of the first year a new fund's posts are planned filled under
    ``posts.phased_recruitment`` (each post recruited from January, filled after the
    expected recruitment lag): ``max(0, 12 - lag) / 12``; 1 without phasing or when the
    fund starts from today's incumbents (they are in post from day one)."""
    posts = scenario.posts
    if not posts.phased_recruitment or scenario.incumbents is not None:
        return 1.0
    return max(0.0, 12.0 - expected_months(posts.recruitment_lag_months)) / 12.0


def rule_for(scenario: Scenario) -> BudgetRule:
    """The coordinator fund's budget rule for ``scenario``: its mechanism, the host's fees,
    the expected inflation, the posts' vacancy factor and first-year phasing."""
    return BudgetRule.of(
        scenario.mechanism,
        coordinator_fee(scenario),
        scenario.costs.inflation_annual,
        fee_rate(scenario, "expenditure"),
        scenario.posts.vacancy_factor,
        first_year_fill(scenario),
    )


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
    rule = rule_for(scenario)
    years = min(rule.period_years, scenario.simulation.years)
    plan = period_plan_usd(planned_usd, rule.indexation, years)
    opening = to_cents(scenario.mechanism.opening_balance_usd)
    return FirstPeriod(
        rule, tuple(plan), opening, tuple(rule.approved_cents(0, plan, opening, 0.0))
    )


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
    commit = (
        contract
        if posts.renewal_rule == "whole_contract"
        else min(posts.renewal_commit_months, contract)
    )
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
