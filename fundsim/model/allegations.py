"""Allegations, victims and their needs for one replication, drawn for the whole horizon.

Allegations form one Poisson process whose rate is the sum of the countries'
``allegations_per_year`` times ``victims.allegations.scale``, the yearly trend and
any surges; the country of each arrival is drawn in proportion to its rate. Arrival
times invert the cumulative rate at unit-rate exponential points, and every
attribute (country, victims, implementing partner, child, handling time, each
service's need and cost) has its own named stream drawn in arrival order. So the
k-th allegation keeps its draws when another scenario changes the rate (a 50 %
surge adds allegations, it does not reshuffle the others): common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fundsim.model.existing_services import paid_fraction_by_country, payer_of_entity
from fundsim.model.sampling import draw, draw_non_negative
from fundsim.model.static import static_for
from fundsim.scenario.keys import key_vector, presence_matrix
from fundsim.scenario.schema import DAYS_PER_MONTH, Scenario, Service, Victims

RngFor = Callable[[str], np.random.Generator]


def yearly_multiplier(victims: Victims, start_year: int, years: int) -> NDArray[np.float64]:
    """Rate multiplier of each simulated year: ``scale x (1 + trend) ** y x surges``."""
    a = victims.allegations
    y = np.arange(years)
    mult = (a.scale * (1.0 + a.trend_annual) ** y).astype(np.float64)
    for surge in a.surges:
        y0 = surge.year - start_year
        mult[y0 : y0 + surge.years] *= surge.factor
    return mult


def poisson_times(
    rate_per_year: NDArray[np.float64], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Arrival times (months) of a Poisson process with a rate constant within each year.

    The cumulative rate is inverted at the points of a unit-rate process, drawn in
    order: two rates see the same underlying points (common random numbers).
    """
    years = rate_per_year.size
    cum = np.concatenate(([0.0], np.cumsum(rate_per_year)))
    total = float(cum[-1])
    if total <= 0:
        return np.empty(0)
    points = np.cumsum(rng.exponential(1.0, int(total + 6 * np.sqrt(total) + 16)))
    while points[-1] < total:  # rare: extend; later draws continue the same stream
        more = np.cumsum(rng.exponential(1.0, int(2 * np.sqrt(total) + 16))) + points[-1]
        points = np.concatenate((points, more))
    points = points[points < total]
    return np.interp(points, cum, 12.0 * np.arange(years + 1))


@dataclass
class VictimDraws:
    """Everything drawn about allegations and victims (months, cents at start-year prices).

    Victims of allegation ``a`` are ``first_victim[a]`` to ``first_victim[a + 1] - 1``.
    ``by_month[k, v]`` is what victim ``v``'s package costs in its ``k``-th month of
    services (months first: a year's victims are a contiguous block of columns);
    ``package_cents[v]`` its sum.
    """

    alleg_time: NDArray[np.float64]
    first_victim: NDArray[np.int64]
    country: NDArray[np.int64]  # per victim
    partner_pays: NDArray[np.bool_]  # per victim: an implementing partner pays
    child: NDArray[np.bool_]
    entity: NDArray[np.int64]  # per victim: the entity its allegation involves
    handling_months: NDArray[np.float64]
    by_month: NDArray[np.int64]  # months of services x victims
    package_cents: NDArray[np.int64]
    # Per victim: months from the case's opening to the end of its assessment, when services
    # can start (None: services start when the case management ends).
    assessment_months: NDArray[np.float64] | None = None

    @property
    def n_victims(self) -> int:
        return int(self.child.size)

    @property
    def victim_time(self) -> NDArray[np.float64]:
        """Arrival time of each victim (that of their allegation), months."""
        return np.repeat(self.alleg_time, np.diff(self.first_victim))


def entity_weights(scenario: Scenario) -> NDArray[np.float64]:
    """Probability that an allegation in each country involves each entity (entities x
    countries, columns summing to 1): the entities present there (the country's list and
    its lead entity), weighted by ``allegations.entity_key`` or equally."""
    v = scenario.victims
    assert v is not None
    key = v.allegations.entity_key
    names = scenario.entity_names
    weight = key_vector(scenario, key) if key else np.ones(len(names))
    presence = presence_matrix(scenario)
    out = np.zeros((len(names), len(scenario.countries)))
    for c in range(len(scenario.countries)):
        present = presence[:, c]
        w = np.where(present, weight, 0.0)
        if w.sum() <= 0:  # nobody (weighted) present: every present entity alike, else all
            w = present.astype(float) if present.any() else np.ones(len(names))
        out[:, c] = w / w.sum()
    return out


