"""Per-scenario data that every replication shares, computed once per process.

Key columns as numpy vectors, the entity-by-country presence matrix, the posts'
priority order, and other modules' per-scenario constants (:meth:`StaticData.derived`:
each window's cache of formula shares, the victims' planning estimates).
Replications only read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fundsim.scenario.costs import country_costs_usd
from fundsim.scenario.keys import key_vectors, presence_matrix
from fundsim.scenario.schema import Scenario


@dataclass
class StaticData:
    """What one scenario's replications share (read-only for them)."""

    scenario: Scenario
    keys: dict[str, NDArray[np.float64]]
    presence: NDArray[np.bool_]
    country_cost: NDArray[np.float64]
    post_order: list[int]
    lead_entities: tuple[str, ...]  # in the order they first appear in the countries
    _derived: dict[str, Any] = field(default_factory=dict)

    def derived(self, name: str, build: Callable[[Scenario], Any]) -> Any:
        """``build(scenario)``, computed once per process and kept under ``name``: for other
        modules' per-scenario constants (replications must not modify what it returns)."""
        found = self._derived.get(name)
        if found is None:
            found = self._derived[name] = build(self.scenario)
        return found


_CACHE: dict[int, StaticData] = {}


def static_for(scenario: Scenario) -> StaticData:
    """The shared data of ``scenario``, built on first use in this process."""
    found = _CACHE.get(id(scenario))
    if found is not None and found.scenario is scenario:
        return found
    countries = scenario.countries
    keys = key_vectors(scenario)
    presence = presence_matrix(scenario)
    country_cost = country_costs_usd(scenario)
    tiers = np.array([c.risk_tier for c in countries])
    order = np.lexsort((np.arange(len(countries)), tiers)).tolist()
    leads = tuple(dict.fromkeys(c.lead_entity for c in countries if c.lead_entity))
    data = StaticData(scenario, keys, presence, country_cost, order, leads)
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[id(scenario)] = data
    return data
