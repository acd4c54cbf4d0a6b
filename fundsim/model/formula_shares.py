"""A cost-sharing formula's shares among whichever entities take part, cached per process.

A formula's shares depend only on who takes part, except when flat amounts are
involved (tiered bands, a minimum in USD), which also depend on the budget. Each
window that assesses the entities (the coordinator fund, the victims' fund) has its
own :class:`FormulaShares`, kept in the scenario's :class:`~fundsim.model.static.StaticData`
so that replications in one process share the cache.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fundsim.model.static import StaticData
from fundsim.scenario.schema import Formula
from fundsim.sharing.dispatch import compute_shares

#: Sets of participants (and budgets) remembered per formula; beyond that, computed each time.
CACHE_SIZE = 4096


class FormulaShares:
    """Shares of ``formula`` among any subset of the scenario's entities."""

    def __init__(self, formula: Formula, static: StaticData) -> None:
        self.formula = formula
        self._keys = static.keys
        self._presence = static.presence
        self._country_cost = static.country_cost
        # Shares depend on the budget only for flat amounts: tiered bands, a USD floor.
        self._by_budget = formula.kind == "tiered" or getattr(formula, "floor_usd", 0.0) > 0
        self._cache: dict[tuple[bytes, float], NDArray[np.float64]] = {}

    def among(self, members: NDArray[np.bool_], total_usd: float) -> NDArray[np.float64]:
        """Formula shares of the ``members`` (zeros elsewhere) for a budget of ``total_usd``.
        The array returned may be cached: read it, never modify it."""
        key = (members.tobytes(), total_usd if self._by_budget else 0.0)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        idx = np.flatnonzero(members)
        shares = np.zeros(members.size)
        if idx.size:
            keys = {k: v[idx] for k, v in self._keys.items()}
            shares[idx] = compute_shares(
                self.formula,
                idx.size,
                keys,
                presence=self._presence[idx],
                country_cost=self._country_cost,
                total_usd=total_usd,
            )
        if len(self._cache) < CACHE_SIZE:
            self._cache[key] = shares
        return shares


def formula_shares(static: StaticData, window: str, formula: Formula) -> FormulaShares:
    """The shares of ``formula`` for ``window`` (a name: one cache per window), built once
    per scenario and process. The coordinator window's formula takes the scenario's
    ``participation.minimum_usd`` as its USD floor when that is higher (a negotiated minimum
    contribution)."""
    minimum = static.scenario.participation.minimum_usd
    if window == "coordinators" and minimum > formula.floor_usd:
        formula = formula.model_copy(update={"floor_usd": minimum})
    return static.derived(f"formula_shares:{window}", lambda _: FormulaShares(formula, static))
