"""The victim-assistance window (Rec 12/14, para 52): its money, its budget, its results.

The window has its own cash account (``victim_fund``) beside the coordinator fund.
It receives entity contributions (assessed each year with the mechanism's
contributor machinery, by the mechanism's formula or its own), Member State pledges
and withheld payments; it pays victims' services and child support. The fee rule:

- ``windows = "separate"``: two funds, two hosts. The victim window pays
  ``victims.funding.admin_fee`` on everything it receives to its own host
  (account ``victim_admin_fees``); the coordinator fund keeps ``mechanism.admin_fee``.
- ``windows = "shared_host"``: one fund with two windows and one host. Both windows
  pay ``victims.funding.shared_admin_fee`` (default: ``mechanism.admin_fee``) to the
  host's account ``admin_fees``.

In the ``siloed`` mechanism mode (today's arrangement) there is no cost-shared
assessment: each entity pays the services of the victims whose allegation involves
it from its own budget line (accounts ``victims:<entity>``), funded each year by that
entity alone under its own delays and cuts, and the window itself, like today's Trust
Fund, lives on Member State pledges and withheld payments and pays child support.

With ``transfers = "coordinator_surplus"``, each December the coordinator window's
uncommitted cash above next year's planned cost plus its reserve target moves to
this window. Each window, and the two together, conserve money to the cent.
Children come first (Rec 14: support whatever the context): each month child
support is paid before new service packages start, and packages start only from
cash beyond the next 12 months of child support. A shortfall of support is paid in
part and the rest counted as unmet need.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from fundsim.model.allegations import (
    draw_victims,
    entity_victim_shares,
    expected_package_usd,
    expected_victims_per_year,
    yearly_multiplier,
)
from fundsim.model.children import ChildSupport
from fundsim.model.contributors import Contributors
from fundsim.model.events import Due
from fundsim.model.fund import Fund
from fundsim.model.ledger import Ledger, to_cents
from fundsim.model.pledges import expected_pledges_usd, plan_pledges
from fundsim.model.static import StaticData
from fundsim.model.victims import VictimAssistance
from fundsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from fundsim.model.world import World

RngFor = Callable[[str], np.random.Generator]

#: Ledger accounts added when the scenario has a ``[victims]`` section.
VICTIM_ACCOUNTS = (
    "victim_fund",
    "victim_contributions",
    "pledges",
    "withheld",
    "victim_services",
    "child_support",
    "victim_admin_fees",
    "victim_opening",
)

#: Months of future child support kept back from new service packages (Rec 14 priority).
CHILD_SUPPORT_KEPT_MONTHS = 12

#: The windows whose money the mechanism holds (for the whole-mechanism conservation check).
WINDOW_ACCOUNTS = ("coordinator_fund", "victim_fund")


@dataclasses.dataclass
class _WindowView:
    """What :class:`Contributors` reads from the world, pointed at the victim window."""

    env: Any
    scenario: Scenario
    static: StaticData
    ledger: Ledger
    fund: Fund
    acct_contrib: int
    acct_fees: int
    host_funds: dict[str, Fund] = dataclasses.field(default_factory=dict)  # siloed mode: each entity's line


def _assessment_data(world: World) -> tuple[Scenario, StaticData]:
    """The scenario seen by the window's assessment (its formula, its fee) and its shared
    data, built once per scenario and process."""

    def build(s: Scenario) -> tuple[Scenario, StaticData]:
        v = s.victims
        assert v is not None
        formula = v.funding.formula or s.mechanism.formula
        mech = s.mechanism.model_copy(update={"formula": formula, "admin_fee": window_fees(s)[0]})
        view = s.model_copy(update={"mechanism": mech})
        return view, dataclasses.replace(world.static, scenario=view, _share_cache={}, _derived={})

    return world.static.derived("victim_assessment", build)


def window_fees(scenario: Scenario) -> tuple[float, float | None]:
    """(victim window fee rate, coordinator fee rate override or None) under the fee rule."""
    v = scenario.victims
    assert v is not None
    if v.windows == "shared_host":
        shared = v.funding.shared_admin_fee
        rate = scenario.mechanism.admin_fee if shared is None else shared
        return rate, rate
    return v.funding.admin_fee, None


class VictimWindow:
    """The victim-assistance window of one replication."""

    def __init__(self, world: World, rng_for: RngFor) -> None:
        s = world.scenario
        v = s.victims
        assert v is not None
        self.world = world
        self.scenario = s
        self.env = world.env
        self.n_months = world.n_months
        self.years = world.years
        self.price_index = world.price_index
        ledger: Ledger = world.ledger
        ix = ledger.index
        self.ledger = ledger
        self.fund = Fund(ledger, "victim_fund")
        # Siloed mode: each entity's own line for its victims' services.
        self.siloed = world.mode == "siloed"
        self.lines = {n: Fund(ledger, f"victims:{n}") for n in s.entity_names} if self.siloed else {}
        self.case_funds: list[Fund] = [self.fund, *self.lines.values()]
        self._entity_share = entity_victim_shares(s)
        self.acct_services = ix["victim_services"]
        self.acct_child = ix["child_support"]
        self.acct_pledges = ix["pledges"]
        self.acct_withheld = ix["withheld"]
        self.fee = window_fees(s)[0]
        self.acct_fees = ix["admin_fees"] if v.windows == "shared_host" else ix["victim_admin_fees"]
        ledger.open(self.fund.account, to_cents(v.funding.opening_balance_usd), ix["victim_opening"])
        self.funding = v.funding
        self.transfers = v.transfers
        self.transfers_cents = 0
        mult = yearly_multiplier(v, s.simulation.start_year, self.years)
        self._mult = mult
        self.assistance = VictimAssistance(self, draw_victims(s, rng_for))
        self.children = ChildSupport(v.children, mult, self.n_months, self.price_index, rng_for)
        view_scenario, view_static = _assessment_data(world)
        view = _WindowView(
            self.env, view_scenario, view_static, ledger, self.fund, ix["victim_contributions"], self.acct_fees,
            host_funds=self.lines,
        )
        self.contributors = Contributors(view, world.contributors.plan, rng_for("victim_payments"))  # type: ignore[arg-type]
        self._package_usd = expected_package_usd(s)
        if v.allegations.ip_payer == "partner":
            self._package_usd *= 1.0 - v.allegations.ip_share
        self._support_usd = max(0.0, v.children.support_usd_year.expected)
        self._new_children = v.children.new_per_year
        self.pledged_cents = 0
        self.withheld_cents = 0
        plan = plan_pledges(v.funding.pledges, self.years, rng_for("pledges"))
        for t, cents in zip(plan.pledge_time, plan.pledge_cents, strict=True):
            if cents > 0:
                Due(self.env, t, (self.acct_pledges, cents), self._on_receipt)
        for t, cents in zip(plan.withheld_time, plan.withheld_cents, strict=True):
            if cents > 0:
                Due(self.env, t, (self.acct_withheld, cents), self._on_receipt)

    # ------------------------------------------------------------------ money in

    def _on_receipt(self, event: Due) -> None:
        source, cents = event._value
        now = self.env._now
        month = int(now)
        fund = self.fund
        fund.receive(month, source, cents, now, "pledge" if source == self.acct_pledges else "withheld")
        if source == self.acct_pledges:
            self.pledged_cents += cents
        else:
            self.withheld_cents += cents
        fee = round(cents * self.fee)
        if fee:
            fund.pay(month, self.acct_fees, fee, now, "admin fee")

    def budget_cents(self, year: int) -> int:
        """Gross amount to assess on the entities for ``year`` (cents): expected services
        and child support plus the reserve target, less uncommitted cash and expected
        pledges, times ``entity_cost_share``, grossed up for the fee. Nothing in siloed
        mode: the entities fund their own lines (:meth:`line_needs_cents`)."""
        if self.siloed:
            return 0
        s = self.scenario
        price = self.price_index[year]
        services = expected_victims_per_year(s, year) * self._package_usd * price
        month = 0 if year == 0 else 12 * year - 1
        children = 12 * self.children.due_cents(month) / 100
        children += self._new_children * self._mult[year] * self._support_usd * price / 2  # born mid-year on average
        planned = services + children
        reserve = planned * self.funding.reserve_target_months / 12
        need = planned + reserve - self.fund.available_cents / 100 - expected_pledges_usd(self.funding.pledges, year)
        if need <= 0 or self.fee >= 1:
            return 0
        return to_cents(need * self.funding.entity_cost_share / (1.0 - self.fee))

    def line_needs_cents(self, year: int) -> list[int] | None:
        """Siloed mode: what each entity puts in its own line for ``year`` — the expected
        services of the victims its allegations involve, less the line's free cash (cents)."""
        if not self.siloed:
            return None
        victims = expected_victims_per_year(self.scenario, year) * self._package_usd * self.price_index[year]
        return [
            to_cents(max(0.0, victims * share - line.available_cents / 100))
            for share, line in zip(self._entity_share.tolist(), self.lines.values(), strict=True)
        ]

    def assess(self, year: int) -> None:
        """Assess the entities for ``year`` (the same largest payer as the coordinator fund)."""
        if self.contributors.largest is None:
            self.contributors.largest = self.world.contributors.largest
        self.contributors.assess(year, self.budget_cents(year), self.line_needs_cents(year))

    def december(self, month: int) -> None:
        """Before next year's budgets: move the coordinator window's surplus, if the rule says so."""
        if self.transfers != "coordinator_surplus":
            return
        w = self.world
        year = month // 12 + 1
        planned = w.coordinators.planned_cost_usd(year)
        keep = to_cents(planned * (1.0 + w.scenario.mechanism.reserve_target_months / 12))
        surplus = w.fund.available_cents - keep
        if surplus > 0:
            self.ledger.post(month, self.fund.account, w.fund.account, surplus, self.env._now, "transfer")
            self.transfers_cents += surplus

    # ------------------------------------------------------------------ money out

    def tick(self, month: int) -> None:
        """Monthly (after the coordinator payroll): child support first, then services."""
        children = self.children
        due = children.due_cents(month)
        if due:
            fund = self.fund
            paid = min(due, max(0, fund.available_cents))
            if paid:
                fund.pay(month, self.acct_child, paid, month + 0.5, "child support")
            children.record(month, paid, due)
        self.assistance.tick(month, children.due_ahead_cents(month, CHILD_SUPPORT_KEPT_MONTHS))

    # ------------------------------------------------------------------ results

    def check_conservation(self) -> None:
        """Raise ``AssertionError`` unless the victim window, and both windows taken
        together, balance to the cent (opening + inflows - outflows = closing)."""
        ledger = self.ledger
        for fund in self.case_funds:
            ledger.check_conservation(fund.account)
        inside = [ledger.index[name] for name in WINDOW_ACCOUNTS] + [f.account for f in self.lines.values()]
        outside = [i for i in range(len(ledger.accounts)) if i not in inside]
        total = ledger.totals  # to x from
        inflow = int(total[np.ix_(inside, outside)].sum())
        outflow = int(total[np.ix_(outside, inside)].sum())
        opening = sum(ledger.opening[i] for i in inside)
        closing = sum(ledger.balance[i] for i in inside)
        if opening + inflow - outflow != closing:
            raise AssertionError(f"the windows together do not balance: {opening + inflow - outflow} != {closing} cents")

    def metrics(self) -> dict[str, float]:
        """Per-replication metrics of the window (names in docs/victims.md)."""
        self.check_conservation()
        ledger = self.ledger
        accts = [f.account for f in self.case_funds]
        flows = ledger.flows
        children = self.children
        out = self.assistance.metrics()
        pv = children.obligations_pv_cents() / 100
        assets = self.fund.available_cents / 100
        contrib = self.contributors
        out.update(
            {
                "unmet_need_usd": out["services_unmet_usd"] + children.missed_cents / 100,
                "children_supported": float(children.supported()),
                "children_owed_at_end": float(children.owed_at_end()),
                "child_support_paid_usd": children.paid_cents / 100,
                "child_support_missed_usd": children.missed_cents / 100,
                "obligations_pv_usd": pv,
                "funded_ratio": assets / pv if pv > 0 else float("nan"),
                "victim_opening_balance_usd": sum(ledger.opening[a] for a in accts) / 100,
                "victim_inflows_usd": sum(ledger.inflow_cents(a) for a in accts) / 100,
                "victim_outflows_usd": sum(ledger.outflow_cents(a) for a in accts) / 100,
                "victim_closing_balance_usd": sum(ledger.balance[a] for a in accts) / 100,
                "victim_assessed_usd": float(contrib.assessed.sum()) / 100,
                "victim_paid_usd": float(contrib.paid.sum()) / 100,
                "pledges_usd": self.pledged_cents / 100,
                "withheld_usd": self.withheld_cents / 100,
                "victim_admin_fees_usd": int(flows[:, self.acct_fees, accts].sum()) / 100,
                "transfers_usd": self.transfers_cents / 100,
            }
        )
        return out
