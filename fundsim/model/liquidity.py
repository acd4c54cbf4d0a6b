"""The pooled coordinator fund's liquidity: commitment authority and the host's pre-financing.

Part of the coordinator window (:class:`~fundsim.model.coordinator_fund.CoordinatorFund`
owns it; the posts ask it through :class:`~fundsim.model.fund.FundLiquidity`). With
``commitment_basis = "receivables"`` the fund may commit beyond its free cash up to the
budget year's expected collections (:func:`expected_collections`); with a pre-financing
limit the host advances what cash cannot pay of committed salaries and free-cash costs, up
to the limit outstanding, and is repaid first from the next receipts. An outstanding
advance is owed back: it is not free cash. Amounts in cents.
"""

from __future__ import annotations

from collections.abc import Callable

from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.fund import Fund
from fundsim.scenario.schema import Mechanism


def expected_collections(
    contributors: Contributors, mechanism: Mechanism, fee: float
) -> Callable[[int], int]:
    """The budget year's expected collections, net of the host's fee on receipts (cents, a
    function of the year): the receivables of entities still taking part less the collection
    haircut, or under ``collection_basis = "record"`` each entity's receivable at its last
    year's collection rate, at most one less the haircut."""
    ceiling = 1.0 - mechanism.collection_haircut
    if mechanism.collection_basis == "record":
        net = 1.0 - fee
        return lambda year: int(contributors.expected_cents(year, ceiling) * net)
    collect = (1.0 - fee) * ceiling
    return lambda year: int(contributors.receivables_cents(year) * collect)


class Liquidity:
    """The pooled fund's liquidity: commitment authority beyond its free cash (the budget
    year's expected collections, receivables basis) and the host's pre-financing of what
    cash cannot pay (up to ``limit_cents`` outstanding, recorded against ``account``).

    ``authority(month)``: what the fund may commit beyond free cash at ``month`` (cents),
    None without authority. ``advanced``: cents the host has advanced and not been repaid
    (owed back first: not free cash); ``peak_need``: the largest advance needed
    (outstanding plus uncovered), cents."""

    def __init__(
        self,
        ctx: Context,
        fund: Fund,
        limit_cents: int,
        account: int,
        authority: Callable[[int], int] | None = None,
    ) -> None:
        self._env = ctx.env
        self.fund = fund
        self._ledger = fund.ledger
        self.limit_cents = limit_cents
        self._account = account
        self.authority = authority
        self.advanced = 0
        self.peak_need = 0

    def headroom_cents(self, month: int) -> int:
        """What the fund may still commit at ``month``: free cash less the outstanding
        advance, plus the commitment authority where it has one (cents)."""
        fund = self.fund
        free = self._ledger.balance[fund.account] - fund.committed - self.advanced
        if self.authority is not None:
            free += self.authority(month)
        return free

    def can_commit(self, need_cents: int, month: int) -> bool:
        """Whether the fund may commit ``need_cents`` more at ``month`` (the authority is
        asked only when free cash does not suffice)."""
        fund = self.fund
        free = self._ledger.balance[fund.account] - fund.committed - self.advanced
        return need_cents <= free or (
            self.authority is not None and need_cents <= free + self.authority(month)
        )

    def _advance(self, month: int, cents: int) -> None:
        """The host advances ``cents`` into the fund (recorded in the ledger)."""
        self._ledger.post(
            month, self.fund.account, self._account, cents, self._env._now, "prefinancing"
        )
        self.advanced += cents
        self.peak_need = max(self.peak_need, self.advanced)

    def repay(self, month: int) -> None:
        """First thing at the monthly tick: repay the host's advances from the fund's cash."""
        if self.advanced:
            fund = self.fund
            cents = min(self.advanced, max(0, self._ledger.balance[fund.account]))
            if cents:
                self._ledger.post(
                    month, self._account, fund.account, cents, self._env._now, "prefinancing repaid"
                )
                self.advanced -= cents

    def cover_committed(self, month: int, total: int, shed: Callable[[int, int, int], int]) -> int:
        """The fund pays ``total`` cents of committed salaries: from cash, then the host's
        advance; ``shed(month, total, limit)`` drops the salaries neither covers (their posts
        lapse) and returns what is left. Return what is paid."""
        cash = self._ledger.balance[self.fund.account]
        if total <= cash:
            return total
        room = self.limit_cents - self.advanced
        short = total - cash
        self.peak_need = max(self.peak_need, self.advanced + short)
        if short > room:
            total = shed(month, total, cash + room)
            short = max(0, total - cash)
        if short:
            self._advance(month, short)
        return total

    def try_pay_free(self, month: int, sink: int, cents: int, memo: str) -> bool:
        """Pay an uncommitted cost from free cash, with the authority and the pre-financing;
        return whether it was paid."""
        if cents > self.headroom_cents(month):
            return False
        fund = self.fund
        cash = self._ledger.balance[fund.account]
        if cents > cash:
            short = cents - cash
            self.peak_need = max(self.peak_need, self.advanced + short)
            if short > self.limit_cents - self.advanced:
                return False
            self._advance(month, short)
        fund.pay(month, sink, cents, self._env._now, memo)
        return True
