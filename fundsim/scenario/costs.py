"""The coordinator network's cost, from a scenario: one post per priority country.

Every layer that needs the network cost takes it from here (the model's budget cycle
and post payroll, the share tables, the reserve target), so that they agree to the
last bit. Amounts are USD a year at the scenario's start prices (no inflation).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fundsim.scenario.schema import Posts, Scenario


def post_cost_usd(posts: Posts) -> float:
    """Annual cost of one country's coordinator post plus its operating budget, USD a year:
    ``annual_cost_usd + operating_cost_usd``."""
    return posts.annual_cost_usd + posts.operating_cost_usd


def country_costs_usd(scenario: Scenario) -> NDArray[np.float64]:
    """:func:`post_cost_usd` for each country of the scenario, USD a year (countries in
    file order): what the usage and Shapley formulas share out."""
    return np.full(len(scenario.countries), post_cost_usd(scenario.posts), dtype=np.float64)


def network_cost_usd(scenario: Scenario, posts: int | None = None) -> float:
    """Annual cost of ``posts`` coordinator posts (default: one in every country), each
    with its operating budget, USD a year: ``posts x post_cost_usd``."""
    count = len(scenario.countries) if posts is None else posts
    return count * post_cost_usd(scenario.posts)