def entity_victim_shares(scenario: Scenario) -> NDArray[np.float64]:
    """Expected share of all victims whose allegation involves each entity."""
    rates = country_rates(scenario)
    total = rates.sum()
    if total <= 0:
        return np.zeros(len(scenario.entities))
    return static_for(scenario).derived("entity_weights", entity_weights) @ (rates / total)


def country_rates(scenario: Scenario) -> NDArray[np.float64]:
    """Allegations a year by country, from the countries table."""
    return np.array([c.allegations_per_year for c in scenario.countries], dtype=np.float64)


def _service_months(
    services: Sequence[Service], child: NDArray[np.bool_], rng_for: RngFor, n_v: int
) -> NDArray[np.int64]:
    """Each victim's services cost month by month from the start of support, months x
    victims (cents; streams ``service_needs`` and ``services.<name>``)."""
    width = max(s.months for s in services)
    # Month-by-month cost, built as differences over months (one row per month, then
    # summed): service s adds cents // months to each of its months and the remainder to
    # its last, so that every package sums exactly to its services' costs.
    delta = np.zeros((width + 1, n_v), dtype=np.int64)
    needs = rng_for("service_needs").random((n_v, len(services)))
    for j, s in enumerate(services):
        cents = np.rint(
            draw_non_negative(s.cost_usd, rng_for(f"services.{s.name}"), n_v) * 100
        ).astype(np.int64)
        need = needs[:, j] < s.share
        if s.applies_to == "children":
            need &= child
        elif s.applies_to == "adults":
            need &= ~child
        cents *= need
        part = cents // s.months
        rest = cents - part * s.months
        delta[0] += part
        delta[s.months - 1] += rest
        delta[s.months] -= part + rest
    # The running sum over months, one row (all victims) at a time: the same int64 sums as
    # ``np.cumsum(delta[:width], axis=0)``, which walks each victim's short column apart.
    by_month = delta[:width]
    for k in range(1, width):
        by_month[k] += by_month[k - 1]
    return by_month


def draw_victims(scenario: Scenario, rng_for: RngFor) -> VictimDraws:
    """Draw every allegation and victim of one replication (streams ``allegations``,
    ``allegation_*``, ``victim_profile``, ``caseworkers``, ``service_needs``,
    ``services.<name>``)."""
    v = scenario.victims
    assert v is not None
    sim = scenario.simulation
    a = v.allegations
    static = static_for(scenario)
    rates = static.derived("country_rates", country_rates)
    base = float(rates.sum())
    mult = yearly_multiplier(v, sim.start_year, sim.years)
    times = poisson_times(base * mult, rng_for("allegations"))
    n_a = times.size
    counts = np.maximum(
        1, np.rint(draw(a.victims_per_allegation, rng_for("allegation_victims"), n_a))
    ).astype(np.int64)
    ip = rng_for("allegation_partners").random(n_a) < a.ip_share
    cum_w = np.cumsum(rates) / base if base > 0 else np.ones(rates.size)
    alleg_country = np.minimum(
        np.searchsorted(cum_w, rng_for("allegation_countries").random(n_a), side="right"),
        rates.size - 1,
    )
    # The entity each allegation involves: always drawn (common random numbers), used
    # by the siloed mode, where that entity pays. Within its country, the first entity
    # whose cumulative weight exceeds the uniform draw: the count of cumulative weights at
    # or below it (a column's cumulative weights never decrease).
    weights = static.derived("entity_weights", entity_weights)  # entities x countries
    cum_e = static.derived("entity_cum_weights", lambda _: np.cumsum(weights, axis=0))
    u = rng_for("allegation_entities").random(n_a)
    alleg_entity = np.count_nonzero(cum_e[:, alleg_country] <= u, axis=0).astype(np.int64)
    np.minimum(alleg_entity, cum_e.shape[0] - 1, out=alleg_entity)
    first = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    n_v = int(first[-1])
    country = np.repeat(alleg_country, counts)
    partner = np.repeat(ip, counts) if a.ip_payer == "partner" else np.zeros(n_v, dtype=bool)
    child = rng_for("victim_profile").random(n_v) < a.child_share
    handling = (
        draw_non_negative(v.caseworkers.handling_days, rng_for("caseworkers"), n_v) / DAYS_PER_MONTH
    )
    assess_days = v.caseworkers.assessment_days
    assessment = (
        None
        if assess_days is None
        else draw_non_negative(assess_days, rng_for("case_assessment"), n_v) / DAYS_PER_MONTH
    )
    by_month = _service_months(v.services, child, rng_for, n_v)
    return VictimDraws(
        alleg_time=times,
        first_victim=first,
        country=country,
        partner_pays=partner,
        child=child,
        entity=np.repeat(alleg_entity, counts).astype(np.int64),
        handling_months=handling,
        by_month=by_month,
        package_cents=by_month.sum(axis=0),
        assessment_months=assessment,
    )


