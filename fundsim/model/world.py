"""One replication: assemble the SimPy world, run it, return compact arrays.

World is the only module that knows every part of the model. It builds the shared
:class:`~fundsim.model.context.Context` (clock, ledger, static data, price index,
horizon) and the two windows, each from its own builder: the coordinator window
(:func:`~fundsim.model.coordinator_window.build_coordinator_window`: its contributors,
posts and :class:`~fundsim.model.coordinator_fund.CoordinatorFund`) and, when the
scenario has one, the victims' window
(:func:`~fundsim.model.victim_window.build_victim_window`: its cases and
:class:`~fundsim.model.victim_fund.VictimFund`). It owns the order of a month and
records it; each window holds its own money rules.

Time is in months from January of ``simulation.start_year``. Money moves in the
ledger in integer cents. The order within a month is fixed: state changes
(recruitment done, contract ends) happen at whole months; contributions arrive
whenever their delay says; the monthly tick at mid-month repays the host's advances,
credits interest, pays the payroll and running costs, starts recruitment for vacant
posts; with a victims' window it then pays child support and caseworkers and starts and
pays victims' cases; in December it lapses the lines' uncommitted money, moves any
coordinator surplus to the victims' window, sets next year's budgets and assessments
and holds the December review (a mid-year review in its month); then it records the
month.

Randomness comes only from named streams handed in (``rng_for(name)``), so two
scenarios run with the same seed share their draws where their structure agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from fundsim.model.arrangement import ACCOUNTS, Arrangement, arrange
from fundsim.model.bills import invoice_cv, max_bill_change
from fundsim.model.context import Context
from fundsim.model.coordinator_fund import WindowResults
from fundsim.model.coordinator_window import build_coordinator_window
from fundsim.model.ledger import Ledger
from fundsim.model.outputs import MONTHLY_COLUMNS, ReplicationResult, monthly_table
from fundsim.model.shocks import plan_shocks
from fundsim.model.statements import WindowBooks, build_statements
from fundsim.model.static import static_for
from fundsim.model.victim_results import victim_metrics, victim_yearly_cents
from fundsim.model.victim_window import build_victim_window, victim_accounts
from fundsim.scenario.schema import Scenario

__all__ = ["ACCOUNTS", "MONTHLY_COLUMNS", "ReplicationResult", "World", "simulate"]

RngFor = Callable[[str], np.random.Generator]


class World:
    """The SimPy environment and the parts of the mechanism for one replication."""

    def __init__(self, scenario: Scenario, rng_for: RngFor, audit: bool = False) -> None:
        self.scenario = scenario
        self.static = static = static_for(scenario)
        sim = scenario.simulation
        self.n_months = sim.months
        self.years = sim.years
        self.env = simpy.Environment()
        # The arrangement depends on the scenario alone (frozen): decided once per process.
        arrangement: Arrangement = static.derived("arrangement", lambda s: arrange(s, static))
        self.arrangement = arrangement
        self.ledger = Ledger(
            (*arrangement.accounts, *victim_accounts(scenario), *arrangement.extra_accounts),
            self.n_months,
            audit=audit,
        )
        costs = scenario.costs
        rates = rng_for("costs").normal(costs.inflation_annual, costs.inflation_sd, self.years)
        rates[0] = 0.0  # prices are those of the start year during the first year
        self.price_index: tuple[float, ...] = tuple(np.cumprod(1.0 + rates).tolist())
        self.context = ctx = Context(
            self.env, self.ledger, self.static, self.price_index, self.n_months, self.years
        )
        shocks = plan_shocks(scenario, rng_for("shocks"))
        self.coordinator_fund = cf = build_coordinator_window(
            scenario, arrangement, ctx, shocks, rng_for
        )
        self.fund = cf.fund
        self.funds = cf.funds
        self.contributors = cf.contributors
        self.coordinators = cf.coordinators
        self._cash: list[int] = [0] * self.n_months
        self._committed: list[int] = [0] * self.n_months
        self._filled: list[int] = [0] * self.n_months
        # At each year end, for the statements: the victims' window's fees payable and
        # commitments (the coordinator window's are its own and in _committed).
        self._victim_fees_payable: list[int] = [0] * self.years
        self._victim_committed: list[int] = [0] * self.years
        # Victim assistance (Rec 12/14): a second window, only when the scenario has one.
        window = (
            build_victim_window(scenario, ctx, shocks, rng_for, cf.fund)
            if scenario.victims
            else None
        )
        self.cases = window.cases if window else None
        self.victim_fund = window.fund if window else None
        self._cw_slots = window.caseworker_slots if window else []

    # ------------------------------------------------------------------ the month

    def months(self) -> Generator[simpy.events.Event, Any, None]:
        """The monthly tick, a SimPy process: at mid-month (``m + 0.5``) it pays the month
        and records it; in December it sets next year's budgets."""
        env, cf, coord = self.env, self.coordinator_fund, self.coordinators
        fund, cases, victim_fund = self.fund, self.cases, self.victim_fund
        cash, committed, filled = self._cash, self._committed, self._filled
        balance, funds = self.ledger.balance, self.funds
        account = fund.account
        single = len(funds) == 1
        accounts = [f.account for f in funds]
        yield env.timeout(0.5)
        for month in range(self.n_months):
            cf.open_month(month)
            cf.pay_running_costs(month)
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
                cf.lapse_lines(month)
                if victim_fund is not None:
                    # Window transfers come before the budgets.
                    victim_fund.december(month, cf.keep_cents(year))
                cf.assess(year)
                if victim_fund is not None:
                    victim_fund.assess(year, self.contributors.largest, self._cw_slots[year])
                cf.budget_review(year)
            else:
                cf.mid_year_review(month)
            if month % 12 == 11:
                self._year_end(month // 12)
            if single:
                cash[month] = balance[account]
                committed[month] = fund.committed
            else:
                cash[month] = sum([balance[a] for a in accounts])
                committed[month] = sum([f.committed for f in funds])
            filled[month] = coord.filled
            yield env.timeout(1)

    def _year_end(self, year: int) -> None:
        """At the December tick: what the statements need that the ledger does not hold."""
        self.coordinator_fund.year_end(year)
        vf = self.victim_fund
        if vf is not None:
            self._victim_fees_payable[year] = round(vf.fees_payable_cents)
            self._victim_committed[year] = sum(f.committed for f in vf.window_funds)

    # ------------------------------------------------------------------ run

    def open(self) -> None:
        """Set the first year's budgets and assessments (before the clock starts), after
        seating today's incumbents when the scenario starts from them."""
        self.coordinator_fund.open()
        if self.victim_fund is not None:
            self.victim_fund.assess(0, self.contributors.largest, self._cw_slots[0])
        self.coordinator_fund.first_review()

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
        # Events processed = events scheduled - events still queued (SimPy's own counters),
        # plus the victims' case ends, handled in batches at the ticks instead of as events.
        events = next(self.env._eid) - len(self.env._queue)
        if self.cases is not None:
            events += self.cases.ends_handled()
        ledger = self.ledger
        window, metrics = self._close()
        cash = np.array(self._cash, dtype=np.int64)
        committed = np.array(self._committed, dtype=np.int64)
        monthly = monthly_table(
            {
                "balance_usd": cash / 100,
                "committed_usd": committed / 100,
                "available_usd": (cash - committed) / 100,
                "filled_posts": self._filled,
                "income_usd": window.income_cents / 100,
                "spending_usd": window.spending_cents / 100,
            },
            self.n_months,
        )
        vf = self.victim_fund
        contrib, coord = self.contributors, self.coordinators
        receivables = contrib.receivables_by_age()
        arrays: dict[str, NDArray[Any] | None] = {
            "monthly": monthly,
            "assessed_cents": contrib.assessed_in_horizon,
            "paid_cents": contrib.paid,
            "shares": contrib.shares,
            "filled_months": window.filled_months,
            "gap_by_year": coord.gap_by_year,
            "tier1_by_year": coord.tier1_by_year,
            "sustained_by_year": coord.sustained_by_year,
            "children_liability": vf.liability_lines() if vf is not None else None,
            "receivables_cents": receivables,
            "statements": build_statements(ledger, self._window_books(receivables)),
            "victims_yearly": victim_yearly_cents(vf) if vf is not None else None,
        }
        return ReplicationResult(metrics, arrays, events, journal=ledger.journal)

    def _close(self) -> tuple[WindowResults, dict[str, float]]:
        """Close the ledger and the coordinator window, check conservation and compute the
        replication's metrics (after the run; once)."""
        self.ledger.close()
        cf = self.coordinator_fund
        window = cf.close(self.n_months)
        metrics = window.metrics
        vf = self.victim_fund
        if self.cases is not None and vf is not None:
            fund_metrics = victim_metrics(vf)  # checks both windows' conservation too
            metrics.update(self.cases.metrics())
            metrics["unmet_need_usd"] = (
                metrics["services_unmet_usd"] + fund_metrics["child_support_missed_usd"]
            )
            metrics.update(fund_metrics)
        contrib = self.contributors
        metrics["invoice_cv"] = invoice_cv(contrib.assessed)
        change, entity = max_bill_change(contrib.assessed)
        metrics["max_bill_change"] = change
        metrics["max_bill_change_entity"] = float(entity)
        metrics["billed_for_others_usd"] = float(contrib.for_others.sum()) / 100
        metrics["arrears_written_off_usd"] = float(contrib.written_off_by_year().sum()) / 100
        metrics.update(cf.host_metrics())
        return window, metrics

    def metrics_only(self) -> dict[str, float]:
        """The replication's metrics alone, the same numbers :meth:`result` gives, without
        the tables (monthly paths, statements, liability lines) that only a run's files read:
        what an exploration keeps of each replication."""
        return self._close()[1]

    def _window_books(self, receivables: NDArray[np.int64]) -> list[WindowBooks]:
        """What the statements need of each window besides the ledger (after the run)."""
        cf, years = self.coordinator_fund, self.years
        books = [
            WindowBooks(
                name="coordinators",
                accounts=tuple(f.account for f in self.funds),
                received=self.contributors.received_by_year(),
                receivables=receivables,
                commitments=[self._committed[12 * y + 11] for y in range(years)],
                reserve_target=[cf.reserve_target_cents(y) for y in range(years)],
                earmarked_account=None,
                fees_payable=cf.fees_payable,
                written_off=self.contributors.written_off_by_year(),
                for_others=self.contributors.for_others,
            )
        ]
        vf = self.victim_fund
        if vf is not None:
            books.append(
                WindowBooks(
                    name="victims",
                    accounts=tuple(f.account for f in vf.window_funds),
                    received=vf.contributors.received_by_year(),
                    receivables=vf.contributors.receivables_by_age(),
                    commitments=self._victim_committed,
                    reserve_target=None,
                    earmarked_account=vf.children_fund.account,
                    fees_payable=self._victim_fees_payable,
                    written_off=vf.contributors.written_off_by_year(),
                    for_others=vf.contributors.for_others,
                )
            )
        return books


def simulate(scenario: Scenario, rng_for: RngFor, audit: bool = False) -> ReplicationResult:
    """Run one replication of ``scenario`` with the named random streams ``rng_for``."""
    return World(scenario, rng_for, audit=audit).run()


def simulate_metrics(scenario: Scenario, rng_for: RngFor) -> dict[str, float]:
    """Run one replication of ``scenario`` and keep only its metrics (see
    :meth:`World.metrics_only`)."""
    world = World(scenario, rng_for)
    world.open()
    world.env.process(world.months())
    world.env.run(until=world.n_months)
    return world.metrics_only()
