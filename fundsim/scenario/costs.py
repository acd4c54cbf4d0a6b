"""The coordinator network's cost, from a scenario: one post per priority country.

Every layer that needs the network cost takes it from here (the model's budget cycle
and post payroll, the share tables, the reserve target, the budget annex), so that they
agree to the last bit. Amounts are USD a year at the scenario's start prices (no
inflation). Under ``posts.costing = "flat"`` (the default) every post costs the same;
under ``"standard_costs"`` each post costs its grade's standard cost at its duty station
(:mod:`fundsim.scenario.grades`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fundsim.scenario.grades import post_salaries_usd, priority_order
from fundsim.scenario.schema import Posts, Scenario


def post_cost_usd(posts: Posts) -> float:
    """Annual cost of one country's coordinator post plus its operating budget, USD a year:
    ``annual_cost_usd + operating_cost_usd`` (flat costing)."""
    return posts.annual_cost_usd + posts.operating_cost_usd


def country_costs_usd(scenario: Scenario) -> NDArray[np.float64]:
    """Each country's post cost plus its operating budget, USD a year (countries in file
    order): what the usage and Shapley formulas share out. Flat costing:
    :func:`post_cost_usd` for every country."""
    if scenario.posts.costing == "flat":
        return np.full(len(scenario.countries), post_cost_usd(scenario.posts), dtype=np.float64)
    salaries = np.array(post_salaries_usd(scenario), dtype=np.float64)
    return salaries + scenario.posts.operating_cost_usd


def network_cost_usd(scenario: Scenario, posts: int | None = None) -> float:
    """Annual cost of ``posts`` coordinator posts (default: one in every country), each
    with its operating budget, USD a year: ``posts x post_cost_usd`` under flat costing,
    the ``posts`` highest-priority posts' costs under standard costing."""
    count = len(scenario.countries) if posts is None else posts
    if scenario.posts.costing == "flat":
        return count * post_cost_usd(scenario.posts)
    costs = country_costs_usd(scenario)
    return float(sum(costs[i] for i in priority_order(scenario)[:count]))
