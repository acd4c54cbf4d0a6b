"""Capacity to pay with a floor and a ceiling, after the UN scale of assessments.

Shares start proportional to a capacity key (total expenditure, say), then are
bounded: no entity pays more than the ceiling or less than the floor, and what the
bounds move is redistributed pro rata among the others until stable
(:func:`fundsim.sharing.bounds.apply_floor_ceiling`):

.. math::

    s_i = \\min\\bigl(c, \\max(f', \\lambda k_i / \\textstyle\\sum_j k_j)\\bigr),
    \\qquad f' = \\min\\bigl(\\max(f, F / T), 1/n\\bigr), \\qquad \\sum_i s_i = 1.

:math:`F` is an optional minimum contribution in USD a year and :math:`T` the annual
total; when :math:`nF > T` the minimum cannot be met and everyone pays
:math:`T/n`. When fewer than :math:`1/c` entities take part (after exits) the
ceiling rises to :math:`1/n`.

Precedents: the UN scale of assessments (ceiling and floor rates, excess above
the ceiling redistributed pro rata; GA resolution 55/5 set the ceiling at 22 %),
and the minimum of USD 75,000 a year in the 2005 UNDSS field-security
cost-sharing (CEB/2005/HLCM/R.4; docs/data.md, Sources).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from fundsim.sharing.bounds import Shares, apply_floor_ceiling, effective_bounds, normalise


def capacity_to_pay(
    key: ArrayLike,
    floor: float = 0.0,
    ceiling: float = 1.0,
    *,
    floor_usd: float = 0.0,
    total_usd: float | None = None,
) -> Shares:
    """Shares proportional to a capacity key, bounded to ``[floor, ceiling]``.

    Parameters
    ----------
    key
        Capacity to pay, one non-negative value per entity (USD of expenses...).
    floor, ceiling
        Bounds on each share, fractions of the total.
    floor_usd
        A minimum contribution, USD a year; needs ``total_usd``. The effective
        bounds are those of :func:`fundsim.sharing.bounds.effective_bounds`: the
        floor is the larger of ``floor`` and ``floor_usd / total_usd``, capped at
        ``1 / n``; the ceiling is at least ``1 / n``.
    total_usd
        The annual cost to share, USD.
    """
    q = normalise(key)
    low, high = effective_bounds(q.size, floor, ceiling, floor_usd=floor_usd, total_usd=total_usd)
    return apply_floor_ceiling(q, low, high)
