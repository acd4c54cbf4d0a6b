"""The ledger: double-entry postings in integer cents between named accounts.

Every posting moves ``cents`` from one account to another and is added to a
``month x to-account x from-account`` table, so month-by-account totals, inflows
and outflows of any fund come out of one array (:attr:`Ledger.flows`). While the
simulation runs, a posting only appends its cell of that table and its cents to two
Python lists (a replication posts a few thousand times into a table of tens or
hundreds of thousands of cells, most of them empty); the table is summed from them
once, exactly in int64, when read. The full journal, one tuple per posting, is kept
only in audit mode.

After the run (:meth:`Ledger.close`) what a replication's results read is summed straight
from the postings, never through the dense monthly table: :attr:`Ledger.totals` (over the
run), :attr:`Ledger.yearly` (by simulated year) and :meth:`Ledger.monthly_between` (one
month-by-month series between two groups of accounts). :attr:`Ledger.flows`, the dense
``month x to x from`` table, is built only when something asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


class Ledger:
    """Accounts, balances in cents and the month-by-account flow totals."""

    def __init__(self, accounts: Sequence[str], n_months: int, audit: bool = False) -> None:
        self.accounts: tuple[str, ...] = tuple(accounts)
        self.index: dict[str, int] = {name: i for i, name in enumerate(self.accounts)}
        self.n_months = n_months
        n = len(self.accounts)
        self._n = n
        self._cells: list[int] = []  # flat index of each posting's (month, to, from) cell
        self._cents: list[int] = []
        self._flows: NDArray[np.int64] | None = None  # the dense table, once built after close()
        self._totals: NDArray[np.int64] | None = None  # the flows summed over months, after close()
        self._yearly: NDArray[np.int64] | None = None  # the flows summed by year, after close()
        # After close(): each posting's month, its (to, from) pair as one index, its cents.
        self._closed: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int64]] | None = None
        self.balance: list[int] = [0] * n
        self.opening: list[int] = [0] * n
        self.journal: list[tuple[float, str, str, int, str]] | None = [] if audit else None

    def open(self, account: int, cents: int, source: int) -> None:
        """Set an opening balance (moved from ``source`` before month 0, not a flow)."""
        self.balance[account] += cents
        self.balance[source] -= cents
        self.opening[account] += cents
        self.opening[source] -= cents

    def post(
        self, month: int, to: int, frm: int, cents: int, time: float = 0.0, memo: str = ""
    ) -> None:
        """Move ``cents`` (a non-negative int) from account ``frm`` to account ``to``."""
        if cents == 0:
            return
        n = self._n
        self._cells.append((month * n + to) * n + frm)
        self._cents.append(cents)
        self.balance[to] += cents
        self.balance[frm] -= cents
        if self.journal is not None:
            self.journal.append((time, self.accounts[to], self.accounts[frm], cents, memo))

    def post_with_fee(
        self,
        month: int,
        to: int,
        frm: int,
        cents: int,
        fee_to: int,
        fee: int,
        time: float,
        memo: str,
        fee_memo: str,
    ) -> None:
        """Move ``cents`` from ``frm`` to ``to``, then ``fee`` cents from ``to`` to ``fee_to``:
        exactly ``post(month, to, frm, cents, time, memo)`` then ``post(month, fee_to, to,
        fee, time, fee_memo)``, in one call (a receipt and the host's fee on it)."""
        n = self._n
        balance, cells, amounts = self.balance, self._cells, self._cents
        base = month * n
        if cents:
            cells.append((base + to) * n + frm)
            amounts.append(cents)
            balance[to] += cents
            balance[frm] -= cents
        if fee:
            cells.append((base + fee_to) * n + to)
            amounts.append(fee)
            balance[fee_to] += fee
            balance[to] -= fee
        journal = self.journal
        if journal is not None:
            accounts = self.accounts
            if cents:
                journal.append((time, accounts[to], accounts[frm], cents, memo))
            if fee:
                journal.append((time, accounts[fee_to], accounts[to], fee, fee_memo))

    def _postings(self) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int64]]:
        """Each posting's month, its ``to * n + from`` pair and its cents, as arrays."""
        if self._closed is not None:
            return self._closed
        pairs = self._n * self._n
        cells = np.array(self._cells, dtype=np.intp)
        month, pair = np.divmod(cells, pairs)
        return month, pair, np.array(self._cents, dtype=np.int64)

    def _summed(
        self, index: NDArray[np.intp], cents: NDArray[np.int64], size: int
    ) -> NDArray[np.int64]:
        """``cents`` added up by ``index`` into ``size`` cells, exactly in int64."""
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, index, cents)
        return out

    def _table(self) -> NDArray[np.int64]:
        n = self._n
        month, pair, cents = self._postings()
        flat = self._summed(month * (n * n) + pair, cents, self.n_months * n * n)
        return flat.reshape(self.n_months, n, n)

    def close(self) -> None:
        """End of the run: keep the postings as arrays (the sums are made from them when
        read); any later posting is an error."""
        self._closed = self._postings()
        self._cells = self._cents = None  # type: ignore[assignment]

    @property
    def flows(self) -> NDArray[np.int64]:
        """Cents moved, as a ``month x to-account x from-account`` int64 array."""
        if self._flows is not None:
            return self._flows
        table = self._table()
        if self._closed is not None:  # closed: nothing changes any more
            self._flows = table
        return table

    @property
    def totals(self) -> NDArray[np.int64]:
        """Cents moved over the whole run, as a ``to-account x from-account`` int64 array."""
        if self._totals is not None:
            return self._totals
        n = self._n
        _, pair, cents = self._postings()
        totals = self._summed(pair, cents, n * n).reshape(n, n)
        if self._closed is not None:
            self._totals = totals
        return totals

    @property
    def yearly(self) -> NDArray[np.int64]:
        """Cents moved in each simulated year (months ``12 y`` to ``12 y + 11``), as a
        ``year x to-account x from-account`` int64 array."""
        if self._yearly is not None:
            return self._yearly
        n = self._n
        years = self.n_months // 12
        month, pair, cents = self._postings()
        flat = self._summed((month // 12) * (n * n) + pair, cents, years * n * n)
        yearly = flat.reshape(years, n, n)
        if self._closed is not None:
            self._yearly = yearly
        return yearly

    def monthly_between(self, to: Sequence[int], frm: Sequence[int]) -> NDArray[np.int64]:
        """Cents moved each month from any account of ``frm`` into any account of ``to``
        (one int64 per month): ``flows[:, to][:, :, frm].sum(axis=(1, 2))``."""
        n = self._n
        month, pair, cents = self._postings()
        to_mask = np.zeros(n, dtype=bool)
        to_mask[list(to)] = True
        frm_mask = np.zeros(n, dtype=bool)
        frm_mask[list(frm)] = True
        keep = to_mask[pair // n] & frm_mask[pair % n]
        return self._summed(month[keep], cents[keep], self.n_months)

    def inflow_cents(self, account: int) -> int:
        """Everything posted into ``account`` over the run, in cents."""
        return int(self.totals[account, :].sum())

    def outflow_cents(self, account: int) -> int:
        """Everything posted out of ``account`` over the run, in cents."""
        return int(self.totals[:, account].sum())

    def check_conservation(self, account: int) -> None:
        """Raise ``AssertionError`` unless opening + inflows - outflows = balance, to the cent."""
        expected = self.opening[account] + self.inflow_cents(account) - self.outflow_cents(account)
        if expected != self.balance[account]:
            raise AssertionError(
                f"ledger does not balance for {self.accounts[account]}: "
                f"{expected} != {self.balance[account]} cents"
            )
        if sum(self.balance) != 0:
            raise AssertionError("double entry broken: balances do not sum to zero")


def to_cents(usd: float) -> int:
    """US dollars to integer cents, rounded half to even."""
    return round(usd * 100)


def split_cents(total: int, weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Split ``total`` cents by ``weights`` (summing to one) so the parts add up exactly.

    Largest-remainder rounding: each part is floored, then the leftover cents go to
    the largest fractional remainders (ties to the lower index).
    """
    raw = np.asarray(weights, dtype=np.float64) * total
    parts = np.floor(raw).astype(np.int64)
    left = int(total - parts.sum())
    if left:
        order = np.argsort(-(raw - parts), kind="stable")
        parts[order[:left]] += 1
    return parts
