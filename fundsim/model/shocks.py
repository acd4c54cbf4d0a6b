"""Scheduled and stochastic shocks, resolved once per replication into year arrays.

``cut[i, y]`` is the fraction of its assessment that entity ``i`` withholds in
simulated year ``y`` (scheduled cuts and random cuts combined multiplicatively),
``exit_year[i]`` the first simulated year in which the entity no longer takes part
(it is not invoiced for it), ``exit_month[i]`` the month (from the start, at which
the exit takes effect: notice given plus ``notice_months``) after which its
instalments are lost; an exit on 1 January has ``exit_month = 12 x exit_year``.

A money shock reaches both windows: ``cut`` applies to an entity's contributions to the
coordinator fund and to the victims' window alike, unless a scheduled cut names one
window (``windows = "coordinators"`` or ``"victims"``); ``victim_cut`` is then the
victims' window's own array (None: the same as ``cut``). Exits, delays, partial
payments and random cuts always reach both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fundsim.model.sampling import draw_non_negative
from fundsim.model.static import static_for
from fundsim.scenario.schema import Scenario


@dataclass(frozen=True)
class ShockPlan:
    """Per-replication shock schedule (entities x years)."""

    cut: NDArray[np.float64]
    exit_year: NDArray[np.int64]
    exit_largest_year: int | None
    #: Months from the start at which each entity's exit takes effect (``inf``: never);
    #: None: every exit on 1 January of its ``exit_year``.
    exit_month: NDArray[np.float64] | None = None
    exit_largest_month: float | None = None
    #: The victims' window's cuts when a scheduled cut names one window only (None: ``cut``).
    victim_cut: NDArray[np.float64] | None = None

    def cut_for(self, window: str) -> NDArray[np.float64]:
        """The cuts (entities x years) of ``window`` (``coordinators`` | ``victims``)."""
        if window == "victims" and self.victim_cut is not None:
            return self.victim_cut
        return self.cut

    def exit_months(self) -> NDArray[np.float64]:
        """Months from the start at which each entity's own exit takes effect (``inf``: never)."""
        if self.exit_month is not None:
            return self.exit_month
        horizon = self.cut.shape[1]
        return np.where(self.exit_year >= horizon, np.inf, 12.0 * self.exit_year)


def _members(scenario: Scenario, entity: str | None, group: str | None) -> NDArray[np.bool_]:
    names = scenario.entity_names
    if entity:
        return np.array([n == entity for n in names])
    if group:
        return np.array([group in e.groups for e in scenario.entities])
    return np.ones(len(names), dtype=bool)


@dataclass(frozen=True)
class _Scheduled:
    """What a scenario's shocks are before any draw (the same in every replication):
    the scheduled cuts' kept fractions (entities x years; the victims' window's own when a
    cut names one window), the entities hit by random cuts, and the exits."""

    keep: NDArray[np.float64]
    keep_victims: NDArray[np.float64] | None
    random_members: NDArray[np.bool_]
    exit_month: NDArray[np.float64]
    exit_year: NDArray[np.int64]
    largest_month: float | None
    largest_year: int | None


def _scheduled(scenario: Scenario) -> _Scheduled:
    """The scheduled cuts and the exits of ``scenario`` (see :class:`_Scheduled`)."""
    n, years = len(scenario.entities), scenario.simulation.years
    start = scenario.simulation.start_year
    keep = np.ones((n, years))
    keep_victims: NDArray[np.float64] | None = None
    for cut in scenario.cuts:
        y0 = cut.year - start
        y1 = years if cut.years is None else min(years, y0 + cut.years)
        windows = cut.windows
        if windows != "both" and keep_victims is None:
            keep_victims = keep.copy()
        who = _members(scenario, cut.entity, cut.group)
        if windows != "victims":
            keep[who, y0:y1] *= 1.0 - cut.fraction
        if keep_victims is not None and windows != "coordinators":
            keep_victims[who, y0:y1] *= 1.0 - cut.fraction
    exit_month = np.full(n, np.inf)
    largest: float | None = None
    names = scenario.entity_names
    agreement = 12 * (scenario.participation.agreement_years or 0)
    for ex in scenario.exits:
        # Notice given in month ``ex.month`` of ``ex.year``; the exit takes effect after the notice.
        month = 12.0 * (ex.year - start) + (ex.month - 1) + ex.notice_months
        if agreement:  # bound by a multi-year agreement: the exit waits for its end
            month = math.ceil(month / agreement) * agreement
        if ex.entity == "largest":
            largest = month if largest is None else min(largest, month)
        else:
            i = names.index(ex.entity)
            exit_month[i] = min(exit_month[i], month)
    # The first budget year that starts on or after the exit: the entity is not invoiced for it.
    exit_year = np.minimum(np.ceil(exit_month / 12.0), years).astype(np.int64)
    largest_year = None if largest is None else int(np.ceil(largest / 12.0))
    return _Scheduled(
        keep,
        keep_victims,
        _members(scenario, None, scenario.shocks.group),
        exit_month,
        exit_year,
        largest,
        largest_year,
    )


def plan_shocks(scenario: Scenario, rng: np.random.Generator) -> ShockPlan:
    """Resolve cuts, exits and random shocks for one replication (stream ``shocks``); what
    does not depend on the draws is worked out once per scenario (:func:`_scheduled`)."""
    years = scenario.simulation.years
    plan: _Scheduled = static_for(scenario).derived("shocks", _scheduled)
    keep = plan.keep.copy()
    keep_victims = None if plan.keep_victims is None else plan.keep_victims.copy()
    shocks = scenario.shocks
    # Always draw, so that other streams' draws do not depend on whether shocks are on.
    hits = rng.random(years) < shocks.annual_probability
    sizes = np.minimum(draw_non_negative(shocks.cut_fraction, rng, years), 1.0)
    if shocks.annual_probability > 0:
        who = plan.random_members
        for y in np.flatnonzero(hits):
            keep[who, y] *= 1.0 - sizes[y]
            if keep_victims is not None:
                keep_victims[who, y] *= 1.0 - sizes[y]
    return ShockPlan(
        cut=1.0 - keep,
        exit_year=plan.exit_year.copy(),
        exit_largest_year=plan.largest_year,
        exit_month=plan.exit_month.copy(),
        exit_largest_month=plan.largest_month,
        victim_cut=None if keep_victims is None else 1.0 - keep_victims,
    )
