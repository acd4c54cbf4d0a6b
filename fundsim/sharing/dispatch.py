"""Pick and apply a formula from a formula specification.

``compute_shares`` takes any object with the attributes of
:class:`fundsim.scenario.schema.Formula` (``kind``, ``key``, ``weights``,
``base_fraction``, ``floor``, ``ceiling``, ``bands``, ``risk_key``,
``risk_weight``, and optionally ``floor_usd``) and the entity key columns, so
that this package never imports the scenario layer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fundsim.sharing import formulas
from fundsim.sharing.bounds import Shares, effective_bounds
from fundsim.sharing.capacity import capacity_to_pay
from fundsim.sharing.risk import risk_adjusted
from fundsim.sharing.shapley import network_shapley
from fundsim.sharing.tiered import tiered
from fundsim.sharing.usage import usage_based

#: Entity column name -> vector over the participating entities.
Keys = Mapping[str, NDArray[np.float64]]
#: Entities x countries (``usage`` and ``shapley`` only).
Presence = NDArray[np.bool_] | None
#: Annual cost of each country's post, USD (``usage`` and ``shapley`` only).
Costs = NDArray[np.float64] | None


def _needs_network(
    kind: str, presence: Presence, country_cost: Costs
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    if presence is None or country_cost is None:
        raise ValueError(f"formula '{kind}' needs presence and country_cost")
    return presence, country_cost


def _tiered(
    formula: Any,
    n: int,
    keys: Keys,
    presence: Presence,
    country_cost: Costs,
    total_usd: float | None,
) -> Shares:
    if total_usd is None:
        raise ValueError("formula 'tiered' needs total_usd")
    bands = [(b.up_to_share, b.amount_usd) for b in formula.bands]
    return tiered(keys[formula.key], bands, total_usd)


def _usage(
    formula: Any,
    n: int,
    keys: Keys,
    presence: Presence,
    country_cost: Costs,
    total_usd: float | None,
) -> Shares:
    where, cost = _needs_network("usage", presence, country_cost)
    return usage_based(where, cost, keys[formula.key] if formula.key else None)


def _shapley(
    formula: Any,
    n: int,
    keys: Keys,
    presence: Presence,
    country_cost: Costs,
    total_usd: float | None,
) -> Shares:
    return network_shapley(*_needs_network("shapley", presence, country_cost))


#: Each formula kind and how to compute its shares before bounds, from
#: ``(formula, n, keys, presence, country_cost, total_usd)``. The schema's list of kinds
#: (``fundsim.scenario.vocabulary.FORMULA_KINDS``) names the same kinds, in the same order
#: (a test keeps them in step: this package does not import the scenario layer).
_FORMULAS: dict[str, Callable[[Any, int, Keys, Presence, Costs, float | None], Shares]] = {
    "equal": lambda f, n, keys, *_: formulas.equal(n),
    "proportional": lambda f, n, keys, *_: formulas.proportional(keys[f.key]),
    "weighted": lambda f, n, keys, *_: formulas.weighted(keys, f.weights),
    "base_plus_variable": lambda f, n, keys, *_: formulas.base_plus_variable(
        keys[f.key], f.base_fraction
    ),
    "tiered": _tiered,
    # The floor and ceiling are this formula's own; they are applied below like any other.
    "capacity": lambda f, n, keys, *_: capacity_to_pay(keys[f.key]),
    "risk_adjusted": lambda f, n, keys, *_: risk_adjusted(
        keys[f.key], keys[f.risk_key], f.risk_weight
    ),
    "usage": _usage,
    "shapley": _shapley,
}

#: Every formula kind :func:`compute_shares` knows.
KINDS: tuple[str, ...] = tuple(_FORMULAS)


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
    compute = _FORMULAS.get(kind)
    if compute is None:
        raise ValueError(f"unknown formula '{kind}' (known: {', '.join(KINDS)})")
    shares = compute(formula, n, keys, presence, country_cost, total_usd)
    if shares.size != n:
        raise ValueError(f"formula '{kind}' gave {shares.size} shares for {n} entities")
    floor, ceiling = effective_bounds(
        n,
        float(formula.floor),
        float(formula.ceiling),
        floor_usd=float(getattr(formula, "floor_usd", 0.0) or 0.0),
        total_usd=total_usd,
    )
    if floor > 0 or ceiling < 1:
        shares = formulas.apply_floor_ceiling(shares, floor, ceiling)
    return shares
