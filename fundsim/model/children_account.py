"""The victims' window's children's account: earmarked money that pays child support.

:class:`ChildrenAccount` holds the window's supported children
(:class:`~fundsim.model.children.ChildSupport`), their liability roll-forward
(:class:`~fundsim.model.liability.LiabilityStatement`) and the account itself (ledger
account ``children_account``), funded from the window's general cash under the
window's children's funding policy (Rec 14: support whatever the context):

- ``paygo``: each month the account is set to this month's and the next
  :data:`CHILD_SUPPORT_KEPT_MONTHS` months' support (topped up from the window, or the
  excess released to it);
- ``prefund_at_entry``: each child's present value at entry is moved in (as far as the
  window's uncommitted cash allows; the rest later), then topped up to the same months;
- ``target_ratio``: topped up to the larger of those months and the target times the
  liability after this month's payment.

Earmarked money is never released under a pre-funding policy. The account earns its
``account_return`` (none, the mechanism's interest rate, or the discount rate, with the
price change credited each January). Cents unless named in USD.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from fundsim.model.children import ChildSupport, annuity_factor
from fundsim.model.context import Context
from fundsim.model.fund import Fund
from fundsim.model.liability import LiabilityStatement, liability_statement
from fundsim.scenario.schema import Children, TargetRatio

RngFor = Callable[[str], np.random.Generator]

#: Months of future child support kept back from new service packages (Rec 14 priority).
CHILD_SUPPORT_KEPT_MONTHS = 12

#: Months from a new child's entry to its 18th birthday, for its present value at entry.
_MONTHS_TO_18 = 216.0


class ChildrenAccount:
    """The children's account of one replication: its children, liability and cash.

    Built with the shared :class:`~fundsim.model.context.Context`, the scenario's
    ``[victims.children]`` section, the caseload's yearly rate ``multiplier``, the named
    random streams (``child_*``, ``paternity*``), the mechanism's interest rate (a
    year) and the ledger accounts child support is paid to (``support_account``) and
    the account's return comes from (``interest_account``).
    """

    def __init__(
        self,
        ctx: Context,
        children: Children,
        multiplier: NDArray[np.float64],
        rng_for: RngFor,
        interest_rate_annual: float,
        support_account: int,
        interest_account: int,
    ) -> None:
        self._ledger = ctx.ledger
        self._price_index = ctx.price_index
        self._mult = multiplier
        self.children = ChildSupport(children, multiplier, ctx.n_months, ctx.price_index, rng_for)
        self.fund = Fund(ctx.ledger, "children_account")
        self.statement: LiabilityStatement = liability_statement(self.children)
        funding = children.funding
        self.funding = funding
        self._target_ratio = (
            funding.target_ratio
            if isinstance(funding, TargetRatio)
            else 1.0
            if funding == "prefund_at_entry"
            else 0.0
        )
        self._acct_support = support_account
        self._acct_interest = interest_account
        self._account_return = children.account_return
        rate = self.children.rate
        # The account's monthly return (see Children.account_return) and the yearly growth
        # the budget expects of its cash.
        self._monthly_return = {
            "none": 0.0,
            "interest_rate": interest_rate_annual / 12,
            "discount_rate": (1.0 + rate) ** (1.0 / 12.0) - 1.0,
        }[self._account_return]
        self._account_growth = {
            "none": 1.0,
            "interest_rate": 1.0 + interest_rate_annual,
            "discount_rate": 1.0 + rate,
        }[self._account_return]
        self.interest_cents = 0
        # prefund_at_entry: present values of entered children not yet moved in (cents).
        self._owed_in = 0.0
        self._new_children = children.new_per_year
        support_usd = max(0.0, children.support_usd_year.expected)
        self._pv_new_child_usd = (
            support_usd
            / 12
            * float(annuity_factor(np.array([_MONTHS_TO_18]), children.discount_rate)[0])
        )

    def need_usd(self, year: int) -> float:
        """What the account needs in ``year`` under a pre-funding policy (USD): its target
        ``x`` times the liability expected at the year's end (today's liability grown by a
        year's interest, plus the new children's present value at entry), plus ``1 - x``
        of the year's support, less its cash grown by the year's expected return
        (``account_return``; real, like the liability's growth)."""
        x = self._target_ratio
        price = self._price_index[year]
        if year == 0:
            liability = self.statement.stock_pv_cents / 100
            month = 0
        else:
            month = 12 * year - 1
            liability = float(self.statement.liability_cents[month]) / 100
        new_pv = self._new_children * self._mult[year] * self._pv_new_child_usd * price
        support = 12 * self.children.due_cents(month) / 100
        target = x * (liability * (1.0 + self.children.rate) + new_pv) + (1.0 - x) * support
        return max(0.0, target - self.fund.cash_cents * self._account_growth / 100)

    def kept_cents(self, month: int) -> int:
        """The next :data:`CHILD_SUPPORT_KEPT_MONTHS` months of child support after ``month``
        (cents): what the account holds beyond this month's payment under paygo."""
        return self.children.due_ahead_cents(month, CHILD_SUPPORT_KEPT_MONTHS)

    def pay(self, month: int, window: Fund) -> int:
        """Monthly, before any service package starts: fund the account from the window's
        general cash ``window`` under the funding policy, pay the support due to children
        from it (in part if it is short, the rest counted as missed), credit its return,
        and return the cash services keep back (cents): what the account lacks of the next
        :data:`CHILD_SUPPORT_KEPT_MONTHS` months of support."""
        children, account = self.children, self.fund
        if self._account_return == "discount_rate" and month % 12 == 0 and month:
            self._credit_revaluation(month)
        due = children.due_cents(month)
        ahead = children.due_ahead_cents(month, CHILD_SUPPORT_KEPT_MONTHS)
        now = month + 0.5
        target = self._target(month, due, ahead, window, now)
        have = account.cash_cents
        if have < target:
            self._move(month, account, window, min(target - have, max(0, window.available_cents)))
        elif have > target and self.funding == "paygo":
            self._move(month, window, account, have - target)
        paid = 0
        if due:
            paid = min(due, max(0, account.cash_cents))
            if paid:
                account.pay(month, self._acct_support, paid, now, "child support")
            children.record(month, paid, due)
        if self._monthly_return:
            self._credit_return(month, paid)
        return max(0, ahead - account.cash_cents)

    def _target(self, month: int, due: int, ahead: int, window: Fund, now: float) -> int:
        """The account's target cash this month (cents) before paying ``due``; under
        ``prefund_at_entry`` the entering children's present values are moved in first."""
        target = due + ahead
        if self.funding == "paygo":
            return target
        if self.funding == "prefund_at_entry":
            self._owed_in += float(self.statement.entry_pv_cents[month])
            move = min(round(self._owed_in), max(0, window.available_cents))
            if move > 0:
                self._move(month, self.fund, window, move)
                self._owed_in -= move
            return target
        liability = float(self.statement.liability_cents[month])
        return max(target, round(self._target_ratio * liability) + due)

    def _credit_return(self, month: int, paid: int) -> None:
        """Credit the account with the month's return: a month on the cash it held from the
        start of the month, less the half month not earned on ``paid``, the support paid out
        mid-month. That is the liability's own monthly unwind (:mod:`fundsim.model.liability`),
        so an account equal to the liability stays equal to it when it earns the discount
        rate."""
        g = 1.0 + self._monthly_return
        held = max(0, self.fund.cash_cents) + paid
        cents = round(held * (g - 1.0) - paid * (g**0.5 - 1.0))
        if cents > 0:
            self.fund.receive(month, self._acct_interest, cents, month + 0.5, "interest")
            self.interest_cents += cents

    def _credit_revaluation(self, month: int) -> None:
        """In January, with ``account_return = "discount_rate"``: the year's price change
        on the account's cash, as the liability's opening value is revalued."""
        year = month // 12
        prices = self._price_index
        cents = round(max(0, self.fund.cash_cents) * (prices[year] / prices[year - 1] - 1.0))
        if cents > 0:
            self.fund.receive(month, self._acct_interest, cents, month + 0.5, "revaluation")
            self.interest_cents += cents

    def _move(self, month: int, to: Fund, frm: Fund, cents: int) -> None:
        """Move ``cents`` between the window's general cash and the account, mid-month."""
        if cents > 0:
            self._ledger.post(
                month, to.account, frm.account, cents, month + 0.5, "children's account"
            )
