"""Posts by grade and duty station: grades from the countries table or the grade mix, each
post at its standard cost; flat costing (the default) keeps one cost for every post."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.scenario import load_scenario
from fundsim.scenario.costs import country_costs_usd, network_cost_usd
from fundsim.scenario.grades import GRADES, post_grades, post_salaries_usd, priority_order
from fundsim.scenario.loader import load_sweep
from fundsim.scenario.overrides import with_overrides

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def graded():
    return load_scenario(SCENARIOS / "graded_posts.toml")


def test_the_standard_cost_table_prices_every_grade_at_every_class(graded) -> None:
    rows = {(r.grade, r.duty_station_class): r for r in graded.standard_costs}
    classes = {c for _, c in rows}
    assert classes == {"A-B", "C", "D-E"}
    assert set(rows) == {(g, c) for g in GRADES for c in classes}
    for row in rows.values():
        assert row.source.startswith(("PLAUSIBLE", "ASSUMPTION")) or "H)" in row.source
    # Senior grades and harder duty stations cost more.
    for c in classes:
        costs = [rows[(g, c)].annual_cost_usd for g in ("P-5", "P-4", "P-3")]
        assert costs == sorted(costs, reverse=True)
    for g in GRADES:
        costs = [rows[(g, c)].annual_cost_usd for c in ("A-B", "C", "D-E")]
        assert costs == sorted(costs)


def test_every_country_has_a_grade_and_a_duty_station_class() -> None:
    baseline = load_scenario(SCENARIOS / "baseline.toml")
    assert all(c.grade in GRADES and c.duty_station_class for c in baseline.countries)


def test_the_grade_mix_puts_the_first_grade_on_the_highest_priority_posts(graded) -> None:
    grades = post_grades(graded)
    n = len(grades)
    senior = [i for i, g in enumerate(grades) if g == "P-5"]
    # A quarter of the posts in priority order, plus any P-5 the table already has (Ukraine).
    first = priority_order(graded)[: round(0.25 * n)]
    assert set(first) <= set(senior)
    assert all(graded.countries[i].grade == "P-5" for i in senior if i not in first)


def test_standard_costing_prices_each_post_and_flat_costing_does_not(graded) -> None:
    salaries = post_salaries_usd(graded)
    assert len(set(salaries)) > 1
    ops = graded.posts.operating_cost_usd
    assert list(country_costs_usd(graded)) == pytest.approx([s + ops for s in salaries])
    assert network_cost_usd(graded) == pytest.approx(sum(salaries) + ops * len(salaries))
    flat = with_overrides(graded, {"posts.costing": "flat"})
    assert set(post_salaries_usd(flat)) == {flat.posts.annual_cost_usd}
    assert network_cost_usd(flat) == len(flat.countries) * (flat.posts.annual_cost_usd + ops)


def test_the_grade_mix_is_a_lever_a_sweep_varies() -> None:
    variants = load_sweep(SCENARIOS / "sweeps" / "grade_mix_sweep.toml")
    costs = [network_cost_usd(s) for _, s, _ in variants]
    assert [p["posts.grade_mix.P-5"] for _, _, p in variants] == [0.0, 0.25, 0.5]
    assert costs == sorted(costs) and costs[0] < costs[-1]
    # The same dotted key is a lever for solve and sensitivity, where the scenario sets the mix.
    graded = variants[1][1]
    assert network_cost_usd(with_overrides(graded, {"posts.grade_mix.P-5": 0.5})) == costs[-1]


def test_a_grade_the_table_does_not_cost_is_refused(graded) -> None:
    from fundsim.scenario.overrides import OverrideError

    with pytest.raises(OverrideError, match="standard-cost table does not cost"):
        with_overrides(graded, {"posts.grade_mix": {"D-1": 0.5}})
    with pytest.raises(OverrideError, match="above 1"):
        with_overrides(graded, {"posts.grade_mix": {"P-5": 0.7, "P-3": 0.6}})
