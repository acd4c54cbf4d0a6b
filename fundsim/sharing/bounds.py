"""Floors and ceilings on shares, redistributing pro rata as the UN scale of assessments does.

The UN scale of assessments caps the largest rate at a ceiling and raises the
smallest to a floor; what the ceiling removes is redistributed pro rata among the
others, and the procedure is repeated until no rate moves. Its fixed point has a
closed description, which :func:`apply_floor_ceiling` computes exactly instead of
iterating:

.. math::

    s'_i = \\min\\bigl(c, \\max(f, \\lambda s_i)\\bigr), \\qquad \\sum_i s'_i = 1,

with one scale factor :math:`\\lambda > 0` for everyone. Entities strictly between
the bounds keep shares proportional to their unbounded shares (the "pro rata"
part); an entity sits at the ceiling (floor) exactly when its scaled share would
pass it. Iterating "cut to the bound, rescale the others" can leave an entity
pinned at the floor after a later redistribution has lifted everyone above it;
the fixed point above never does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Shares = NDArray[np.float64]

_TOL = 1e-12


def normalise(values: ArrayLike, what: str = "key") -> Shares:
    """``values / sum(values)`` after checking that they form a usable key.

    Raises ``ValueError`` when ``values`` is empty, not one-dimensional, holds a
    negative or non-finite number, or sums to zero.
    """
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty vector")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{what} must be finite and non-negative")
    total = arr.sum()
    if total <= 0:
        raise ValueError(f"{what} sums to zero")
    return arr / total


def apply_floor_ceiling(shares: ArrayLike, floor: float = 0.0, ceiling: float = 1.0) -> Shares:
    """Bound each share to ``[floor, ceiling]`` keeping the sum at one.

    Parameters
    ----------
    shares
        Unbounded shares (or any non-negative key; normalised first).
    floor, ceiling
        Bounds on each share, fractions of the total.

    Returns
    -------
    numpy.ndarray
        ``min(ceiling, max(floor, lam * s_i))`` with ``lam`` such that the shares sum
        to one (see the module docstring).

    Raises
    ------
    ValueError
        When no such shares exist: ``floor > ceiling``, ``n * floor > 1``,
        ``n * ceiling < 1``, or too few entities have a positive share to absorb
        what the ceiling removes.
    """
    s = normalise(shares, "shares")
    n = s.size
    if not 0.0 <= floor <= ceiling <= 1.0:
        raise ValueError("need 0 <= floor <= ceiling <= 1")
    if n * floor > 1 + _TOL or n * ceiling < 1 - _TOL:
        raise ValueError(f"no shares of {n} entities fit between {floor} and {ceiling}")
    if np.all(s >= floor) and np.all(s <= ceiling):
        return s
    if n * floor >= 1 - _TOL or n * ceiling <= 1 + _TOL:
        return np.full(n, 1.0 / n)

    def total_at(lam: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.clip(np.outer(lam, s), floor, ceiling).sum(axis=1)

    positive = s[s > 0]
    # The sum is piecewise linear and non-decreasing in lam, with kinks where an
    # entity meets a bound; find the linear piece on which it crosses one.
    kinks = np.unique(np.concatenate(([0.0], floor / positive, ceiling / positive)))
    sums = total_at(kinks)
    above = np.flatnonzero(sums >= 1.0)
    if above.size == 0 and sums[-1] >= 1.0 - _TOL:
        above = np.array([sums.size - 1])  # reaches one at the last kink, but for rounding
    if above.size == 0:
        raise ValueError(
            f"ceiling {ceiling}: only {positive.size} of {n} entities have a positive share, "
            "too few to absorb the excess"
        )
    k = int(above[0])
    # The sum crosses one on the linear piece that ends at kink k: its middle tells who
    # is bounded, and the free ones share the rest exactly. (Deciding at the kink itself
    # when the sum is within rounding of one there would pin a free entity to its bound
    # and leave a positive key with nothing.)
    lam = kinks[k] if k == 0 else 0.5 * (kinks[k - 1] + kinks[k])
    at_floor = lam * s <= floor
    at_ceiling = lam * s >= ceiling
    free = ~(at_floor | at_ceiling)
    out = np.where(at_floor, floor, ceiling)
    if free.any():
        remaining = 1.0 - out[~free].sum()
        out[free] = s[free] * (remaining / s[free].sum())
    return out


def effective_bounds(
    n: int,
    floor: float = 0.0,
    ceiling: float = 1.0,
    *,
    floor_usd: float = 0.0,
    total_usd: float | None = None,
) -> tuple[float, float]:
    """The floor and ceiling (fractions) actually applied among ``n`` entities.

    The floor is the larger of ``floor`` and ``floor_usd / total_usd`` (a minimum
    contribution in USD a year), capped at ``1 / n`` so that it can be met; the
    ceiling rises to ``1 / n`` when fewer than ``1 / ceiling`` entities remain (after
    exits), since nobody could otherwise pay the rest.
    """
    if n < 1:
        raise ValueError("need at least one entity")
    if floor_usd > 0:
        if total_usd is None or not total_usd > 0:
            raise ValueError("floor_usd needs a positive total_usd")
        floor = max(floor, floor_usd / total_usd)
    floor = min(floor, 1.0 / n)
    ceiling = max(ceiling, 1.0 / n, floor)
    return floor, ceiling
