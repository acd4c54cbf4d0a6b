"""Children born of SEA (Rec 14): interim support to age 18, paternity claims, liabilities.

Every child of the replication is drawn at the start: the stock (supported from
month 0, aged ``stock_age_years``) and the new children (a Poisson process at
``new_per_year`` scaled like allegations). Each child has a monthly amount (start-year
prices) and a support interval ``[start, end)`` in months: ``end`` is age 18, or
earlier when its paternity claim succeeds and the father takes the cost over.
Because none of this depends on money, the amount due each month is one
precomputed array (a difference array summed once): the monthly tick pays one
number, not one event per child per month.

What is still owed at the end of the horizon is discounted at ``discount_rate``
(real, per year) to its present value, the window's liability: for a child owed
``K`` more monthly payments of ``M`` (paid mid-month),
``PV = M v^0.5 (1 - v^K) / (1 - v)`` with ``v = (1 + r)^(-1/12)``. The paternity
draws beyond the horizon enter this sum, so its mean over replications is the
expected liability.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from fundsim.model.allegations import poisson_times
from fundsim.model.sampling import draw_non_negative
from fundsim.scenario.schema import Children

RngFor = Callable[[str], np.random.Generator]

#: Months from birth to the 18th birthday.
MONTHS_TO_18 = 216


def annuity_factor(months: NDArray[np.float64], rate_annual: float) -> NDArray[np.float64]:
    """Present value at time 0 of 1 paid at months 0.5, 1.5, ..., ``months - 0.5``."""
    months = np.asarray(months, dtype=np.float64)
    if rate_annual == 0:
        return months
    v = (1.0 + rate_annual) ** (-1.0 / 12.0)
    return v**0.5 * (1.0 - v**months) / (1.0 - v)


class ChildSupport:
    """Supported children of one replication: who is owed what, month by month."""

    def __init__(
        self,
        children: Children,
        multiplier: NDArray[np.float64],
        n_months: int,
        price_index: Sequence[float],
        rng_for: RngFor,
    ) -> None:
        self.n_months = n_months
        self.rate = children.discount_rate
        births = poisson_times(children.new_per_year * multiplier, rng_for("child_births"))
        n_stock = children.stock
        n = n_stock + births.size
        self.n = n
        ages = draw_non_negative(children.stock_age_years, rng_for("child_stock"), n_stock)
        start = np.concatenate((np.zeros(n_stock), np.floor(births + 0.5))).astype(np.int64)
        to_18 = np.concatenate((np.rint(np.maximum(0.0, 18.0 - ages) * 12), np.full(births.size, MONTHS_TO_18)))
        end = start + to_18.astype(np.int64)
        success = rng_for("paternity").random(n) < children.paternity_success
        delay = np.rint(draw_non_negative(children.paternity_delay_months, rng_for("paternity_delay"), n)).astype(np.int64)
        end = np.where(success, np.minimum(end, start + delay), end)
        self.start = start
        self.end = np.maximum(end, start)
        monthly = np.rint(draw_non_negative(children.support_usd_year, rng_for("child_support"), n) * 100 / 12)
        self.monthly_cents = monthly.astype(np.int64)
        delta = np.zeros(n_months + 1, dtype=np.int64)
        np.add.at(delta, np.minimum(self.start, n_months), self.monthly_cents)
        np.add.at(delta, np.minimum(self.end, n_months), -self.monthly_cents)
        base = np.cumsum(delta)[:n_months]
        prices = np.repeat(np.asarray(price_index, dtype=np.float64), 12)[:n_months]
        self._due: list[int] = np.rint(base * prices).astype(np.int64).tolist()
        self._cum_due: list[int] = [0, *np.cumsum(self._due).tolist()]
        self._last_price = float(price_index[-1])
        self.paid_share = np.zeros(n_months)  # share of each month's due that was paid
        self.paid_cents = 0
        self.missed_cents = 0

    def due_cents(self, month: int) -> int:
        """Support due for ``month`` (cents, that year's prices)."""
        return self._due[month]

    def due_ahead_cents(self, month: int, months: int = 12) -> int:
        """Support due in the ``months`` months after ``month`` (cents), kept back from new
        service packages so that children stay paid first."""
        cum = self._cum_due
        last = len(cum) - 1
        return cum[min(last, month + 1 + months)] - cum[min(last, month + 1)]

    def record(self, month: int, paid: int, due: int) -> None:
        """Note what the window paid of ``due`` in ``month``."""
        self.paid_cents += paid
        self.missed_cents += due - paid
        self.paid_share[month] = paid / due if due else 0.0

    def supported(self) -> int:
        """Children who received at least one monthly payment during the horizon."""
        paid_months = np.concatenate(([0], np.cumsum(self.paid_share > 0)))
        lo = np.minimum(self.start, self.n_months)
        hi = np.minimum(self.end, self.n_months)
        return int(((paid_months[hi] - paid_months[lo]) > 0).sum())

    def obligations_pv_cents(self) -> float:
        """Present value at the end of the horizon of the support still owed (cents,
        last-year prices, ``discount_rate``)."""
        owed = self.end > self.n_months
        if not owed.any():
            return 0.0
        left = self.end[owed] - np.maximum(self.start[owed], self.n_months)
        monthly = self.monthly_cents[owed] * self._last_price
        return float((monthly * annuity_factor(left, self.rate)).sum())

    def owed_at_end(self) -> int:
        """Children still owed support at the end of the horizon."""
        return int((self.end > self.n_months).sum())
