"""The liability to children born of SEA, rolled forward year by year (an actuarial roll-forward).

Valuation basis ("book" basis). At a month boundary ``t`` a child whose support has
started is owed its *current* monthly amount ``R`` until the latest end its policy
allows (``support_until``: age 18, or N years), with no credit taken for a paternity
claim not yet resolved: ``V(t) = R a(C - t)`` with ``a(K) = v^0.5 (1 - v^K) / (1 - v)``,
``v = (1 + r)^(-1/12)`` (:func:`~fundsim.model.children.annuity_factor`), in start-year
prices, times the year's price index. Events then move the liability:

- a child's support starts: **new children** (its present value at entry; the ~500
  children supported at the decision date are the *opening* liability of the first year);
- each month: **interest unwind** ``V(t) (1/v - 1) - R (v^-0.5 - 1)`` (a month's interest,
  less the half month not earned on a payment made mid-month) and **payments** ``R``
  (support falling due, paid or missed);
- a paternity claim succeeds: **paternity recovery** releases the recovered share of the
  remaining value; support that ends when the claim is resolved (``"paternity_resolved"``)
  releases the rest as **end of interim support**. On this basis a child reaching 18 (or
  the end of N years) has run off through its payments, so an **age-out** releases no
  value: the statement counts those children instead;
- a new year's prices: **revaluation** of the opening liability by the price change.

So ``closing = opening + new + unwind - payments - releases + revaluation`` exactly
(algebraically); :func:`liability_statement` checks it to within a cent in float and
rounds each line to the cent, the unwind line taking the sub-cent rounding of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from fundsim.model.children import ChildSupport, annuity_factor

#: Columns of the statement (cents, except the two counts).
STATEMENT_COLUMNS = (
    "opening",
    "new_children",
    "interest_unwind",
    "payments",
    "release_paternity",
    "release_interim_end",
    "revaluation",
    "closing",
    "children_entered",
    "children_aged_out",
)


@dataclass(frozen=True)
class LiabilityStatement:
    """The roll-forward of one replication and the values the funding policies use."""

    lines: NDArray[np.int64]  # years x STATEMENT_COLUMNS (cents; counts for the last two)
    liability_cents: NDArray[
        np.float64
    ]  # book liability after each month's payment (cents, that year's prices)
    entry_pv_cents: NDArray[
        np.float64
    ]  # each month's new children's present value at entry (cents)
    stock_pv_cents: float  # the liability at the decision date (today's children), cents
    pv_per_new_child_cents: (
        float  # mean present value at entry of the children arriving (cents, entry-year prices)
    )

    @property
    def closing_cents(self) -> int:
        """The book liability at the end of the horizon (cents, last-year prices)."""
        return int(self.lines[-1, STATEMENT_COLUMNS.index("closing")])


class _Monthly(NamedTuple):
    """A replication's liability by month, in real cents (start-year prices)."""

    payments: NDArray[np.float64]  # support paid
    value_end: NDArray[np.float64]  # the liability at the end of the month
    unwind: NDArray[np.float64]  # the discount's unwind
    new: NDArray[Any]  # float64: new children's present value at entry
    released_paternity: NDArray[Any]  # float64: released by successful paternity claims
    released_end: NDArray[Any]  # float64: released at the end of interim support
    aged_out: NDArray[np.int64]  # children reaching 18
    entered: NDArray[np.int64]  # children entering


def _values(
    children: ChildSupport,
    cap: NDArray[np.float64],
    full: NDArray[np.float64],
    after: NDArray[np.float64],
) -> tuple[NDArray[np.float64], ...]:
    """Support paid, the liability at the month's end and the unwind, by month (real
    cents): the monthly sums over the children paid in each month (two segments each: the
    full amount to ``change``, then ``after`` to ``end``), from difference arrays: the
    amount, and the amount times v^cap, from which sum R a(cap - t) follows in closed form.
    ``cap``, ``full``, ``after``: the children's caps and amounts as floats."""
    n_months = children.n_months
    rate = children.rate
    v = (1.0 + rate) ** (-1.0 / 12.0)
    j = 1.0 / v - 1.0
    half = v**-0.5 - 1.0
    start, change, end = (
        np.minimum(a, n_months) for a in (children.start, children.change, children.end)
    )
    v_cap = v**cap if rate else cap
    amount_m = np.zeros(n_months + 1)
    weighted_m = np.zeros(n_months + 1)
    for lo, hi, r in ((start, change, full), (change, end, after)):
        amount_m += np.bincount(lo, r, n_months + 1) - np.bincount(hi, r, n_months + 1)
        w = r * v_cap
        weighted_m += np.bincount(lo, w, n_months + 1) - np.bincount(hi, w, n_months + 1)
    payments_m = np.cumsum(amount_m)[:n_months]
    weighted = np.cumsum(weighted_m)[:n_months]
    t = np.arange(n_months, dtype=np.float64)
    if rate:
        scale = v**0.5 / (1.0 - v)
        value_m = scale * (payments_m - v**-t * weighted)  # sum R a(cap - t), start of month
        value_end_m = scale * (payments_m - v ** -(t + 1) * weighted)  # sum R a(cap - t - 1)
    else:
        value_m = weighted - t * payments_m
        value_end_m = value_m - payments_m
    unwind_m = value_m * j - payments_m * half
    return payments_m, value_end_m, unwind_m