def expected_victims_per_year(scenario: Scenario, year: int) -> float:
    """Planning estimate of victims in simulated ``year`` (the distribution's mean, at least 1)."""
    return static_for(scenario).derived("expected_victims", _expected_victims)[year]


def _expected_victims(scenario: Scenario) -> list[float]:
    v = scenario.victims
    assert v is not None
    sim = scenario.simulation
    mult = yearly_multiplier(v, sim.start_year, sim.years)
    per_year = (
        country_rates(scenario).sum()
        * mult
        * max(1.0, v.allegations.victims_per_allegation.expected)
    )
    return [float(x) for x in per_year]


def expected_package_usd(scenario: Scenario) -> float:
    """Expected cost of one victim's package at start-year prices, USD."""
    v = scenario.victims
    assert v is not None
    child = v.allegations.child_share
    total = 0.0
    for s in v.services:
        applies = {"all": 1.0, "children": child, "adults": 1.0 - child}[s.applies_to]
        total += s.share * applies * max(0.0, s.cost_usd.expected)
    return total


@dataclass(frozen=True)
class CaseloadPlan:
    """What the victims' budget expects of the caseload: planning estimates, not draws
    (shared by the replications of a scenario; read-only)."""

    multiplier: NDArray[np.float64]  # yearly rate multiplier: scale x trend x surges
    victims_per_year: list[float]  # expected victims in each simulated year
    package_usd: float  # expected package the fund pays per victim, start-year prices, USD
    # Expected share of the services paid for victims whose allegation involves each entity
    # (of the victims, when the fund pays whole packages); 0 for an entity that does not pay
    # its own victims' services in the siloed mode.
    entity_shares: NDArray[np.float64]


def caseload_plan(scenario: Scenario) -> CaseloadPlan:
    """The scenario's :class:`CaseloadPlan`, built once per scenario and process."""
    return static_for(scenario).derived("caseload_plan", _caseload_plan)


def _caseload_plan(scenario: Scenario) -> CaseloadPlan:
    v = scenario.victims
    assert v is not None
    sim = scenario.simulation
    package = expected_package_usd(scenario)
    if v.allegations.ip_payer == "partner":
        package *= 1.0 - v.allegations.ip_share
    shares = entity_victim_shares(scenario)
    paid = paid_fraction_by_country(scenario)  # existing services by country (para 50)
    if paid is not None:
        rates = country_rates(scenario)
        weights = static_for(scenario).derived("entity_weights", entity_weights)
        if rates.sum() > 0 and rates @ paid > 0:
            shares = weights @ (rates * paid) / float(rates @ paid)
            package *= float(rates @ paid / rates.sum())
    if v.allegations.entity_payers != "all":  # the others' victims go to the window
        shares = np.where(payer_of_entity(scenario), shares, 0.0)
    return CaseloadPlan(
        multiplier=yearly_multiplier(v, sim.start_year, sim.years),
        victims_per_year=[expected_victims_per_year(scenario, y) for y in range(sim.years)],
        package_usd=package,
        entity_shares=shares,
    )
