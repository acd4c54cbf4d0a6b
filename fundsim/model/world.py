"""One replication: assemble the SimPy world, run it, return compact arrays.

World is the only module that knows every part of the model: it builds the shared
:class:`~fundsim.model.context.Context` (clock, ledger, static data, price index,
horizon), the funds, and each part with what that part uses (contributors,
coordinators, the victims' cases and fund), and it owns the order of a month and the
budgets that tie the parts together.

Time is in months from January of ``simulation.start_year``. Money moves in the
ledger in integer cents. The order within a month is fixed: state changes
(recruitment done, contract ends) happen at whole months; contributions arrive
whenever their delay says; the monthly tick at mid-month pays the payroll and
operating costs, credits interest, starts recruitment for vacant posts, records
the month, and in December sets next year's budget and assessments. With a
victim-assistance window, the tick then pays child support, starts and pays victims'
cases, and in December moves any coordinator surplus before the budgets.

Randomness comes only from named streams handed in (``rng_for(name)``), so two
scenarios run with the same seed share their draws where their structure agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from fundsim.model.allegations import caseload_plan, draw_victims
from fundsim.model.budget import BudgetRule, period_plan_usd
from fundsim.model.cases import VictimCases, caseworker_slots
from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.coordinators import Coordinators
from fundsim.model.formula_shares import formula_shares
from fundsim.model.fund import Fund
from fundsim.model.governance import review
from fundsim.model.hosts import HostedPosts, hosted_posts, support_rates
from fundsim.model.ledger import Ledger, to_cents
from fundsim.model.shocks import ShockPlan, plan_shocks
from fundsim.model.statements import WindowBooks, build_statements
from fundsim.model.static import static_for
from fundsim.model.victim_fund import VICTIM_ACCOUNTS, VictimFund, fees_account_name, window_fees
from fundsim.scenario.host import fee_rate, prefinancing_limit_usd, secretariat_usd_per_year
from fundsim.scenario.schema import Scenario

#: Ledger accounts. ``coordinator_fund`` is the fund's cash; the others are outside it.
ACCOUNTS = ("coordinator_fund", "contributions", "interest", "salaries", "operating", "admin_fees", "opening")

#: Columns of ``ReplicationResult.monthly`` (one row per month, USD or counts).
MONTHLY_COLUMNS = (
    "balance_usd",
    "committed_usd",
    "available_usd",
    "filled_posts",
    "income_usd",
    "spending_usd",
)

RngFor = Callable[[str], np.random.Generator]


@dataclass
class ReplicationResult:
    """What one replication returns: metrics and small arrays, no per-event objects."""

    metrics: dict[str, float]
    monthly: NDArray[np.float64]  # months x len(MONTHLY_COLUMNS)
    assessed_cents: NDArray[np.int64]  # entities x years
    paid_cents: NDArray[np.int64]  # entities x years
    shares: NDArray[np.float64]  # entities x years
    filled_months: NDArray[np.int32]  # countries x years
    gap_by_year: NDArray[np.int32]  # years
    events: int
    tier1_by_year: NDArray[np.int32] | None = None  # years: tier-1 interruptions
    sustained_by_year: NDArray[np.int32] | None = None  # years: posts the approved budget sustains
    journal: list[tuple[Any, ...]] | None = field(default=None)
    children_liability: NDArray[np.int64] | None = field(default=None)  # years x STATEMENT_COLUMNS
    victims_yearly: NDArray[np.int64] | None = field(default=None)  # years x (spending, income) of the victims' window, cents
    #: Receivables of the coordinator fund at each year end by age (cents): entities x
    #: year ends x age in years (:meth:`Contributors.receivables_by_age`).
    receivables_cents: NDArray[np.int64] | None = field(default=None)
    #: The fund's statements (:mod:`fundsim.model.statements`): years x lines, cents.
    statements: NDArray[np.int64] | None = field(default=None)


class World:
    """The SimPy environment and the parts of the mechanism for one replication."""

    def __init__(self, scenario: Scenario, rng_for: RngFor, audit: bool = False) -> None:
        self.scenario = scenario
        self.static = static_for(scenario)
        sim = scenario.simulation
        self.n_months = sim.months
        self.years = sim.years
        self.env = simpy.Environment()
        mechanism = scenario.mechanism
        self.mode = mechanism.mode
        # Who hosts each post outside a pooled fund, on what terms (issue 18).
        self.hosted: HostedPosts | None = (
            self.static.derived("hosted_posts", hosted_posts)
            if scenario.incumbents is not None or scenario.host_lines.contracts
            or scenario.host_lines.grant_renewal_probability < 1 or scenario.host_lines.pooled_fund_renewal_probability < 1
            else None
        )
        hosts: tuple[str, ...] = self.static.hosts if self.mode != "pooled" else ()
        if self.hosted is not None and self.mode != "pooled":
            hosts = tuple(dict.fromkeys(h for h in self.hosted.host if h))
        lines = scenario.host_lines
        # The incumbents' hosts' money for the rest of today's contracts (pooled mode).
        incumbent_line = self.mode == "pooled" and self.hosted is not None and self.hosted.any_incumbent
        self._lapse_lines = not lines.carry_over and self.mode != "pooled"
        self._at_once = incumbent_line and scenario.incumbents is not None and scenario.incumbents.transition == "at_once"
        victim_accounts = VICTIM_ACCOUNTS if scenario.victims else ()
        if scenario.victims and self.mode == "siloed":
            victim_accounts = (*victim_accounts, *(f"victims:{n}" for n in scenario.entity_names))
        # Commitment authority on receivables and the host's pre-financing: pooled fund only.
        prefinancing_usd = prefinancing_limit_usd(scenario)
        self._liquidity = self.mode == "pooled" and (
            mechanism.commitment_basis == "receivables" or prefinancing_usd > 0
        )
        # The host's secretariat lines (USD a year, start-year prices), paid by the pooled fund.
        self._secretariat_usd = secretariat_usd_per_year(scenario) if self.mode == "pooled" else 0.0
        extra: tuple[str, ...] = ("prefinancing",) if self._liquidity else ()
        extra += ("incumbents",) if incumbent_line else ()
        extra += ("lapsed",) if self._lapse_lines else ()
        extra += ("secretariat",) if self._secretariat_usd else ()
        self.ledger = Ledger(
            (*ACCOUNTS, *(f"host:{h}" for h in hosts), *victim_accounts, *extra), self.n_months, audit=audit
        )
        ix = self.ledger.index
        self.acct_contrib = ix["contributions"]
        self.acct_interest = ix["interest"]
        self.acct_salaries = ix["salaries"]
        self.acct_operating = ix["operating"]
        self.acct_fees = ix["admin_fees"]
        self.fund = Fund(self.ledger, "coordinator_fund")
        # Siloed and hybrid: each lead entity's own budget line for the posts it hosts.
        self.host_funds = {h: Fund(self.ledger, f"host:{h}") for h in hosts}
        self.funds: list[Fund] = [self.fund, *self.host_funds.values()]
        costs = scenario.costs
        rates = rng_for("costs").normal(costs.inflation_annual, costs.inflation_sd, self.years)
        rates[0] = 0.0  # prices are those of the start year during the first year
        self.price_index: tuple[float, ...] = tuple(np.cumprod(1.0 + rates).tolist())
        self.context = ctx = Context(self.env, self.ledger, self.static, self.price_index, self.n_months, self.years)
        # The host's fees (fundsim.scenario.host): on each contribution as it arrives, and on
        # what the fund spends; with a shared host, the shared rate for both windows.
        self._fee = fee_rate(scenario, "receipts")
        self._fee_exp = fee_rate(scenario, "expenditure")
        self._fee_owed = 0.0  # fees on expenditure charged and not yet paid (cents)
        # Each host's support cost on its own line: rate r on direct cost, charged on receipts at r / (1 + r).
        self._support = support_rates(scenario) if self.mode != "pooled" else [0.0] * len(scenario.entities)
        line_fees = [r / (1.0 + r) for r in self._support] if any(self._support) else None
        shocks = plan_shocks(scenario, rng_for("shocks"))
        self.contributors = Contributors(
            ctx,
            scenario.entity_names,
            scenario.payments,
            scenario.participation,
            formula_shares(self.static, "coordinators", mechanism.formula),
            shocks,
            rng_for("payments"),
            fund=self.fund,
            lines=[self.host_funds.get(name) for name in scenario.entity_names],
            fee=self._fee,
            contributions_account=self.acct_contrib,
            fees_account=self.acct_fees,
            fiscal_start_months=[e.fiscal_year_start_month for e in scenario.entities],
            line_fees=line_fees,
        )
        if self.mode == "pooled":
            post_funds = [self.fund] * len(scenario.countries)
        elif self.hosted is not None:
            # A post no host budgets for has no line: it never commits (``Coordinators.unfunded``).
            post_funds = [self.host_funds[h] if h else self.fund for h in self.hosted.host]
        else:
            post_funds = [self.host_funds[c.lead_entity] for c in scenario.countries]
        self.incumbent_fund = Fund(self.ledger, "incumbents") if incumbent_line else None
        if self.incumbent_fund is not None:
            self.funds.append(self.incumbent_fund)
        self.coordinators = Coordinators(
            ctx,
            scenario.posts,
            rng_for("recruitment"),
            post_funds,
            salaries_account=self.acct_salaries,
            operating_account=self.acct_operating,
            backstop=self.fund if self.mode == "hybrid" else None,
            contract_months=mechanism.siloed_contract_months if self.mode != "pooled" else None,
            prefinancing_cents=to_cents(prefinancing_usd),
            prefinancing_account=ix["prefinancing"] if self._liquidity else None,
            hosted=self.hosted if self.mode != "pooled" else None,
            rng_hosts=rng_for("hosts") if self.hosted is not None and self.mode != "pooled" else None,
            incumbent_fund=self.incumbent_fund,
        )
        self._collect = (1.0 - self._fee) * (1.0 - mechanism.collection_haircut)
        self._by_record = mechanism.collection_basis == "record"
        self._ceiling = 1.0 - mechanism.collection_haircut
        if self.mode == "pooled" and mechanism.commitment_basis == "receivables":
            self.coordinators.authority = self._authority_cents
        self.budget_rule = BudgetRule.of(mechanism, self._fee, costs.inflation_annual, self._fee_exp)
        self._approved: dict[int, int] = {}
        self._steps = tuple(mechanism.shortfall_order) if self.mode == "pooled" else ()
        self._reviews = frozenset(mechanism.review_months) if self._steps else frozenset()
        if self.hosted is not None and self.mode != "pooled":
            annual, post = scenario.posts.annual_cost_usd, self.coordinators.planned_cost_usd(0, 1)
            self._hosted: list[float] = [
                self.hosted.hosted_weight(name, post, annual) for name in scenario.entity_names
            ]
        else:
            self._hosted = [
                sum(1 for c in scenario.countries if c.lead_entity == name) for name in scenario.entity_names
            ]
        self._hosted_posts = [
            [i for i, c in enumerate(scenario.countries) if c.lead_entity == name] for name in scenario.entity_names
        ]
        self.ledger.open(self.fund.account, to_cents(scenario.mechanism.opening_balance_usd), ix["opening"])
        self._monthly_rate = scenario.mechanism.interest_rate_annual / 12
        self._reserve_months = scenario.mechanism.reserve_target_months
        self._cash: list[int] = [0] * self.n_months
        self._committed: list[int] = [0] * self.n_months
        self._filled: list[int] = [0] * self.n_months
        self._secretariat_cents = [to_cents(self._secretariat_usd * p / 12) for p in self.price_index]
        self.secretariat_paid_cents = 0
        self.secretariat_missed_cents = 0
        # At each year end, for the statements: fees payable (cents) of each window, and the
        # victims' window's commitments (the coordinator window's are in _committed).
        self._fees_payable: list[int] = [0] * self.years
        self._victim_fees_payable: list[int] = [0] * self.years
        self._victim_committed: list[int] = [0] * self.years
        # Victim assistance (Rec 12/14): a second window, only when the scenario has one.
        self.cases: VictimCases | None = None
        self.victim_fund: VictimFund | None = None
        if scenario.victims is not None:
            self.cases, self.victim_fund = self._victim_window(scenario, shocks, rng_for)

    def _victim_window(self, scenario: Scenario, shocks: ShockPlan, rng_for: RngFor) -> tuple[VictimCases, VictimFund]:
        """The victims' cases and fund, with their accounts: the fund, and in the siloed mode
        each entity's own line for its victims' services."""
        v = scenario.victims
        assert v is not None
        ctx, ledger, names = self.context, self.ledger, scenario.entity_names
        ix = ledger.index
        fund = Fund(ledger, "victim_fund")
        lines = [Fund(ledger, f"victims:{n}") for n in names] if self.mode == "siloed" else []
        fee, fees_account = window_fees(scenario)[0], ix[fees_account_name(v)]
        plan = caseload_plan(scenario)
        n_pools = len(scenario.countries) if v.caseworkers.pooling == "per_country" else 1
        slots = caseworker_slots(v.caseworkers, plan.victims_per_year)
        self._cw_slots = [n * n_pools for n in slots]  # slots paid in each year, all pools
        # The caseworkers' first cases are scheduled before the pledges (SimPy breaks ties
        # between events due at the same time in the order they were scheduled).
        cases = VictimCases(
            ctx,
            draw_victims(scenario, rng_for),
            v.caseworkers,
            v.priority,
            n_countries=len(scenario.countries),
            funds=[fund, *lines],
            services_account=ix["victim_services"],
            slots=slots,
            services_scale=1.0 - v.existing_services_share,
        )
        own_lines: list[Fund | None] = [*lines] if lines else [None] * len(names)
        contributors = Contributors(
            ctx,
            names,
            scenario.payments,
            scenario.participation,
            formula_shares(self.static, "victims", v.funding.formula or scenario.mechanism.formula),
            shocks,
            rng_for("victim_payments"),
            fund=fund,
            lines=own_lines,
            fee=fee if v.funding.fee_basis == "receipts" else 0.0,  # on expenditure: charged as spent
            contributions_account=ix["victim_contributions"],
            fees_account=fees_account,
            fiscal_start_months=[e.fiscal_year_start_month for e in scenario.entities],
        )
        victim_fund = VictimFund(
            ctx,
            v,
            plan,
            fund=fund,
            lines=lines,
            coordinator_fund=self.fund,
            contributors=contributors,
            fee=fee,
            fees_account=fees_account,
            rng_for=rng_for,
            interest_rate_annual=scenario.mechanism.interest_rate_annual,
        )
        return cases, victim_fund

    # ------------------------------------------------------------------ budget cycle

    def _authority_cents(self, month: int) -> int:
        """Commitment authority beyond free cash (receivables basis): the current budget
        year's receivables from entities still taking part, net of the fee and the haircut
        (``collection_basis = "record"``: each entity's receivable at its last year's
        collection rate, at most one less the haircut)."""
        return self._expected_cents(month // 12)

    def _expected_cents(self, year: int) -> int:
        """The year's expected collections, net of the fee (cents): see :meth:`_authority_cents`."""
        if self._by_record:
            return int(self.contributors.expected_cents(year, self._ceiling) * (1.0 - self._fee))
        return int(self.contributors.receivables_cents(year) * self._collect)

    def budget_cents(self, year: int) -> int:
        """Gross approved budget of the pooled fund for ``year``, in cents
        (:mod:`fundsim.model.budget`): approved, with the other years of its budget period,
        at the start of the period, and unchanged within it."""
        if year not in self._approved:
            rule = self.budget_rule
            last = min(year + rule.period_years, self.years)
            planned = self.planned_cost_usd(year)
            plan = period_plan_usd(planned, rule.indexation, last - year)
            beyond = self.coordinators.committed_beyond_usd(12 * last) if rule.basis == "commitments" else 0.0
            for k, cents in enumerate(rule.approved_cents(year, plan, self.fund.cash_cents, beyond)):
                self._approved[year + k] = cents
        return self._approved[year]

    def planned_cost_usd(self, year: int) -> float:
        """What the pooled fund plans to spend in ``year``: every post for the whole year and
        the host's secretariat lines, USD at that year's prices."""
        planned = self.coordinators.planned_cost_usd(year)
        if self._secretariat_usd:
            planned += self._secretariat_usd * self.price_index[year]
        return planned

    def reserve_target_cents(self, year: int) -> int:
        """The coordinator fund's reserve target at the end of ``year``: ``reserve_target_months``
        of the next year's planned cost (the last year's after the horizon), cents."""
        planned = self.planned_cost_usd(min(year + 1, self.years - 1))
        return to_cents(planned * self._reserve_months / 12)

    def host_needs_cents(self, year: int) -> list[int]:
        """What each entity puts in its own budget line for the posts it hosts in ``year``
        (siloed and hybrid modes): their planned cost less the line's cash, in cents."""
        needs = [0] * len(self._hosted)
        if self.mode == "pooled":
            return needs
        coord = self.coordinators
        for e, name in enumerate(self.scenario.entity_names):
            if self._hosted[e]:
                hosted: float | list[int] = (
                    self._hosted[e] if self.hosted is not None and self.mode != "pooled" else self._hosted_posts[e]
                )
                planned = coord.planned_cost_usd(year, hosted) * (1.0 + self._support[e])
                needs[e] = to_cents(max(0.0, planned - self.host_funds[name].cash_cents / 100))
        return needs

    def coordinator_keep_cents(self, year: int) -> int:
        """What the coordinator fund keeps of its cash before a surplus transfer: its planned
        cost for ``year`` plus its reserve target, in cents."""
        planned = self.planned_cost_usd(year)
        return to_cents(planned * (1.0 + self._reserve_months / 12))

    def _lapse(self, month: int) -> None:
        """31 December: what each host line has not committed lapses (account ``lapsed``)."""
        lapsed, now = self.ledger.index["lapsed"], self.env.now
        for fund in self.host_funds.values():
            free = fund.available_cents
            if free > 0:
                fund.pay(month, lapsed, free, now, "lapsed at year end")

    def _seat_incumbents(self) -> None:
        """Today's coordinators in post at the start (``incumbents``): each paid by its host
        from money set aside for the rest of its contract (the host's line in the siloed and
        hybrid modes, account ``incumbents`` in the pooled mode). With ``transition =
        "at_once"`` (pooled mode) that money is passed into the fund instead, which takes the
        posts over after its first budget (:meth:`_take_over`)."""
        hosted, coord, ledger = self.hosted, self.coordinators, self.ledger
        assert hosted is not None
        opening = ledger.index["opening"]
        for i in coord.order:
            end = hosted.incumbent_end[i]
            if not end:
                continue
            salary, operating = coord.incumbent_cents(i, end)
            if self.mode != "pooled":
                k = coord.post_fund[i]
                ledger.open(coord.funds[k].account, salary + operating, opening)
                coord.seat(i, k, end)
            elif self._at_once:
                ledger.open(self.fund.account, salary + operating, opening)
            else:
                assert self.incumbent_fund is not None and coord.incumbent_fund is not None
                ledger.open(self.incumbent_fund.account, salary + operating, opening)
                coord.seat(i, coord.incumbent_fund, end, salary // end)

    def _take_over(self) -> None:
        """``transition = "at_once"``: after the first budget, the fund issues each incumbent its
        own contract, in priority order, when it can commit it; an incumbent it cannot take
        stays with its host to its contract end, the host's money moved back."""
        hosted, coord, ledger = self.hosted, self.coordinators, self.ledger
        assert hosted is not None and self.incumbent_fund is not None and coord.incumbent_fund is not None
        contract = 12 if coord.budget_year else coord.contract_months
        for i in coord.order:
            end = hosted.incumbent_end[i]
            if not end:
                continue
            if coord.commit_at_start(i, contract):
                coord.seat_committed(i)
                continue
            salary, operating = coord.incumbent_cents(i, end)
            ledger.open(self.incumbent_fund.account, salary + operating, self.fund.account)
            coord.seat(i, coord.incumbent_fund, end, salary // end)

    def _set_budget(self, year: int) -> None:
        self.contributors.assess(year, self.budget_cents(year), self.host_needs_cents(year))

    def _review(self, year: int, start: int, end: int) -> None:
        """A review of the budget year ``year`` (months ``start`` to ``end``): the cuts that
        bring the posts within the resources expected (:mod:`fundsim.model.governance`)."""
        coord = self.coordinators
        # Free cash net of the host's outstanding advance (repaid first), plus the year's
        # expected collections; the unused pre-financing limit is not a resource.
        resources = (self.fund.available_cents - coord.advanced
                     + self._expected_cents(year))
        required, vacant, saved = coord.review_inputs(start, end)
        cuts = review(self._steps, coord.order, resources, required, vacant, saved)
        coord.frozen = set(cuts.frozen)
        coord.declined = cuts.declined
        if start % 12 == 0:
            coord.sustained_by_year[year] = coord.n - len(cuts.frozen) - len(cuts.declined)

    def months(self) -> Generator[simpy.events.Event, Any, None]:
        """The monthly tick, a SimPy process: at mid-month (``m + 0.5``) it pays the month
        and records it; in December it sets next year's budgets."""
        env, fund, coord = self.env, self.fund, self.coordinators
        cases, victim_fund = self.cases, self.victim_fund
        cash, committed, filled = self._cash, self._committed, self._filled
        balance, funds = self.ledger.balance, self.funds
        account = fund.account
        single = len(funds) == 1
        yield env.timeout(0.5)
        reviews = self._reviews
        for month in range(self.n_months):
            if coord.advanced:
                coord.repay(month)
            if self._monthly_rate > 0 and fund.cash_cents > 0:
                fund.receive(month, self.acct_interest, round(fund.cash_cents * self._monthly_rate), env.now, "interest")
            if self._fee_exp or self._secretariat_usd:
                self._pay_running_costs(month)
            else:
                coord.payroll(month)
            coord.start_recruitment(month)
            if victim_fund is not None and cases is not None:
                # Children first: their support is paid, and the next months' kept back,
                # before new service packages start.
                keep_back = victim_fund.pay_child_support(month)
                victim_fund.pay_caseworkers(month, self._cw_slots[month // 12])
                # The host's fee on what was spent (services to last month), before new packages.
                victim_fund.charge_expenditure_fee(month, cases.window_paid_cents)
                cases.tick(month, keep_back)
            if month % 12 == 11 and month // 12 + 1 < self.years:
                year = month // 12 + 1
                if self._lapse_lines:
                    self._lapse(month)
                if victim_fund is not None:
                    # Window transfers come before the budgets.
                    victim_fund.december(month, self.coordinator_keep_cents(year))
                self._set_budget(year)
                if victim_fund is not None:
                    victim_fund.assess(year, self.contributors.largest, self._cw_slots[year])
                if 11 in reviews:
                    self._review(year, 12 * year, 12 * year + 12)
            elif reviews and month % 12 in reviews and month % 12 != 11:
                self._review(month // 12, month + 1, 12 * (month // 12) + 12)
            if month % 12 == 11:
                self._year_end(month // 12)
            if single:
                cash[month] = balance[account]
                committed[month] = fund.committed
            else:
                cash[month] = sum(balance[f.account] for f in funds)
                committed[month] = sum(f.committed for f in funds)
            filled[month] = coord.filled
            yield env.timeout(1)

    def _pay_running_costs(self, month: int) -> None:
        """The month's payroll, the secretariat's lines (from free cash, as operating costs
        are; what it cannot pay is counted missed), then the host's fee on what the pooled fund spent (from
        uncommitted cash; what it cannot pay now is carried as payable)."""
        fund, coord, env = self.fund, self.coordinators, self.env
        balance, account = self.ledger.balance, fund.account
        before, advanced = balance[account], coord.advanced
        coord.payroll(month)
        cents = self._secretariat_cents[month // 12]
        if cents:
            # Paid like the posts' operating costs: from free cash, with the pooled fund's
            # commitment authority and the host's pre-financing where it has them.
            if coord._try_pay_free(0, month, self.ledger.index["secretariat"], cents, "secretariat"):
                self.secretariat_paid_cents += cents
            else:
                self.secretariat_missed_cents += cents
        if self._fee_exp:
            # Spent = the fall in cash, plus what the host advanced meanwhile (the only inflow).
            spent = before - balance[account] + (coord.advanced - advanced)
            self._fee_owed += spent * self._fee_exp
            pay = min(round(self._fee_owed), max(0, fund.available_cents))
            if pay > 0:
                fund.pay(month, self.acct_fees, pay, env.now, "admin fee")
                self._fee_owed -= pay

    def _year_end(self, year: int) -> None:
        """At the December tick: what the statements need that the ledger does not hold."""
        self._fees_payable[year] = round(self._fee_owed)
        vf = self.victim_fund
        if vf is not None:
            self._victim_fees_payable[year] = round(vf.fees_payable_cents)
            self._victim_committed[year] = sum(f.committed for f in vf.window_funds)

    # ------------------------------------------------------------------ run

    def open(self) -> None:
        """Set the first year's budgets and assessments (before the clock starts), after
        seating today's incumbents when the scenario starts from them."""
        incumbents = self.hosted is not None and self.hosted.any_incumbent
        if incumbents:
            self._seat_incumbents()
        self._set_budget(0)
        if incumbents and self._at_once:
            self._take_over()
        if self.victim_fund is not None:
            self.victim_fund.assess(0, self.contributors.largest, self._cw_slots[0])
        if self._reviews:
            self._review(0, 0, 12)

    def run(self) -> ReplicationResult:
        """Run the replication: first budgets, the monthly process, every event to the
        horizon; then the result (``bench/events_per_second.py`` times these steps apart)."""
        self.open()
        self.env.process(self.months())
        self.env.run(until=self.n_months)
        return self.result()

    def result(self) -> ReplicationResult:
        """Close the ledger, check conservation and compute the metrics and tables (once,
        after the run)."""
        # Events processed = events scheduled - events still queued (SimPy's own counters).
        events = next(self.env._eid) - len(self.env._queue)
        ledger = self.ledger
        ledger.close()
        accts = [f.account for f in self.funds]
        flows = ledger.flows
        for a in accts:
            ledger.check_conservation(a)
        # Money entering and leaving the coordinator mechanism (all its funds together).
        inside = np.zeros(len(ledger.accounts), dtype=bool)
        inside[accts] = True
        into = flows[:, inside][:, :, ~inside]  # month x fund x outside
        out_of = flows[:, ~inside][:, :, inside]  # month x outside x fund
        income_m = flows[:, accts, self.acct_contrib].sum(axis=1)
        spending_m = out_of.sum(axis=(1, 2))
        cash = np.array(self._cash, dtype=np.int64)
        committed = np.array(self._committed, dtype=np.int64)
        monthly = np.empty((self.n_months, len(MONTHLY_COLUMNS)))
        monthly[:, 0] = cash / 100
        monthly[:, 1] = committed / 100
        monthly[:, 2] = (cash - committed) / 100
        monthly[:, 3] = self._filled
        monthly[:, 4] = income_m / 100
        monthly[:, 5] = spending_m / 100
        annual_income = income_m.reshape(self.years, 12).sum(axis=1).astype(np.float64)
        mean_income = annual_income.mean()
        income_cv = float(annual_income.std() / mean_income) if mean_income > 0 else 0.0
        contrib = self.contributors
        paid_total = contrib.paid.sum(axis=1)
        top3 = float(np.sort(paid_total)[-3:].sum() / paid_total.sum()) if paid_total.sum() > 0 else 0.0
        coord = self.coordinators
        filled_months = coord.finish(self.n_months)
        ix_lapsed = ledger.index.get("lapsed")
        needed = coord.n * self.n_months
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
            "assessed_usd": float(contrib.assessed.sum()) / 100,
            "paid_usd": float(contrib.paid.sum()) / 100,
            "admin_fees_usd": int(flows[:, self.acct_fees, accts].sum()) / 100,
            "backstop_contracts": float(coord.backstop_contracts),
            "funding_lost_share": coord.lost_months / needed,
            "interruptions_per_post_year": coord.lapses / (coord.n * self.years),
            "tier1_interrupted": float(coord.tier1_by_year.sum() > 0),
            "peak_liquidity_need_usd": coord.peak_liquidity_need / 100,
            "operating_shortfall_usd": coord.operating_shortfall_cents / 100,
            "posts_filled_first_year": float(filled_months[:, 0].sum() / 12),
            "grants_ended": float(coord.grants_ended),
            "turnovers": float(coord.turnovers),
            "lapsed_usd": int(flows[:, ix_lapsed, accts].sum()) / 100 if ix_lapsed is not None else 0.0,
        }
        if self.cases is not None and self.victim_fund is not None:
            fund_metrics = self.victim_fund.metrics()  # checks both windows' conservation too
            metrics.update(self.cases.metrics())
            metrics["unmet_need_usd"] = metrics["services_unmet_usd"] + fund_metrics["child_support_missed_usd"]
            metrics.update(fund_metrics)
        metrics["invoice_cv"] = contrib.invoice_cv()
        if self.scenario.host is not None:
            metrics["secretariat_cost_usd"] = self.secretariat_paid_cents / 100
            metrics["secretariat_missed_usd"] = self.secretariat_missed_cents / 100
        receivables = contrib.receivables_by_age()
        return ReplicationResult(
            metrics=metrics,
            monthly=monthly,
            assessed_cents=contrib.assessed,
            paid_cents=contrib.paid,
            shares=contrib.shares,
            filled_months=filled_months,
            gap_by_year=coord.gap_by_year,
            events=events,
            journal=ledger.journal,
            tier1_by_year=coord.tier1_by_year,
            sustained_by_year=coord.sustained_by_year,
            children_liability=self.victim_fund.liability_lines() if self.victim_fund is not None else None,
            receivables_cents=receivables,
            statements=build_statements(ledger, self._window_books(receivables)),
            victims_yearly=self.victim_fund.yearly_cents() if self.victim_fund is not None else None,
        )

    def _window_books(self, receivables: NDArray[np.int64]) -> list[WindowBooks]:
        """What the statements need of each window besides the ledger (after the run)."""
        contrib, years = self.contributors, self.years
        books = [WindowBooks(
            name="coordinators",
            accounts=tuple(f.account for f in self.funds),
            received=contrib.received_by_year(),
            receivables=receivables,
            commitments=[self._committed[12 * y + 11] for y in range(years)],
            reserve_target=[self.reserve_target_cents(y) for y in range(years)],
            earmarked_account=None,
            fees_payable=self._fees_payable,
        )]
        vf = self.victim_fund
        if vf is not None:
            books.append(WindowBooks(
                name="victims",
                accounts=tuple(f.account for f in vf.window_funds),
                received=vf.contributors.received_by_year(),
                receivables=vf.contributors.receivables_by_age(),
                commitments=self._victim_committed,
                reserve_target=None,
                earmarked_account=vf.children_fund.account,
                fees_payable=self._victim_fees_payable,
            ))
        return books


def simulate(scenario: Scenario, rng_for: RngFor, audit: bool = False) -> ReplicationResult:
    """Run one replication of ``scenario`` with the named random streams ``rng_for``."""
    return World(scenario, rng_for, audit=audit).run()
