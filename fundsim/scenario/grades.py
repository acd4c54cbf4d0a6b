"""Posts by grade and duty station: each coordinator post's grade and its standard cost.

A post's grade comes from the countries table (``grade``), unless ``posts.grade_mix``
assigns grades by share: the posts in priority order (risk tier first, then file
order, as the model funds them) take the first grade of the mix until its share of the
posts is used, then the next; posts beyond the mix's total share keep their table
grade. Under ``posts.costing = "standard_costs"`` a post's annual salary cost is the
standard-cost table's row for its grade and its country's duty-station class; under
``"flat"`` (today) every post costs ``posts.annual_cost_usd``. Amounts are USD a year
at start-year prices.
"""

from __future__ import annotations

from fundsim.scenario.schema import Scenario
from fundsim.scenario.schema.posts import funding_order

#: The grades of the standard-cost table, most senior first: the order tables list them in.
GRADES: tuple[str, ...] = ("P-5", "P-4", "P-3", "NO", "consultant")


def priority_order(scenario: Scenario) -> list[int]:
    """Indices of the countries in the order their posts are funded: risk tier first, then
    file order (the model's ``StaticData.post_order``)."""
    return funding_order([c.risk_tier for c in scenario.countries])


def post_grades(scenario: Scenario) -> list[str]:
    """The grade of each country's post (countries in file order), after ``posts.grade_mix``.

    A mix's grade takes ``round(cumulative share x posts)`` posts in priority order minus
    what the grades before it took, so the counts always add up to the mix's total."""
    countries = scenario.countries
    return scenario.posts.grades_after_mix(
        [c.grade for c in countries], [c.risk_tier for c in countries]
    )


def standard_cost_usd(scenario: Scenario, grade: str, duty_station_class: str) -> float:
    """The standard annual cost of a post of ``grade`` at a duty station of
    ``duty_station_class``, USD a year; ``KeyError`` when the table does not cost it."""
    for row in scenario.standard_costs:
        if row.grade == grade and row.duty_station_class == duty_station_class:
            return row.annual_cost_usd
    raise KeyError(
        f"no standard cost for grade '{grade}' at duty-station class '{duty_station_class}'"
    )


def post_salaries_usd(scenario: Scenario) -> list[float]:
    """Each country's post salary cost, USD a year (countries in file order): the standard
    cost of its grade and duty-station class under standard costing, else
    ``posts.annual_cost_usd`` for every post."""
    posts = scenario.posts
    if posts.costing == "flat":
        return [posts.annual_cost_usd] * len(scenario.countries)
    return [
        standard_cost_usd(scenario, grade, c.duty_station_class)
        for c, grade in zip(scenario.countries, post_grades(scenario), strict=True)
    ]