def _monthly(
    children: ChildSupport,
) -> tuple[_Monthly, NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]:
    """The liability's movements by month, each child's present value at entry (real
    cents), which children are today's stock and which enter within the horizon."""
    n_months = children.n_months
    rate = children.rate
    start, change, end = children.start, children.change, children.end
    cap = children.cap.astype(np.float64)
    full = children.monthly_cents.astype(np.float64)
    after = children.after_cents.astype(np.float64)
    payments_m, value_end_m, unwind_m = _values(children, cap, full, after)
    entry_pv = full * annuity_factor(cap - start, rate)
    is_stock = np.arange(children.n) < children.n_stock
    entering = ~is_stock & (start < n_months)
    start_entering = start[entering]
    new_m = np.bincount(start_entering, entry_pv[entering], n_months)
    released = (change < cap) & (change < n_months)
    change_released = change[released]
    drop = (full - np.where(change < end, after, 0.0)) * annuity_factor(cap - change, rate)
    # A successful claim releases what the father takes over (with support that ends at the
    # resolution, his share of it); the rest of a drop is the end of interim support.
    father_share = children.recovery_share if children.interim else 1.0
    father = np.where(children.success, drop * father_share, 0.0)
    monthly = _Monthly(
        payments=payments_m,
        value_end=value_end_m,
        unwind=unwind_m,
        new=new_m,
        released_paternity=np.bincount(change_released, father[released], n_months),
        released_end=np.bincount(change_released, (drop - father)[released], n_months),
        aged_out=np.bincount(
            end[(end == children.cap) & (end > start) & (end <= n_months)] - 1,
            minlength=n_months,
        ),
        entered=np.bincount(start_entering, minlength=n_months),
    )
    return monthly, entry_pv, is_stock, entering


def _by_year(monthly: NDArray[Any], years: int) -> list[Any]:
    """Each year's sum of the 12 months of ``monthly``, as Python numbers (numpy sums each
    row of 12 exactly as it sums a year's slice: the same pairwise sums)."""
    result: list[Any] = monthly[: 12 * years].reshape(years, 12).sum(axis=1).tolist()
    return result


def _yearly_lines(m: _Monthly, prices: NDArray[np.float64], stock_pv: float) -> NDArray[np.int64]:
    """The roll-forward, years x :data:`STATEMENT_COLUMNS` (cents at each year's
    ``prices``, counts), checked to close year by year."""
    years = prices.size
    lines = np.zeros((years, len(STATEMENT_COLUMNS)), dtype=np.int64)
    new_y, unwind_y, pay_y = (_by_year(a, years) for a in (m.new, m.unwind, m.payments))
    rel_pat_y, rel_end_y = _by_year(m.released_paternity, years), _by_year(m.released_end, years)
    entered_y, aged_out_y = _by_year(m.entered, years), _by_year(m.aged_out, years)
    closing_y = m.value_end[11 : 12 * years : 12].tolist()
    opening_real = stock_pv
    prev_price = float(prices[0])
    for y, p in enumerate(prices.tolist()):
        new, unwind, pay = new_y[y], unwind_y[y], pay_y[y]
        rel_pat, rel_end = rel_pat_y[y], rel_end_y[y]
        closing_real = closing_y[y]
        flows_real = opening_real + new + unwind - pay - rel_pat - rel_end
        if abs(flows_real - closing_real) * p >= 1.0:
            raise AssertionError(
                f"children's liability does not roll forward in year {y}: "
                f"{flows_real * p:.2f} != {closing_real * p:.2f} cents"
            )
        row = [
            round(opening_real * prev_price),
            round(new * p),
            0,
            round(pay * p),
            round(rel_pat * p),
            round(rel_end * p),
            round(opening_real * (p - prev_price)),
            round(closing_real * p),
        ]
        row[2] = row[7] - (
            row[0] + row[1] - row[3] - row[4] - row[5] + row[6]
        )  # the unwind, to the cent
        lines[y, :8] = row
        lines[y, 8] = entered_y[y]
        lines[y, 9] = aged_out_y[y]
        opening_real, prev_price = closing_real, p
    return lines


def liability_statement(children: ChildSupport) -> LiabilityStatement:
    """The yearly roll-forward of ``children``'s liability (see the module docstring)."""
    n_months = children.n_months
    years = n_months // 12
    start = children.start
    monthly, entry_pv, is_stock, new_children = _monthly(children)
    stock_pv = float(entry_pv[is_stock].sum())
    prices = np.asarray(children._price_index, dtype=np.float64)[:years]
    lines = _yearly_lines(monthly, prices, stock_pv)
    month_prices = np.repeat(prices, 12)[:n_months]
    entry_prices = month_prices[np.minimum(start[new_children], n_months - 1)]
    per_child = (
        float((entry_pv[new_children] * entry_prices).mean())
        if new_children.any()
        else float("nan")
    )
    entry_nominal = monthly.new * month_prices
    entry_nominal[0] += stock_pv
    return LiabilityStatement(
        lines=lines,
        liability_cents=monthly.value_end * month_prices,
        entry_pv_cents=entry_nominal,
        stock_pv_cents=stock_pv,
        pv_per_new_child_cents=per_child,
    )
