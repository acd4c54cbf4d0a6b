"""Scheduled and stochastic shocks, resolved once per replication into year arrays.

``cut[i, y]`` is the fraction of its assessment that entity ``i`` withholds in
simulated year ``y`` (scheduled cuts and random cuts combined multiplicatively),
``exit_year[i]`` the first simulated year in which the entity no longer takes part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fundsim.model.sampling import draw_non_negative
from fundsim.scenario.schema import Scenario


@dataclass(frozen=True)
class ShockPlan:
    """Per-replication shock schedule (entities x years)."""

    cut: NDArray[np.float64]
    exit_year: NDArray[np.int64]
    exit_largest_year: int | None


def _members(scenario: Scenario, entity: str | None, group: str | None) -> NDArray[np.bool_]:
    names = scenario.entity_names
    if entity:
        return np.array([n == entity for n in names])
    if group:
        return np.array([group in e.groups for e in scenario.entities])
    return np.ones(len(names), dtype=bool)


def plan_shocks(scenario: Scenario, rng: np.random.Generator) -> ShockPlan:
    """Resolve cuts, exits and random shocks for one replication (stream ``shocks``)."""
    n, years = len(scenario.entities), scenario.simulation.years
    start = scenario.simulation.start_year
    keep = np.ones((n, years))
    for cut in scenario.cuts:
        y0 = cut.year - start
        y1 = years if cut.years is None else min(years, y0 + cut.years)
        keep[_members(scenario, cut.entity, cut.group), y0:y1] *= 1.0 - cut.fraction
    shocks = scenario.shocks
    # Always draw, so that other streams' draws do not depend on whether shocks are on.
    hits = rng.random(years) < shocks.annual_probability
    sizes = np.minimum(draw_non_negative(shocks.cut_fraction, rng, years), 1.0)
    if shocks.annual_probability > 0:
        who = _members(scenario, None, shocks.group)
        for y in np.flatnonzero(hits):
            keep[who, y] *= 1.0 - sizes[y]
    exit_year = np.full(n, years, dtype=np.int64)
    largest: int | None = None
    names = scenario.entity_names
    for ex in scenario.exits:
        year = ex.year - start
        if ex.entity == "largest":
            largest = year if largest is None else min(largest, year)
        else:
            i = names.index(ex.entity)
            exit_year[i] = min(exit_year[i], year)
    return ShockPlan(cut=1.0 - keep, exit_year=exit_year, exit_largest_year=largest)
