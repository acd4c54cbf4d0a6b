"""One replication: assemble the SimPy world, run it, return compact arrays.

Time is in months from January of ``simulation.start_year``. Money moves in the
ledger in integer cents. The order within a month is fixed: state changes
(recruitment done, contract ends) happen at whole months; contributions arrive
whenever their delay says; the monthly tick at mid-month pays the payroll and
operating costs, credits interest, starts recruitment for vacant posts, records
the month, and in December sets next year's budget and assessments.

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

from fundsim.model.contributors import Contributors
from fundsim.model.coordinators import Coordinators
from fundsim.model.fund import Fund
from fundsim.model.ledger import Ledger, to_cents
from fundsim.model.shocks import plan_shocks
from fundsim.model.static import static_for
from fundsim.model.victim_window import VICTIM_ACCOUNTS, VictimWindow, window_fees
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
    journal: list[tuple[Any, ...]] | None = field(default=None)


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
        hosts = self.static.hosts if self.mode != "pooled" else ()
        victim_accounts = VICTIM_ACCOUNTS if scenario.victims else ()
        if scenario.victims and self.mode == "siloed":
            victim_accounts = (*victim_accounts, *(f"victims:{n}" for n in scenario.entity_names))
        self.ledger = Ledger((*ACCOUNTS, *(f"host:{h}" for h in hosts), *victim_accounts), self.n_months, audit=audit)
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
        self.price_index: list[float] = np.cumprod(1.0 + rates).tolist()
        # The host's fee on coordinator contributions: with a shared host, one rate for both windows.
        shared_fee = window_fees(scenario)[1] if scenario.victims is not None else None
        self._fee = mechanism.admin_fee if shared_fee is None else shared_fee
        self.contributors = Contributors(
            self, plan_shocks(scenario, rng_for("shocks")), rng_for("payments"), fee=self._fee
        )
        if self.mode == "pooled":
            post_funds = [self.fund] * len(scenario.countries)
        else:
            post_funds = [self.host_funds[c.lead_entity] for c in scenario.countries]
        self.coordinators = Coordinators(
            self,
            rng_for("recruitment"),
            post_funds,
            backstop=self.fund if self.mode == "hybrid" else None,
            contract_months=mechanism.siloed_contract_months if self.mode != "pooled" else None,
        )
        self._hosted = [
            sum(1 for c in scenario.countries if c.lead_entity == name) for name in scenario.entity_names
        ]
        self.ledger.open(self.fund.account, to_cents(scenario.mechanism.opening_balance_usd), ix["opening"])
        self._monthly_rate = scenario.mechanism.interest_rate_annual / 12
        self._reserve_months = scenario.mechanism.reserve_target_months
        self._cash: list[int] = [0] * self.n_months
        self._committed: list[int] = [0] * self.n_months
        self._filled: list[int] = [0] * self.n_months
        # Victim assistance (Rec 12/14): a second window, only when the scenario has one.
        self.victims = VictimWindow(self, rng_for) if scenario.victims is not None else None

    # ------------------------------------------------------------------ budget cycle

    def budget_cents(self, year: int) -> int:
        """Gross budget of the pooled fund for ``year``, in cents.

        ``pooled``: planned cost of every post plus the reserve target, less cash in
        hand, grossed up for the admin fee. ``hybrid``: the pooled fund is a reserve
        only, so its budget is the reserve target less cash. ``siloed``: nothing.
        """
        if self.mode == "siloed":
            return 0
        planned = self.coordinators.planned_cost_usd(year)
        reserve = planned * self._reserve_months / 12
        target = reserve if self.mode == "hybrid" else planned + reserve
        need = max(0.0, target - self.fund.cash_cents / 100)
        return to_cents(need / (1.0 - self._fee)) if self._fee < 1 else 0

    def host_needs_cents(self, year: int) -> list[int]:
        """What each entity puts in its own budget line for the posts it hosts in ``year``
        (siloed and hybrid modes): their planned cost less the line's cash, in cents."""
        needs = [0] * len(self._hosted)
        if self.mode == "pooled":
            return needs
        coord = self.coordinators
        for e, name in enumerate(self.scenario.entity_names):
            if self._hosted[e]:
                planned = coord.planned_cost_usd(year, self._hosted[e])
                needs[e] = to_cents(max(0.0, planned - self.host_funds[name].cash_cents / 100))
        return needs

    def _set_budget(self, year: int) -> None:
        self.contributors.assess(year, self.budget_cents(year), self.host_needs_cents(year))

    def months(self) -> Generator[simpy.events.Event, Any, None]:
        """The monthly tick, a SimPy process: at mid-month (``m + 0.5``) it pays the month
        and records it; in December it sets next year's budgets."""
        env, fund, coord = self.env, self.fund, self.coordinators
        cash, committed, filled = self._cash, self._committed, self._filled
        balance, funds = self.ledger.balance, self.funds
        account = fund.account
        single = len(funds) == 1
        yield env.timeout(0.5)
        for month in range(self.n_months):
            if self._monthly_rate > 0 and fund.cash_cents > 0:
                fund.receive(month, self.acct_interest, round(fund.cash_cents * self._monthly_rate), env.now, "interest")
            coord.payroll(month)
            coord.start_recruitment(month)
            if self.victims is not None:
                self.victims.tick(month)
            if month % 12 == 11 and month // 12 + 1 < self.years:
                if self.victims is not None:
                    self.victims.december(month)  # window transfers come before the budgets
                self._set_budget(month // 12 + 1)
                if self.victims is not None:
                    self.victims.assess(month // 12 + 1)
            if single:
                cash[month] = balance[account]
                committed[month] = fund.committed
            else:
                cash[month] = sum(balance[f.account] for f in funds)
                committed[month] = sum(f.committed for f in funds)
            filled[month] = coord.filled
            yield env.timeout(1)

    # ------------------------------------------------------------------ run

    def open(self) -> None:
        """Set the first year's budgets and assessments (before the clock starts)."""
        self._set_budget(0)
        if self.victims is not None:
            self.victims.assess(0)

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
        }
        if self.victims is not None:
            metrics.update(self.victims.metrics())  # checks both windows' conservation too
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
        )


def simulate(scenario: Scenario, rng_for: RngFor, audit: bool = False) -> ReplicationResult:
    """Run one replication of ``scenario`` with the named random streams ``rng_for``."""
    return World(scenario, rng_for, audit=audit).run()
