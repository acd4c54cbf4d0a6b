"""The coordinator fund (Rec 7): its money, its budget, its reviews, its running costs.

:class:`CoordinatorFund` is the coordinator window's money side; the posts it pays for
are :class:`~fundsim.model.coordinators.Coordinators`. It is built with the shared
:class:`~fundsim.model.context.Context` and its own inputs: the window's arrangement
under the mechanism's mode (:class:`~fundsim.model.arrangement.Arrangement`,
decided once), the scenario's ``[mechanism]`` section, its funds (the pooled fund, each
lead entity's own line, the money held for today's incumbents), the posts, the
:class:`~fundsim.model.contributors.Contributors` that assess the entities for it, its
liquidity and the host's fees. The victims' window has the same shape
(:class:`~fundsim.model.victim_fund.VictimFund`).

What it decides, in cents unless named in USD:

- the **budget** the network approves for each year (:mod:`fundsim.model.budget`), the
  **reserve target** (``reserve_target_months`` of the next year's planned cost) and what
  each lead entity puts in its own line for the posts it hosts;
- the **commitment authority** on receivables and the host's **pre-financing**
  (:class:`~fundsim.model.liquidity.Liquidity`, pooled fund only);
- the **reviews** and their managed cuts (:mod:`fundsim.model.governance`);
- each month's **running costs**: the payroll, the host's secretariat lines, the host's
  fee on expenditure; each December, the **lapse** of what a lead entity's line has not
  committed (when lines do not carry over);
- at the start, where the money for **today's incumbents** sits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fundsim.model.arrangement import Arrangement, window_secretariat_usd
from fundsim.model.budget import BudgetBook, BudgetRule, period_plan_usd
from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.coordinators import Coordinators
from fundsim.model.fund import Fund
from fundsim.model.governance import review
from fundsim.model.ledger import to_cents
from fundsim.model.liquidity import Liquidity, expected_collections
from fundsim.model.post_needs import committed_beyond_usd, review_inputs
from fundsim.scenario.costs import network_cost_usd
from fundsim.scenario.schema import Mechanism, Scenario


def reserve_target_usd(planned_next_year_usd: float, reserve_months: float) -> float:
    """The reserve target at a year end: ``reserve_months`` of the next year's planned cost
    (USD). The one rule the model, the statements and the report's fan chart use."""
    return planned_next_year_usd * reserve_months / 12


def planned_cost_usd(posts_usd: float, secretariat_usd: float, price: float) -> float:
    """What the pooled fund plans to spend in a year (USD at that year's prices): every post
    for the whole year (``posts_usd``, already at those prices) and the host's secretariat
    lines (``secretariat_usd`` a year at start-year prices, times ``price``)."""
    return posts_usd + secretariat_usd * price if secretariat_usd else posts_usd


def planned_reserve_targets_usd(scenario: Scenario) -> list[float]:
    """The coordinator fund's reserve target at the end of each simulated year as planned
    (USD): :func:`reserve_target_usd` of the next year's :func:`planned_cost_usd` (the
    last year's after the horizon), every post filled, at the prices the scenario's
    expected inflation gives (the simulation applies the same rule at its drawn prices,
    :meth:`CoordinatorFund.reserve_target_cents`)."""
    years, months = scenario.simulation.years, scenario.mechanism.reserve_target_months
    posts, secretariat = network_cost_usd(scenario), window_secretariat_usd(scenario)
    price = [(1.0 + scenario.costs.inflation_annual) ** y for y in range(years)]
    targets = []
    for y in range(years):
        nxt = min(y + 1, years - 1)
        targets.append(
            reserve_target_usd(
                planned_cost_usd(posts * price[nxt], secretariat, price[nxt]), months
            )
        )
    return targets


