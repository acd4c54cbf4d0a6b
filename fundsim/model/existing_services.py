"""Who pays a victim's services besides the window: existing services by country (para 50)
and, in the siloed mode, the entities that fund assistance to their own victims.

The share of a victim's package met by existing gender-based-violence (GBV) and
child-protection (CP) services outside the fund follows the victim's country and age
(:class:`~fundsim.scenario.schema.ExistingServices`): ``referable_share`` times the
country's GBV availability for an adult, its CP availability for a child, where a sector's
availability is its funding coverage where its coordination mechanism is active and 0
where it is not. ``victims.existing_services_share``, when set, is one share everywhere.
The fund pays (and plans for) the rest of each package.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fundsim.scenario.schema import Scenario, Victims


def country_availability(victims: Victims, codes: list[str]) -> tuple[NDArray[np.float64], ...]:
    """GBV and CP availability (0 to 1) of each country of ``codes``, from the
    existing-services table (zeros without one)."""
    table = victims.existing_services
    if table is None:
        zeros = np.zeros(len(codes))
        return zeros, zeros.copy()
    rows = {r.code: r for r in table.rows}
    gbv, cp = np.zeros(len(codes)), np.zeros(len(codes))
    for c, code in enumerate(codes):
        row = rows[code]
        cover = table.default_coverage
        if row.gbv_coordination:
            gbv[c] = cover if row.gbv_funding_coverage is None else row.gbv_funding_coverage
        if row.cp_coordination:
            cp[c] = cover if row.cp_funding_coverage is None else row.cp_funding_coverage
    return gbv, cp


def _shares_by_country(
    scenario: Scenario,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Share of an adult's and of a child's package met outside the fund in each country
    (None: the fund pays every whole package: no table and no override)."""
    v = scenario.victims
    assert v is not None
    n = len(scenario.countries)
    if v.existing_services_share is not None:
        flat = np.full(n, v.existing_services_share)
        return flat, flat.copy()
    if v.existing_services is None:
        return None
    gbv, cp = country_availability(v, [c.code for c in scenario.countries])
    r = v.existing_services.referable_share
    return r * gbv, r * cp


def services_scale(
    scenario: Scenario, country: NDArray[np.int64], child: NDArray[np.bool_]
) -> float | NDArray[np.float64]:
    """The share of each victim's package the fund pays: 1 without a table or an override;
    ``1 - existing_services_share`` (one number) with the override; else one share per
    victim, by its ``country`` (index in the countries table) and whether it is a ``child``."""
    v = scenario.victims
    assert v is not None
    if v.existing_services_share is not None:
        return 1.0 - v.existing_services_share
    shares = _shares_by_country(scenario)
    if shares is None:
        return 1.0
    adult, child_share = shares
    return 1.0 - np.where(child, child_share[country], adult[country])


def _packages_usd(victims: Victims) -> tuple[float, float]:
    """Expected package of an adult and of a child at start-year prices (USD)."""
    adult = child = 0.0
    for s in victims.services:
        cost = s.share * max(0.0, s.cost_usd.expected)
        if s.applies_to != "children":
            adult += cost
        if s.applies_to != "adults":
            child += cost
    return adult, child


def paid_fraction_by_country(scenario: Scenario) -> NDArray[np.float64] | None:
    """Per country, the expected share of a victim's expected package the fund pays (adults
    and children weighted by ``child_share`` and their packages); None when it pays every
    whole package."""
    shares = _shares_by_country(scenario)
    if shares is None:
        return None
    v = scenario.victims
    assert v is not None
    adult_usd, child_usd = _packages_usd(v)
    k = v.allegations.child_share
    total = (1.0 - k) * adult_usd + k * child_usd
    if total <= 0:
        return np.ones(len(scenario.countries))
    adult, child = shares
    return ((1.0 - k) * adult_usd * (1.0 - adult) + k * child_usd * (1.0 - child)) / total


def payer_of_entity(scenario: Scenario) -> NDArray[np.bool_]:
    """Per entity, whether it pays its own victims' services in the siloed mode
    (``victims.allegations.entity_payers``)."""
    v = scenario.victims
    assert v is not None
    payers = v.allegations.entity_payers
    names = scenario.entity_names
    if payers == "all":
        return np.ones(len(names), dtype=bool)
    return np.array([n in payers for n in names], dtype=bool)


def case_funds(scenario: Scenario, entity: NDArray[np.int64]) -> NDArray[np.int64] | None:
    """Siloed mode with ``entity_payers`` listed: the fund that pays each victim's services,
    the line of its allegation's ``entity`` (``1 + entity``) when that entity pays, else the
    window (0). None: every entity pays its own (or the window pays all)."""
    v = scenario.victims
    assert v is not None
    if scenario.mechanism.mode != "siloed" or v.allegations.entity_payers == "all":
        return None
    pays = payer_of_entity(scenario)
    return np.where(pays[entity], entity + 1, 0).astype(np.int64)
