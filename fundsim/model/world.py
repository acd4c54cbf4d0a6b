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

from collections.abc import Callable
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
        self.ledger = Ledger(ACCOUNTS, self.n_months, audit=audit)
        ix = self.ledger.index
        self.acct_contrib = ix["contributions"]
        self.acct_interest = ix["interest"]
        self.acct_salaries = ix["salaries"]
        self.acct_operating = ix["operating"]
        self.acct_fees = ix["admin_fees"]
        self.fund = Fund(self.ledger, "coordinator_fund")
        costs = scenario.costs
        rates = rng_for("costs").normal(costs.inflation_annual, costs.inflation_sd, self.years)
        rates[0] = 0.0  # prices are those of the start year during the first year
        self.price_index: list[float] = np.cumprod(1.0 + rates).tolist()
        self.contributors = Contributors(self, plan_shocks(scenario, rng_for("shocks")), rng_for("payments"))
        self.coordinators = Coordinators(self, rng_for("recruitment"))
        self.ledger.open(self.fund.account, to_cents(scenario.mechanism.opening_balance_usd), ix["opening"])
        self._monthly_rate = scenario.mechanism.interest_rate_annual / 12
        self._reserve_months = scenario.mechanism.reserve_target_months
        self._fee = scenario.mechanism.admin_fee
        self._cash: list[int] = [0] * self.n_months
        self._committed: list[int] = [0] * self.n_months
        self._filled: list[int] = [0] * self.n_months

    # ------------------------------------------------------------------ budget cycle

    def budget_cents(self, year: int) -> int:
        """Gross budget to assess for ``year``: planned cost plus reserve target, less cash
        in hand, grossed up for the admin fee; in cents."""
        planned = self.coordinators.planned_cost_usd(year)
        reserve = planned * self._reserve_months / 12
        need = max(0.0, planned + reserve - self.fund.cash_cents / 100)
        return to_cents(need / (1.0 - self._fee)) if self._fee < 1 else 0

    def _tick(self) -> Any:
        env, fund, coord = self.env, self.fund, self.coordinators
        cash, committed, filled = self._cash, self._committed, self._filled
        balance, account = self.ledger.balance, fund.account
        yield env.timeout(0.5)
        for month in range(self.n_months):
            if self._monthly_rate > 0 and fund.cash_cents > 0:
                fund.receive(month, self.acct_interest, round(fund.cash_cents * self._monthly_rate), env.now, "interest")
            coord.payroll(month)
            coord.start_recruitment(month)
            if month % 12 == 11 and month // 12 + 1 < self.years:
                self.contributors.assess(month // 12 + 1, self.budget_cents(month // 12 + 1))
            cash[month] = balance[account]
            committed[month] = fund.committed
            filled[month] = coord.filled
            yield env.timeout(1)

    # ------------------------------------------------------------------ run

    def run(self) -> ReplicationResult:
        env = self.env
        self.contributors.assess(0, self.budget_cents(0))
        env.process(self._tick())
        env.run(until=self.n_months)
        # Events processed = events scheduled - events still queued (SimPy's own counters).
        events = next(env._eid) - len(env._queue)
        return self._result(events)

    def _result(self, events: int) -> ReplicationResult:
        ledger, fund = self.ledger, self.fund
        acct = fund.account
        ledger.check_conservation(acct)
        flows = ledger.flows
        income_m = flows[:, acct, self.acct_contrib]
        spending_m = flows[:, :, acct].sum(axis=1)
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
            "opening_balance_usd": ledger.opening[acct] / 100,
            "inflows_usd": ledger.inflow_cents(acct) / 100,
            "outflows_usd": ledger.outflow_cents(acct) / 100,
            "closing_balance_usd": ledger.balance[acct] / 100,
            "gap": float(coord.gap_by_year.sum() > 0),
            "coordinator_coverage": float(filled_months.sum() / needed),
            "income_cv": income_cv,
            "top3_share": top3,
            "lapses": float(coord.lapses),
            "missed_payments_usd": coord.missed_cents / 100,
            "assessed_usd": float(contrib.assessed.sum()) / 100,
            "paid_usd": float(contrib.paid.sum()) / 100,
            "admin_fees_usd": int(flows[:, self.acct_fees, acct].sum()) / 100,
        }
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