class CoordinatorFund:
    """The coordinator window of one replication: budget, reserve, reviews, running costs.

    ``lines``: each lead entity's own budget line for the posts it hosts (siloed and hybrid
    modes), by entity name; empty in the pooled mode. ``line_posts``: for each entity, in
    the entities' order, its name and what its line budgets for (the posts it hosts: their
    indices, or post-equivalents at each post's cost factor; empty or zero for none).
    ``incumbent_fund``: the money today's
    hosts hold for the rest of their incumbents' contracts (pooled mode, gradual
    transition), else None. ``liquidity``: the pooled fund's, else None.
    """

    def __init__(
        self,
        ctx: Context,
        arrangement: Arrangement,
        mechanism: Mechanism,
        fund: Fund,
        lines: Mapping[str, Fund],
        incumbent_fund: Fund | None,
        coordinators: Coordinators,
        contributors: Contributors,
        liquidity: Liquidity | None,
        fee: float,
        fee_on_expenditure: float,
        accounts: Mapping[str, int],
        expected_inflation: float,
        line_posts: Sequence[tuple[str, float | list[int]]],
        rule: BudgetRule | None = None,
    ) -> None:
        a = arrangement
        self.arrangement = a
        self._env = ctx.env
        self._ledger = ledger = ctx.ledger
        self.years = ctx.years
        self.price_index = ctx.price_index
        self.fund = fund
        self.lines = dict(lines)
        self.incumbent_fund = incumbent_fund
        self.funds: list[Fund] = [fund, *self.lines.values()] + (
            [incumbent_fund] if incumbent_fund else []
        )
        self.coordinators = coordinators
        self.contributors = contributors
        self.liquidity = liquidity
        self._fee_exp = fee_on_expenditure
        self._fee_owed = 0.0  # fees on expenditure charged and not yet paid (cents)
        self._acct = dict(accounts)
        self._expected = expected_collections(contributors, mechanism, fee)
        # The budget rule (default: the mechanism's, without the posts' vacancy planning)
        # and its book: the budgets approved, what they re-apportion, the plan's position.
        self.rule = rule or BudgetRule.of(mechanism, fee, expected_inflation, fee_on_expenditure)
        self.book = BudgetBook(self.rule, to_cents(mechanism.opening_balance_usd))
        self._reserve_months = mechanism.reserve_target_months
        self._monthly_rate = mechanism.interest_rate_annual / 12
        self._secretariat_usd = a.secretariat_usd
        self._secretariat_cents = [to_cents(a.secretariat_usd * p / 12) for p in ctx.price_index]
        self.secretariat_paid_cents = 0
        self.secretariat_missed_cents = 0
        self._line_posts = list(line_posts)
        #: Fees on expenditure payable at each year end (cents), for the statements.
        self.fees_payable: list[int] = [0] * ctx.years
        ledger.open(fund.account, to_cents(mechanism.opening_balance_usd), self._acct["opening"])

    # ------------------------------------------------------------------ budget

    def planned_cost_usd(self, year: int) -> float:
        """What the pooled fund plans to spend in ``year``: every post for the whole year and
        the host's secretariat lines, USD at that year's prices."""
        return planned_cost_usd(
            self.coordinators.costs.planned_cost_usd(year),
            self._secretariat_usd,
            self.price_index[year],
        )

    def budget_cents(self, year: int) -> int:
        """Gross approved budget of the pooled fund for ``year``, in cents
        (:mod:`fundsim.model.budget`): approved, with the other years of its budget period,
        at the start of the period, and unchanged within it."""
        book = self.book
        if year not in book.approved:
            rule = self.rule
            last = min(year + rule.period_years, self.years)
            plan = period_plan_usd(self.planned_cost_usd(year), rule.indexation, last - year)
            beyond = (
                committed_beyond_usd(self.coordinators, 12 * last)
                if rule.basis == "commitments"
                else 0.0
            )
            contrib = self.contributors
            book.approve(
                year,
                plan,
                self.fund.cash_cents,
                beyond,
                contrib.arrears_cents(year),
                int(contrib.written_off_by_year().sum()),
            )
        return book.approved[year]

    def reserve_target_cents(self, year: int) -> int:
        """The reserve target at the end of ``year`` (:func:`reserve_target_usd` of the next
        year's planned cost, the last year's after the horizon), cents."""
        planned = self.planned_cost_usd(min(year + 1, self.years - 1))
        return to_cents(reserve_target_usd(planned, self._reserve_months))

    def line_needs_cents(self, year: int) -> list[int]:
        """What each entity puts in its own budget line for the posts it hosts in ``year``
        (siloed and hybrid modes): their planned cost less the line's cash, in cents."""
        needs = [0] * len(self._line_posts)
        coord, support, lines = self.coordinators, self.arrangement.support, self.lines
        for e, (name, posts) in enumerate(self._line_posts):
            if posts:
                planned = coord.costs.planned_cost_usd(year, posts) * (1.0 + support[e])
                needs[e] = to_cents(max(0.0, planned - lines[name].cash_cents / 100))
        return needs

    def keep_cents(self, year: int) -> int:
        """What the fund keeps of its cash before a surplus transfer to the victims' window:
        its planned cost for ``year`` plus its reserve target, in cents."""
        return to_cents(self.planned_cost_usd(year) * (1.0 + self._reserve_months / 12))

    def assess(self, year: int) -> None:
        """Set ``year``'s budget and invoice the entities for it (and their own lines)."""
        gross = self.budget_cents(year)
        self.contributors.assess(
            year, gross, self.line_needs_cents(year), self.book.reapportioned.get(year, 0)
        )

    # ------------------------------------------------------------------ reviews

    @property
    def advanced(self) -> int:
        """Cents the host has advanced and not been repaid (0 without pre-financing)."""
        return self.liquidity.advanced if self.liquidity is not None else 0

    def review(self, year: int, start: int, end: int, vacant_share: float = 1.0) -> None:
        """A review of the budget year ``year`` (months ``start`` to ``end``): the cuts that
        bring the posts within the resources expected (:mod:`fundsim.model.governance`):
        free cash net of the host's outstanding advance (repaid first), plus the year's
        expected collections; the unused pre-financing limit is not a resource.
        ``vacant_share``: the share of the period a vacant post is expected filled (the first
        year under phased recruitment, as the budget planned it; 1: all of it)."""
        coord = self.coordinators
        resources = self.fund.available_cents - self.advanced + self._expected(year)
        required, vacant, saved = review_inputs(coord, start, end)
        if vacant_share < 1.0:
            required = [
                round(r * vacant_share) if v else r for r, v in zip(required, vacant, strict=True)
            ]
        cuts = review(
            self.arrangement.review_steps, coord.order, resources, required, vacant, saved
        )
        coord.apply_cuts(cuts, year if start % 12 == 0 else None)

    def first_review(self) -> None:
        """Before the clock starts, when the fund holds reviews: the first year's."""
        if self.arrangement.review_months:
            self.review(0, 0, 12, self.rule.first_year_fill)

    def budget_review(self, year: int) -> None:
        """At the December budget decision for ``year``, when the fund reviews then."""
        if 11 in self.arrangement.review_months:
            self.review(year, 12 * year, 12 * year + 12)

    def mid_year_review(self, month: int) -> None:
        """At a review month other than December: the rest of the budget year."""
        m = month % 12
        if m != 11 and m in self.arrangement.review_months:
            self.review(month // 12, month + 1, 12 * (month // 12) + 12)

    # ------------------------------------------------------------------ the month

    def open_month(self, month: int) -> None:
        """First at the monthly tick: repay the host's advances, credit the month's interest."""
        if self.liquidity is not None and self.liquidity.advanced:
            self.liquidity.repay(month)
        fund = self.fund
        if self._monthly_rate > 0 and fund.cash_cents > 0:
            fund.receive(
                month,
                self._acct["interest"],
                round(fund.cash_cents * self._monthly_rate),
                self._env.now,
                "interest",
            )

    def pay_running_costs(self, month: int) -> None:
        """The month's payroll, the secretariat's lines (from free cash, as operating costs
        are; what it cannot pay is counted missed), then the host's fee on what the pooled
        fund spent (from uncommitted cash; what it cannot pay now is carried as payable)."""
        coord = self.coordinators
        if not (self._fee_exp or self._secretariat_usd):
            coord.payroll(month)
            return
        fund = self.fund
        balance, account = self._ledger.balance, fund.account
        before, advanced = balance[account], self.advanced
        coord.payroll(month)
        cents = self._secretariat_cents[month // 12]
        if cents:
            # Paid like the posts' operating costs: from free cash, with the pooled fund's
            # commitment authority and the host's pre-financing where it has them.
            if self._pay_free(month, self._acct["secretariat"], cents, "secretariat"):
                self.secretariat_paid_cents += cents
            else:
                self.secretariat_missed_cents += cents
        if self._fee_exp:
            # Spent = the fall in cash, plus what the host advanced meanwhile (the only inflow).
            spent = before - balance[account] + (self.advanced - advanced)
            self._fee_owed += spent * self._fee_exp
            pay = min(round(self._fee_owed), max(0, fund.available_cents))
            if pay > 0:
                fund.pay(month, self._acct["admin_fees"], pay, self._env.now, "admin fee")
                self._fee_owed -= pay

    def _pay_free(self, month: int, sink: int, cents: int, memo: str) -> bool:
        """Pay from the pooled fund's free cash (with its liquidity where it has it)."""
        if self.liquidity is not None:
            return self.liquidity.try_pay_free(month, sink, cents, memo)
        return self.fund.try_pay_uncommitted(month, sink, cents, self._env._now, memo)

    @property
    def fee_owed_cents(self) -> float:
        """Fees on expenditure charged and not yet paid (cents, unrounded)."""
        return self._fee_owed

    def lapse_lines(self, month: int) -> None:
        """31 December: what each lead entity's line has not committed lapses (account
        ``lapsed``), when lines do not carry over."""
        if not self.arrangement.lapse_lines:
            return
        lapsed, now = self._acct["lapsed"], self._env.now
        for fund in self.lines.values():
            free = fund.available_cents
            if free > 0:
                fund.pay(month, lapsed, free, now, "lapsed at year end")

    def year_end(self, year: int) -> None:
        """At the December tick: the fees payable, for the statements."""
        self.fees_payable[year] = round(self._fee_owed)

    # ------------------------------------------------------------------ today's incumbents

    def seat_incumbents(self) -> None:
        """Today's coordinators in post at the start: each paid by its lead entity from money
        set aside for the rest of its contract (the entity's line in the siloed and hybrid
        modes, account ``incumbents`` in the pooled mode). With ``transition = "at_once"``
        (pooled mode) that money is passed into the fund instead, which takes the posts over
        after its first budget (:meth:`take_over`)."""
        a, coord, ledger = self.arrangement, self.coordinators, self._ledger
        assert a.terms is not None
        opening = self._acct["opening"]
        for i in coord.order:
            end = a.terms.incumbent_end[i]
            if not end:
                continue
            salary, operating = coord.incumbent_cents(i, end)
            if a.incumbents == "own_line":
                k = coord.post_fund[i]
                ledger.open(coord.funds[k].account, salary + operating, opening)
                coord.seat(i, k, end)
            elif a.incumbents == "at_once":
                ledger.open(self.fund.account, salary + operating, opening)
            else:
                assert self.incumbent_fund is not None and coord.incumbent_fund is not None
                ledger.open(self.incumbent_fund.account, salary + operating, opening)
                coord.seat(i, coord.incumbent_fund, end, salary // end)

    def take_over(self) -> None:
        """``transition = "at_once"``: after the first budget, the fund issues each incumbent its
        own contract, in priority order, when it can commit it; an incumbent it cannot take
        stays with its lead entity to its contract end, the money moved back."""
        a, coord, ledger = self.arrangement, self.coordinators, self._ledger
        assert (
            a.terms is not None
            and self.incumbent_fund is not None
            and coord.incumbent_fund is not None
        )
        contract = 12 if coord.budget_year else coord.contract_months
        for i in coord.order:
            end = a.terms.incumbent_end[i]
            if not end:
                continue
            if coord.commit_at_start(i, contract):
                coord.seat_committed(i)
                continue
            salary, operating = coord.incumbent_cents(i, end)
            ledger.open(self.incumbent_fund.account, salary + operating, self.fund.account)
            coord.seat(i, coord.incumbent_fund, end, salary // end)

    def open(self) -> None:
        """Before the clock starts: seat today's incumbents when the scenario starts from
        them, set the first budget and assessments, then (``at_once``) take the incumbents
        over."""
        incumbents = self.arrangement.incumbents != "none"
        if incumbents:
            self.seat_incumbents()
        self.assess(0)
        if self.arrangement.incumbents == "at_once":
            self.take_over()

    # ------------------------------------------------------------------ results

    def close(self, n_months: int) -> WindowResults:
        """After the run, the ledger closed: check each fund conserves money, and return the
        window's metrics and monthly flows (once: it closes the posts' filled intervals)."""
        ledger, coord = self._ledger, self.coordinators
        accts = [f.account for f in self.funds]
        for a in accts:
            ledger.check_conservation(a)
        # Money entering and leaving the window (all its funds together).
        inside = np.zeros(len(ledger.accounts), dtype=bool)
        inside[accts] = True
        outside = np.flatnonzero(~inside).tolist()
        totals = ledger.totals  # to x from
        into = totals[inside][:, ~inside]  # fund x outside
        out_of = totals[~inside][:, inside]  # outside x fund
        income_m = ledger.monthly_between(accts, [self._acct["contributions"]])
        spending_m = ledger.monthly_between(outside, accts)
        annual_income = income_m.reshape(self.years, 12).sum(axis=1).astype(np.float64)
        mean_income = annual_income.mean()
        income_cv = float(annual_income.std() / mean_income) if mean_income > 0 else 0.0
        contrib = self.contributors
        paid_total = contrib.paid.sum(axis=1)
        top3 = (
            float(np.sort(paid_total)[-3:].sum() / paid_total.sum())
            if paid_total.sum() > 0
            else 0.0
        )
        filled_months = coord.finish(n_months)
        ix_lapsed = ledger.index.get("lapsed")
        needed = coord.n * n_months
        metrics = {
            "opening_balance_usd": sum(ledger.opening[a] for a in accts) / 100,
            "inflows_usd": int(into.sum()) / 100,
            "outflows_usd": int(out_of.sum()) / 100,
            "closing_balance_usd": sum(ledger.balance[a] for a in accts) / 100,
            "gap": float(coord.gap_by_year.sum() > 0),
            "coordinator_coverage": float(filled_months.sum() / needed),
            "income_cv": income_cv,
            "top3_share": top3,
            "lapses": float(coord.lapses),
            "missed_payments_usd": coord.missed_cents / 100,
            "assessed_usd": float(contrib.assessed_in_horizon.sum()) / 100,
            "paid_usd": float(contrib.paid.sum()) / 100,
            "admin_fees_usd": int(totals[self._acct["admin_fees"], accts].sum()) / 100,
            "backstop_contracts": float(coord.backstop_contracts),
            "funding_lost_share": coord.lost_months / needed,
            "interruptions_per_post_year": coord.lapses / (coord.n * self.years),
            "tier1_interrupted": float(coord.tier1_by_year.sum() > 0),
            "peak_liquidity_need_usd": (
                self.liquidity.peak_need if self.liquidity is not None else 0
            )
            / 100,
            "operating_shortfall_usd": coord.operating_shortfall_cents / 100,
            "posts_filled_first_year": float(filled_months[:, 0].sum() / 12),
            "grants_ended": float(coord.grants_ended),
            "turnovers": float(coord.turnovers),
            "lapsed_usd": int(totals[ix_lapsed, accts].sum()) / 100
            if ix_lapsed is not None
            else 0.0,
        }
        return WindowResults(metrics, income_m, spending_m, filled_months)

    def host_metrics(self) -> dict[str, float]:
        """The host's secretariat lines paid and missed (USD), when the scenario names a host."""
        if not self.arrangement.host_named:
            return {}
        return {
            "secretariat_cost_usd": self.secretariat_paid_cents / 100,
            "secretariat_missed_usd": self.secretariat_missed_cents / 100,
        }


@dataclass(frozen=True)
class WindowResults:
    """What the coordinator window gives the replication's result after the run."""

    metrics: dict[str, float]
    income_cents: NDArray[np.int64]  # months: contributions received by the window's funds
    spending_cents: NDArray[np.int64]  # months: money leaving the window's funds
    filled_months: NDArray[np.int32]  # countries x years
