"""Pick and apply a formula from a formula specification.

``compute_shares`` takes any object with the attributes of
:class:`fundsim.scenario.schema.Formula` (``kind``, ``key``, ``weights``,
``base_fraction``, ``floor``, ``ceiling``, ``bands``, ``risk_key``,
``risk_weight``, and optionally ``floor_usd``) and the entity key columns, so
that this package never imports the scenario layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fundsim.sharing import formulas
from fundsim.sharing.bounds import effective_bounds
from fundsim.sharing.capacity import capacity_to_pay
from fundsim.sharing.risk import risk_adjusted
from fundsim.sharing.shapley import network_shapley
from fundsim.sharing.tiered import tiered
from fundsim.sharing.usage import usage_based

#: Every formula kind :func:`compute_shares` knows.
KINDS: tuple[str, ...] = (
    "equal",
    "proportional",
    "weighted",
    "base_plus_variable",
    "tiered",
    "capacity",
    "risk_adjusted",
    "usage",
    "shapley",
)


def compute_shares(
    formula: Any,
    n: int,
    keys: Mapping[str, NDArray[np.float64]],
    *,
    presence: NDArray[np.bool_] | None = None,
    country_cost: NDArray[np.float64] | None = None,
    total_usd: float | None = None,
) -> NDArray[np.float64]:
    """Shares (fractions summing to one) of ``n`` participating entities.

    Parameters
    ----------
    formula
        An object with the attributes of ``fundsim.scenario.schema.Formula``.
    n
        Number of participating entities.
    keys
        Entity column name -> vector over the participating entities.
    presence
        Entities x countries, bool: the entity operates in the country (``usage``
        and ``shapley``).
    country_cost
        Annual cost of each country's post, USD (``usage`` and ``shapley``).
    total_usd
        The annual cost to share, USD (``tiered``, and ``floor_usd``).

    Notes
    -----
    Every kind then applies the formula's ``floor``, ``ceiling`` and ``floor_usd``
    (:func:`fundsim.sharing.bounds.effective_bounds`): the ceiling rises to ``1/n``
    when too few entities remain to respect it, and a USD floor is capped at ``1/n``.

    Raises
    ------
    ValueError
        When the inputs the formula needs are missing or admit no solution.
    """
    kind = formula.kind
    if kind == "equal":
        shares = formulas.equal(n)
    elif kind == "proportional":
        shares = formulas.proportional(keys[formula.key])
    elif kind == "weighted":
        shares = formulas.weighted(keys, formula.weights)
    elif kind == "base_plus_variable":
        shares = formulas.base_plus_variable(keys[formula.key], formula.base_fraction)
    elif kind == "tiered":
        if total_usd is None:
            raise ValueError("formula 'tiered' needs total_usd")
        bands = [(b.up_to_share, b.amount_usd) for b in formula.bands]
        shares = tiered(keys[formula.key], bands, total_usd)
    elif kind == "capacity":
        # The floor and ceiling are this formula's own; they are applied below like any other.
        shares = capacity_to_pay(keys[formula.key])
    elif kind == "risk_adjusted":
        shares = risk_adjusted(keys[formula.key], keys[formula.risk_key], formula.risk_weight)
    elif kind in ("usage", "shapley"):
        if presence is None or country_cost is None:
            raise ValueError(f"formula '{kind}' needs presence and country_cost")
        if kind == "usage":
            key = keys[formula.key] if formula.key else None
            shares = usage_based(presence, country_cost, key)
        else:
            shares = network_shapley(presence, country_cost)
    else:
        raise ValueError(f"unknown formula '{kind}' (known: {', '.join(KINDS)})")
    if shares.size != n:
        raise ValueError(f"formula '{kind}' gave {shares.size} shares for {n} entities")
    floor, ceiling = effective_bounds(
        n, float(formula.floor), float(formula.ceiling),
        floor_usd=float(getattr(formula, "floor_usd", 0.0) or 0.0), total_usd=total_usd,
    )
    if floor > 0 or ceiling < 1:
        shares = formulas.apply_floor_ceiling(shares, floor, ceiling)
    return shares
