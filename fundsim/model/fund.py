"""A fund window: its cash account in the ledger and the money committed to contracts.

The fund never pays more than it holds: ``available_cents`` is cash minus
commitments, and every payment is either made in full or refused (a missed
payment, which the caller records as a funding gap).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from fundsim.model.ledger import Ledger


class Fund:
    """One window of the mechanism (the coordinator fund, or a victim-assistance window)."""

    __slots__ = ("account", "committed", "ledger", "name")

    def __init__(self, ledger: Ledger, name: str) -> None:
        self.ledger = ledger
        self.name = name
        self.account = ledger.index[name]
        self.committed = 0

    @property
    def cash_cents(self) -> int:
        return self.ledger.balance[self.account]

    @property
    def available_cents(self) -> int:
        """Cash not committed to running contracts, in cents."""
        return self.ledger.balance[self.account] - self.committed

    def receive(
        self, month: int, source: int, cents: int, time: float = 0.0, memo: str = ""
    ) -> None:
        self.ledger.post(month, self.account, source, cents, time, memo)

    def pay(self, month: int, sink: int, cents: int, time: float = 0.0, memo: str = "") -> None:
        """Pay ``cents`` out of the fund's cash (the caller checked it is there)."""
        self.ledger.post(month, sink, self.account, cents, time, memo)

    def try_pay_uncommitted(
        self, month: int, sink: int, cents: int, time: float = 0.0, memo: str = ""
    ) -> bool:
        """Pay from uncommitted cash if it covers ``cents``; return whether it was paid."""
        if cents <= self.ledger.balance[self.account] - self.committed:
            self.ledger.post(month, sink, self.account, cents, time, memo)
            return True
        return False


class FundLiquidity(Protocol):
    """What the posts ask of a pooled fund's liquidity beyond its free cash (commitment
    authority, the host's pre-financing: :class:`~fundsim.model.coordinator_fund.Liquidity`):
    whether it may commit ``need_cents`` more, how ``total`` cents of committed salaries are
    covered when cash is short (``shed(month, total, limit)`` drops the salaries beyond
    ``limit`` and returns what is left), and paying an uncommitted cost."""

    def can_commit(self, need_cents: int, month: int) -> bool: ...

    def cover_committed(
        self, month: int, total: int, shed: Callable[[int, int, int], int]
    ) -> int: ...

    def try_pay_free(self, month: int, sink: int, cents: int, memo: str) -> bool: ...
