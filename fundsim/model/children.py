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
from fundsim.scenario.schema import Children, SupportYears

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
        self.n_stock = n_stock
        ages = draw_non_negative(children.stock_age_years, rng_for("child_stock"), n_stock)
        start = np.concatenate((np.zeros(n_stock), np.floor(births + 0.5))).astype(np.int64)
        to_18 = np.concatenate(
            (np.rint(np.maximum(0.0, 18.0 - ages) * 12), np.full(births.size, MONTHS_TO_18))
        )
        until = children.support_until
        if isinstance(until, SupportYears):
            to_18 = np.minimum(to_18, 12 * until.years)
        cap = start + to_18.astype(
            np.int64
        )  # the latest end the policy allows (the valuation basis)
        success = rng_for("paternity").random(n) < children.paternity_success
        delay = np.rint(
            draw_non_negative(children.paternity_delay_months, rng_for("paternity_delay"), n)
        ).astype(np.int64)
        resolved = np.minimum(cap, start + delay)  # when the claim is resolved (or the cap)
        monthly = np.rint(
            draw_non_negative(children.support_usd_year, rng_for("child_support"), n) * 100 / 12
        )
        self.monthly_cents = monthly.astype(np.int64)
        # Two segments of support: the full amount to ``change``, then ``after_cents`` to ``end``.
        if until == "paternity_resolved":
            change = resolved
            after = np.zeros(n, dtype=np.int64)
        else:
            change = np.where(success, resolved, cap)
            after = np.where(
                success, np.rint(self.monthly_cents * (1.0 - children.paternity_recovery_share)), 0
            )
            after = after.astype(np.int64)
        end = np.where(after > 0, cap, change)
        self.start = start
        self.cap = np.maximum(cap, start)
        self.change = np.maximum(change, start)
        self.end = np.maximum(end, start)
        self.after_cents = after
        self.success = success
        self.interim = until == "paternity_resolved"  # support ends when the claim is resolved
        self.recovery_share = children.paternity_recovery_share
        delta = np.zeros(n_months + 1, dtype=np.int64)
        np.add.at(delta, np.minimum(self.start, n_months), self.monthly_cents)
        np.add.at(delta, np.minimum(self.change, n_months), -self.monthly_cents)
        if after.any():
            np.add.at(delta, np.minimum(self.change, n_months), after)
            np.add.at(delta, np.minimum(self.end, n_months), -after)
        base = np.cumsum(delta)[:n_months]
        self._base_due = base  # cents a month at start-year prices
        self._price_index = tuple(price_index)
        prices = np.repeat(np.asarray(price_index, dtype=np.float64), 12)[:n_months]
        due = np.rint(base * prices).astype(np.int64)
        self._due: list[int] = due.tolist()
        cum = np.concatenate(([0], np.cumsum(due)))
        self._cum_due: list[int] = cum.tolist()
        # The support due in the 12 months after each month (see due_ahead_cents).
        months = np.arange(n_months)
        self._ahead_12: list[int] = (
            cum[np.minimum(n_months, months + 13)] - cum[np.minimum(n_months, months + 1)]
        ).tolist()
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
        if months == 12 and 0 <= month < self.n_months:
            return self._ahead_12[month]
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
        last-year prices, ``discount_rate``), with the paternity outcomes drawn beyond the
        horizon (its mean over replications is the expected liability)."""
        n = self.n_months
        owed = self.change > n
        total = 0.0
        if owed.any():
            left = self.change[owed] - np.maximum(self.start[owed], n)
            monthly = self.monthly_cents[owed] * self._last_price
            total = float((monthly * annuity_factor(left, self.rate)).sum())
        later = (self.after_cents > 0) & (self.end > n)
        if later.any():  # the part of support the window keeps after a paternity recovery
            wait = np.maximum(self.change[later] - n, 0)
            left = self.end[later] - np.maximum(self.change[later], n)
            v = (1.0 + self.rate) ** (-1.0 / 12.0)
            monthly = self.after_cents[later] * self._last_price
            total += float((monthly * v**wait * annuity_factor(left, self.rate)).sum())
        return total

    def owed_at_end(self) -> int:
        """Children still owed support at the end of the horizon."""
        return int((self.end > self.n_months).sum())
