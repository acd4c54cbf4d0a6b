"""The victims' fund (Rec 12/14, para 52): its money, its budget, child support, its results.

:class:`VictimFund` is the victim-assistance window's money side; the cases it pays
for are :class:`~fundsim.model.cases.VictimCases`. It is built with the shared
:class:`~fundsim.model.context.Context` and its own inputs: the scenario's
``[victims]`` section, the caseload the budget plans for, its fund (and each
entity's line in the siloed mode), the coordinator fund it may receive surplus from,
the :class:`~fundsim.model.contributors.Contributors` that assess the entities for
it, its fee rate and fee account, and its named random streams (children, pledges).

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

from collections.abc import Callable, Sequence

import numpy as np

from fundsim.model.allegations import CaseloadPlan
from fundsim.model.children_account import ChildrenAccount
from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.events import Due
from fundsim.model.fund import Fund
from fundsim.model.ledger import to_cents
from fundsim.model.liability import LiabilityStatement
from fundsim.model.pledges import expected_pledges_usd, plan_pledges
from fundsim.scenario.schema import Scenario, Victims

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
    "children_account",
    "caseworkers",
    "children_interest",
    "advocates",
)


def window_fees(scenario: Scenario) -> tuple[float, float | None]:
    """(victim window fee rate, coordinator fee rate override or None) under the fee rule."""
    v = scenario.victims
    assert v is not None
    if v.windows == "shared_host":
        shared = v.funding.shared_admin_fee
        rate = scenario.mechanism.admin_fee if shared is None else shared
        return rate, rate
    return v.funding.admin_fee, None


def fees_account_name(victims: Victims) -> str:
    """The ledger account the victims' host fee goes to: the shared host's ``admin_fees``,
    or the window's own host's ``victim_admin_fees``."""
    return "admin_fees" if victims.windows == "shared_host" else "victim_admin_fees"


class VictimFund:
    """The victims' fund of one replication: cash, budget, child support, pledges.

    ``lines``: in the siloed mode, each entity's own line for its victims' services,
    in the entities' order (the fund then assesses nothing: each entity funds its
    line); otherwise empty. ``coordinator_fund``: where a ``coordinator_surplus``
    transfer comes from, and the other window of the whole-mechanism conservation check.
    """

    def __init__(
        self,
        ctx: Context,
        victims: Victims,
        caseload: CaseloadPlan,
        fund: Fund,
        lines: Sequence[Fund],
        coordinator_fund: Fund,
        contributors: Contributors,
        fee: float,
        fees_account: int,
        rng_for: RngFor,
        interest_rate_annual: float = 0.0,
        shortfall_policy: str = "reapportion",
        budget_reference: str = "cash",
        advocates_usd_year: float = 0.0,
    ) -> None:
        v = victims
        self.env = ctx.env
        self.n_months = ctx.n_months
        self.years = ctx.years
        self.price_index = ctx.price_index
        ledger = ctx.ledger
        ix = ledger.index
        self.ledger = ledger
        self.fund = fund
        self.lines: list[Fund] = list(lines)
        self.siloed = bool(self.lines)
        self.case_funds: list[Fund] = [fund, *self.lines]
        self.coordinator_fund = coordinator_fund
        self.contributors = contributors
        self._entity_share = caseload.entity_shares
        self.acct_child = ix["child_support"]
        self.acct_pledges = ix["pledges"]
        self.acct_withheld = ix["withheld"]
        self.fee = fee
        self.fee_basis = v.funding.fee_basis
        self._receipts_fee = fee if self.fee_basis == "receipts" else 0.0
        self._fee_owed = 0.0  # expenditure basis: fees charged, not yet paid (cents)
        self._fee_base = 0  # expenditure basis: spending already charged (cents)
        self.acct_fees = fees_account
        ledger.open(fund.account, to_cents(v.funding.opening_balance_usd), ix["victim_opening"])
        self.funding = v.funding
        # ``arrears``: an entity's unpaid contribution stays its receivable and the budget
        # counts it as the window's asset; ``reapportion``: the budget bills it to everyone.
        self.shortfall_policy = shortfall_policy
        # ``plan`` (paygo children only): the budget nets the plan's position, not the cash;
        # the realised surplus or deficit stays with the window (:meth:`budget_cents`).
        self._plan_cents: int | None = (
            to_cents(v.funding.opening_balance_usd)
            if budget_reference == "plan" and v.children.funding == "paygo"
            else None
        )
        self.transfers = v.transfers
        self.transfers_cents = 0
        self._mult = caseload.multiplier
        self._victims_per_year = caseload.victims_per_year
        self.account = ChildrenAccount(
            ctx,
            v.children,
            caseload.multiplier,
            rng_for,
            interest_rate_annual,
            support_account=self.acct_child,
            interest_account=ix["children_interest"],
        )
        self.children = self.account.children
        self.children_fund = self.account.fund
        self.statement: LiabilityStatement = self.account.statement
        self.children_funding = v.children.funding
        self._package_usd = caseload.package_usd
        self._support_usd = max(0.0, v.children.support_usd_year.expected)
        self._new_children = v.children.new_per_year
        self.window_funds: list[Fund] = [fund, self.children_fund, *self.lines]
        self._set_running_costs(v, advocates_usd_year)
        self._schedule_pledges(v, rng_for("pledges"))

    def _set_running_costs(self, v: Victims, advocates_usd_year: float) -> None:
        """The window's running costs: its caseworkers and the Victims' Rights Advocate
        function (USD a month at start-year prices; 0: paid elsewhere), with their tallies."""
        ix = self.ledger.index
        self.acct_caseworkers = ix["caseworkers"]
        self._slot_cost_usd_month = v.caseworkers.cost_usd_year / 12
        self.caseworker_cents = 0
        self.caseworker_missed_cents = 0
        self.acct_advocates = ix["advocates"]
        self._advocates_usd_month = advocates_usd_year / 12
        self.advocates_cents = 0
        self.advocates_missed_cents = 0
        # What a month costs (cents), each year: the advocates, and the caseworkers by slots.
        self._advocates_due = [to_cents(self._advocates_usd_month * p) for p in self.price_index]
        self._caseworkers_due: dict[tuple[int, int], int] = {}

    def _schedule_pledges(self, v: Victims, rng: np.random.Generator) -> None:
        """Draw the Member States' pledges and withheld payments of the run (stream
        ``pledges``) and schedule each receipt."""
        self.pledged_cents = 0
        self.withheld_cents = 0
        plan = plan_pledges(v.funding.pledges, self.years, rng)
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
        fund.receive(
            month, source, cents, now, "pledge" if source == self.acct_pledges else "withheld"
        )
        if source == self.acct_pledges:
            self.pledged_cents += cents
        else:
            self.withheld_cents += cents
        fee = round(cents * self._receipts_fee)
        if fee:
            fund.pay(month, self.acct_fees, fee, now, "admin fee")

    def budget_cents(
        self,
        year: int,
        slots: int = 0,
        arrears_cents: int = 0,
        commit: bool = False,
        policy: str | None = None,
    ) -> int:
        """Gross amount to assess on the entities for ``year`` (cents): expected services,
        the caseworkers' ``slots`` and child support plus the reserve target, less
        uncommitted cash, the entities' ``arrears_cents`` (net of the fee on receipts;
        counted as the window's asset under ``policy = "arrears"``, default: the window's
        ``shortfall_policy``) and expected
        pledges, times ``entity_cost_share``, grossed up for the fee. With a pre-funding
        policy the children's need is that of their account (:meth:`children_need_usd`)
        and the reserve covers services only. Nothing in siloed mode: the entities fund
        their own lines (:meth:`line_needs_cents`). Under ``budget_reference = "plan"`` the
        plan's position (the opening balance, the entities' budgets as if paid, the expected
        pledges, less the planned spending) replaces the cash and the arrears, so that the
        realised surplus or deficit (services deferred, another entity's arrears, pledges
        above or below expectation) stays with the window, billed or credited to nobody;
        ``commit``: move the plan on by the year (the budget is being approved, not asked
        about)."""
        if self.siloed:
            return 0
        policy = policy or self.shortfall_policy
        owed = arrears_cents * (1.0 - self._receipts_fee) / 100
        price = self.price_index[year]
        services = self._victims_per_year[year] * self._package_usd * price
        if self._slot_cost_usd_month:
            services += slots * self._slot_cost_usd_month * 12 * price
        services += self._advocates_usd_month * 12 * price
        if self.children_funding == "paygo":
            month = 0 if year == 0 else 12 * year - 1
            children = 12 * self.children.due_cents(month) / 100
            children += (
                self._new_children * self._mult[year] * self._support_usd * price / 2
            )  # born mid-year on average
            planned = services + children
            reserve = planned * self.funding.reserve_target_months / 12
            pledges = expected_pledges_usd(self.funding.pledges, year)
            if self._plan_cents is not None:
                need = planned + reserve - self._plan_cents / 100 - pledges
                if policy == "reapportion" and owed:
                    need += owed  # the arrears billed again to everyone
                if commit:
                    paid = max(0.0, need) * self.funding.entity_cost_share
                    self._plan_cents += to_cents(paid + pledges - planned)
            else:
                cash = (self.fund.available_cents + self.children_fund.cash_cents) / 100
                need = planned + reserve - cash - pledges
                if policy == "arrears" and owed:
                    need -= owed
        else:
            reserve = services * self.funding.reserve_target_months / 12
            need = (
                services
                + reserve
                - self.fund.available_cents / 100
                - expected_pledges_usd(self.funding.pledges, year)
            )
            if policy == "arrears" and owed:
                need -= owed
            need = max(0.0, need) + self.children_need_usd(year)
        if need <= 0 or self.fee >= 1:
            return 0
        if self.fee_basis == "expenditure":
            return to_cents(need * self.funding.entity_cost_share * (1.0 + self.fee))
        return to_cents(need * self.funding.entity_cost_share / (1.0 - self.fee))

    def budget_lines(self, year: int, slots: int = 0) -> dict[str, float]:
        """The parts of :meth:`budget_cents` for ``year`` before it is approved (USD; no
        arrears), for the budget annex: expected ``services`` (at the share the window
        pays), ``caseworkers``, ``advocates``, ``child_support`` (under a pre-funding policy:
        the children's account's need), ``reserve``, ``cash`` (uncommitted cash, or the
        plan's position under ``budget_reference = "plan"``; under a pre-funding policy the
        window's cash without the children's account), expected ``pledges``, the ``need``
        and the ``entity_cost_share`` applied to it. Pay-as-you-go and pre-funding follow
        :meth:`budget_cents` line by line; siloed mode has no window budget (all zero)."""
        price = self.price_index[year]
        out = dict.fromkeys(
            (
                "services",
                "caseworkers",
                "advocates",
                "child_support",
                "reserve",
                "cash",
                "pledges",
                "need",
            ),
            0.0,
        )
        out["entity_cost_share"] = self.funding.entity_cost_share
        if self.siloed:
            return out
        out["services"] = self._victims_per_year[year] * self._package_usd * price
        out["caseworkers"] = (
            slots * self._slot_cost_usd_month * 12 * price if self._slot_cost_usd_month else 0.0
        )
        out["advocates"] = self._advocates_usd_month * 12 * price
        window = out["services"] + out["caseworkers"] + out["advocates"]
        out["pledges"] = expected_pledges_usd(self.funding.pledges, year)
        if self.children_funding == "paygo":
            month = 0 if year == 0 else 12 * year - 1
            children = 12 * self.children.due_cents(month) / 100
            children += self._new_children * self._mult[year] * self._support_usd * price / 2
            out["child_support"] = children
            out["reserve"] = (window + children) * self.funding.reserve_target_months / 12
            if self._plan_cents is not None:
                out["cash"] = self._plan_cents / 100
            else:
                out["cash"] = (self.fund.available_cents + self.children_fund.cash_cents) / 100
            out["need"] = window + children + out["reserve"] - out["cash"] - out["pledges"]
        else:
            out["reserve"] = window * self.funding.reserve_target_months / 12
            out["cash"] = self.fund.available_cents / 100
            out["child_support"] = self.children_need_usd(year)
            out["need"] = (
                max(0.0, window + out["reserve"] - out["cash"] - out["pledges"])
                + out["child_support"]
            )
        return out

    def children_need_usd(self, year: int) -> float:
        """What the children's account needs in ``year`` under a pre-funding policy (USD;
        :meth:`ChildrenAccount.need_usd`)."""
        return self.account.need_usd(year)

    def line_needs_cents(self, year: int) -> list[int] | None:
        """Siloed mode: what each entity puts in its own line for ``year`` — the expected
        services of the victims its allegations involve, less the line's free cash (cents)."""
        if not self.siloed:
            return None
        victims = self._victims_per_year[year] * self._package_usd * self.price_index[year]
        return [
            to_cents(max(0.0, victims * share - line.available_cents / 100))
            for share, line in zip(self._entity_share.tolist(), self.lines, strict=True)
        ]

    def assess(self, year: int, largest_payer: int | None, slots: int = 0) -> None:
        """Assess the entities for ``year``. ``largest_payer``: the entity an exit of "the
        largest" entity means (the coordinator fund's, so that one entity leaves both)."""
        contributors = self.contributors
        if contributors.largest is None:
            contributors.largest = largest_payer
        arrears = contributors.arrears_cents(year) if not self.siloed else 0
        reapportioned = 0
        if arrears > 0 and self.shortfall_policy == "reapportion":
            # The part of the budget that bills the entities' arrears to everyone.
            kept = self.budget_cents(year, slots, arrears, policy="arrears")
        gross = self.budget_cents(year, slots, arrears, commit=True)
        if arrears > 0 and self.shortfall_policy == "reapportion":
            reapportioned = max(0, gross - kept)
        contributors.assess(year, gross, self.line_needs_cents(year), reapportioned)

    def december(self, month: int, coordinator_keep_cents: int) -> None:
        """Before next year's budgets, with ``transfers = "coordinator_surplus"``: move the
        coordinator fund's uncommitted cash above ``coordinator_keep_cents`` (its next
        year's planned cost plus reserve target) to this fund."""
        if self.transfers != "coordinator_surplus":
            return
        surplus = self.coordinator_fund.available_cents - coordinator_keep_cents
        if surplus > 0:
            self.ledger.post(
                month,
                self.fund.account,
                self.coordinator_fund.account,
                surplus,
                self.env._now,
                "transfer",
            )
            self.transfers_cents += surplus

    # ------------------------------------------------------------------ money out

    def pay_child_support(self, month: int) -> int:
        """Monthly, before any service package starts: fund the children's account from the
        window's cash under the funding policy and pay the support due from it
        (:meth:`ChildrenAccount.pay`); return the cash services keep back (cents): what the
        account lacks of the next :data:`CHILD_SUPPORT_KEPT_MONTHS` months of support."""
        return self.account.pay(month, self.fund)

    def kept_for_children_cents(self, month: int) -> int:
        """The next :data:`CHILD_SUPPORT_KEPT_MONTHS` months of child support after ``month``
        (cents): what the children's account holds beyond this month's payment under paygo."""
        return self.account.kept_cents(month)

    @property
    def children_interest_cents(self) -> int:
        """Return credited to the children's account so far (cents)."""
        return self.account.interest_cents

    def pay_caseworkers(self, month: int, slots: int) -> None:
        """Monthly: the caseworkers' ``slots`` at ``cost_usd_year`` a slot, then the Victims'
        Rights Advocate function (that year's prices), from the window's uncommitted cash
        (what it cannot pay is counted missed)."""
        year = month // 12
        if self._advocates_usd_month:
            due = self._advocates_due[year]
            paid = min(due, max(0, self.fund.available_cents))
            if paid:
                self.fund.pay(
                    month, self.acct_advocates, paid, month + 0.5, "victims' rights advocates"
                )
            self.advocates_cents += paid
            self.advocates_missed_cents += due - paid
        if not self._slot_cost_usd_month:
            return
        cost = self._caseworkers_due.get((year, slots))
        if cost is None:
            cost = to_cents(slots * self._slot_cost_usd_month * self.price_index[year])
            self._caseworkers_due[year, slots] = cost
        paid = min(cost, max(0, self.fund.available_cents))
        if paid:
            self.fund.pay(month, self.acct_caseworkers, paid, month + 0.5, "caseworkers")
        self.caseworker_cents += paid
        self.caseworker_missed_cents += cost - paid

    @property
    def fees_payable_cents(self) -> float:
        """Fees on expenditure charged and not yet paid (cents; 0 on the receipts basis)."""
        return self._fee_owed

    def charge_expenditure_fee(self, month: int, services_paid_cents: int) -> None:
        """Monthly, with ``fee_basis = "expenditure"``: the host's fee on what the window
        spent (``services_paid_cents`` so far by the fund, child support, caseworkers),
        paid from uncommitted cash; what cannot be paid now is carried to later months."""
        if self.fee_basis != "expenditure" or not self.fee:
            return
        spent = (
            services_paid_cents
            + self.children.paid_cents
            + self.caseworker_cents
            + self.advocates_cents
        )
        self._fee_owed += (spent - self._fee_base) * self.fee
        self._fee_base = spent
        pay = min(round(self._fee_owed), max(0, self.fund.available_cents))
        if pay > 0:
            self.fund.pay(month, self.acct_fees, pay, month + 0.5, "admin fee")
            self._fee_owed -= pay

    # ------------------------------------------------------------------ results

    def liability_lines(self) -> np.ndarray:
        """The children's liability roll-forward, years x :data:`STATEMENT_COLUMNS` (cents,
        counts)."""
        return self.statement.lines
