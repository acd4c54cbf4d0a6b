"""Key-based cost-sharing formulas: equal, proportional, weighted keys, base plus variable.

Each returns a vector of shares (fractions of the annual cost) that sums to one,
in the order of the key vectors given. Pure numpy, no SimPy and no I/O.
Precedents are listed in docs/data.md (Sources); the formulas with more
structure live beside this module (:mod:`~fundsim.sharing.tiered`,
:mod:`~fundsim.sharing.capacity`, :mod:`~fundsim.sharing.risk`,
:mod:`~fundsim.sharing.usage`, :mod:`~fundsim.sharing.shapley`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from fundsim.sharing.bounds import Shares, apply_floor_ceiling, normalise

__all__ = [
    "Shares",
    "apply_floor_ceiling",
    "base_plus_variable",
    "equal",
    "proportional",
    "weighted",
]


def equal(n: int) -> Shares:
    """Equal shares, :math:`s_i = 1/n`.

    Precedent: the flat part of most inter-agency arrangements; a formula that
    ignores size entirely, kept as the reference point for fairness measures.
    """
    if n < 1:
        raise ValueError("need at least one entity")
    return np.full(n, 1.0 / n)


def proportional(key: ArrayLike) -> Shares:
    """Shares proportional to one key, :math:`s_i = k_i / \\sum_j k_j`.

    Precedents (CEB "Inter-organization cost-sharing"; HLCM 2005): the JIU is
    shared on total expenditure from all sources in
    the previous year (since 1967); ICSC and CCAQ costs on the number of
    Professional posts (since 1961); UNDSS field security on each organization's
    share of field staff (2005).

    Parameters
    ----------
    key
        Non-negative values, one per entity (USD of expenses, head counts...).
    """
    return normalise(key)


def weighted(keys: Mapping[str, ArrayLike], weights: Mapping[str, float]) -> Shares:
    """A weighted mix of keys, :math:`s_i = \\sum_j w_j k_{ij} / \\sum_i k_{ij}`.

    The weights are normalised to sum to one, so ``{"expenses_usd": 2,
    "personnel": 1}`` means two thirds by expenses, one third by personnel. Each key
    is normalised on its own first, so keys in different units mix fairly.

    Precedent (unverified recollection, L): the UNSDG cost-sharing of the Resident
    Coordinator system is recalled to combine entity size and country presence.
    """
    names = list(weights)
    w = normalise([weights[name] for name in names], "weights")
    parts = [wj * normalise(keys[name], name) for wj, name in zip(w, names, strict=True)]
    return np.sum(parts, axis=0)


def base_plus_variable(key: ArrayLike, base_fraction: float) -> Shares:
    """A fixed base split equally plus a variable part by key.

    .. math:: s_i = b / n + (1 - b)\\, k_i / \\sum_j k_j

    Parameters
    ----------
    key
        Non-negative values, one per entity.
    base_fraction
        :math:`b`, the fraction of the total split equally (0 to 1).

    Precedent (unverified recollection, L): the UNSDG Resident Coordinator
    cost-share is recalled to
    combine a minimum or fixed part with a variable part based on entity size.
    """
    if not 0.0 <= base_fraction <= 1.0:
        raise ValueError("base_fraction must be between 0 and 1")
    var = normalise(key)
    return base_fraction / var.size + (1.0 - base_fraction) * var
