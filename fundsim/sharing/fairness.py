"""Fairness and stability measures of a vector of shares against a capacity key.

All measures take shares (fractions summing to one) and, where needed, a capacity
key (any non-negative unit, e.g. total expenses in USD), one value per entity.

* burden ratio :math:`b_i = s_i / (k_i / \\sum_j k_j)`: 1 means the entity pays
  exactly its share of capacity, 2 twice that;
* Suits index: :math:`1 - 2A`, with :math:`A` the area under the concentration
  curve of shares against capacity (entities ordered by capacity, cumulative
  capacity share on the x axis, cumulative cost share on the y axis). 0 is
  proportional to capacity, positive is progressive (the larger pay more than
  their capacity share), negative is regressive (equal shares among unequal
  entities). Suits (1977), *American Economic Review* 67(4);
* Gini coefficient of the shares (inequality of the contributions themselves);
* concentration: Herfindahl-Hirschman index :math:`\\sum_i s_i^2` and the share of
  the three largest payers;
* exit sensitivity: when entity :math:`j` leaves and the formula is applied again
  to the others, how far the remaining shares move,
  :math:`\\max_i |s_i^{(-j)} - s_i|` and the mean of the same over the others,
  absolute (share points) and relative (:math:`|s_i^{(-j)} / s_i - 1|`);
* amounts: :math:`s_i T`, USD a year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fundsim.sharing.bounds import normalise

Vector = NDArray[np.float64]


def burden_ratio(shares: ArrayLike, capacity: ArrayLike) -> Vector:
    """Share of cost over share of capacity, per entity (``inf`` for zero capacity and a
    positive share, ``nan`` for zero over zero)."""
    s = np.asarray(shares, dtype=np.float64)
    q = normalise(capacity, "capacity")
    if s.shape != q.shape:
        raise ValueError("shares and capacity must have the same length")
    with np.errstate(divide="ignore", invalid="ignore"):
        return s / q


def suits_index(shares: ArrayLike, capacity: ArrayLike) -> float:
    """Suits index of shares against capacity (see the module docstring), in [-1, 1].

    Entities with equal capacity are pooled into one point, so the order among them
    does not matter.
    """
    s = normalise(shares, "shares")
    q = normalise(capacity, "capacity")
    if s.shape != q.shape:
        raise ValueError("shares and capacity must have the same length")
    levels, group = np.unique(q, return_inverse=True)
    x = np.concatenate(([0.0], np.cumsum(np.bincount(group, weights=q, minlength=levels.size))))
    y = np.concatenate(([0.0], np.cumsum(np.bincount(group, weights=s, minlength=levels.size))))
    area = float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))
    return 1.0 - 2.0 * area


def gini(shares: ArrayLike) -> float:
    """Gini coefficient of the shares: 0 when all are equal, ``(n-1)/n`` when one pays all."""
    s = np.sort(normalise(shares, "shares"))
    n = s.size
    rank = np.arange(1, n + 1)
    return float(np.sum((2 * rank - n - 1) * s) / n)


def hhi(shares: ArrayLike) -> float:
    """Herfindahl-Hirschman index ``sum(s_i**2)``: ``1/n`` for equal shares, 1 for one payer."""
    s = normalise(shares, "shares")
    return float(np.sum(s**2))


def top_share(shares: ArrayLike, k: int = 3) -> float:
    """Combined share of the ``k`` largest payers (fraction)."""
    s = normalise(shares, "shares")
    return float(np.sort(s)[::-1][:k].sum())


@dataclass(frozen=True)
class ExitSensitivity:
    """How the remaining shares move when each entity leaves.

    For the exit of entity ``j``: ``max_change[j]`` and ``mean_change[j]`` are the
    largest and the mean absolute change of the others' shares (fractions of the
    total, so 0.01 is one percentage point); ``max_relative[j]`` and
    ``mean_relative[j]`` the same for the relative change :math:`|s'_i / s_i - 1|`
    (0.1 is a bill 10 % higher, the total being unchanged). Entries are ``nan`` when
    the formula cannot be applied without ``j``. When every remaining share rises,
    the mean absolute change is just :math:`s_j / (n - 1)`, whatever the formula;
    the relative changes tell formulas apart.
    """

    max_change: Vector
    mean_change: Vector
    max_relative: Vector
    mean_relative: Vector

    @staticmethod
    def _nan_reduce(values: Vector, reduce: Callable[[Vector], float]) -> float:
        finite = values[np.isfinite(values)]
        return float(reduce(finite)) if finite.size else float("nan")

    @property
    def worst(self) -> float:
        """The largest absolute move any exit causes to any remaining share."""
        return self._nan_reduce(self.max_change, np.max)

    @property
    def average(self) -> float:
        """The mean absolute move of the remaining shares, averaged over exits."""
        return self._nan_reduce(self.mean_change, np.mean)

    @property
    def worst_relative(self) -> float:
        """The largest relative move any exit causes to any remaining share."""
        return self._nan_reduce(self.max_relative, np.max)

    @property
    def average_relative(self) -> float:
        """The mean relative move of the remaining shares, averaged over exits."""
        return self._nan_reduce(self.mean_relative, np.mean)


def exit_sensitivity(
    shares_of: Callable[[NDArray[np.intp]], Vector], shares: ArrayLike
) -> ExitSensitivity:
    """Move of the remaining shares when each entity in turn leaves.

    Parameters
    ----------
    shares_of
        Applies the formula to a subset of entities, given their indices, and
        returns their shares (same order). It may raise ``ValueError`` when the
        formula has no solution for that subset.
    shares
        The shares with everyone present.
    """
    s = np.asarray(shares, dtype=np.float64)
    n = s.size
    out = {
        name: np.full(n, np.nan)
        for name in ("max_change", "mean_change", "max_relative", "mean_relative")
    }
    everyone = np.arange(n)
    for j in range(n if n > 1 else 0):
        stay = everyone[everyone != j]
        try:
            after = np.asarray(shares_of(stay), dtype=np.float64)
        except ValueError:
            continue
        change = np.abs(after - s[stay])
        out["max_change"][j] = change.max()
        out["mean_change"][j] = change.mean()
        paying = s[stay] > 0
        if paying.any():
            relative = change[paying] / s[stay][paying]
            out["max_relative"][j] = relative.max()
            out["mean_relative"][j] = relative.mean()
    return ExitSensitivity(**out)


def amounts_usd(shares: ArrayLike, total_usd: float) -> Vector:
    """Dollars per entity per year: ``s_i * total_usd``."""
    return np.asarray(shares, dtype=np.float64) * float(total_usd)
