"""The scenario arithmetic every layer shares: the network cost, presence, key vectors and
their gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fundsim.scenario import Scenario, load_scenario
from fundsim.scenario.costs import country_costs_usd, network_cost_usd, post_cost_usd
from fundsim.scenario.keys import key_columns, key_gaps, key_vector, key_vectors, presence_matrix

TINY = Path(__file__).resolve().parents[1] / "sharing" / "data" / "tiny.toml"


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    # 4 entities (Beta has no sea_allegations), 3 countries, posts of USD 200,000 + 100,000.
    return load_scenario(TINY)


def test_the_network_costs_a_post_and_its_operating_budget_in_every_country(tiny: Scenario) -> None:
    assert post_cost_usd(tiny.posts) == 300_000.0
    np.testing.assert_array_equal(country_costs_usd(tiny), [300_000.0] * 3)
    assert network_cost_usd(tiny) == 900_000.0 == float(country_costs_usd(tiny).sum())
    assert network_cost_usd(tiny, posts=2) == 600_000.0  # the posts a host entity keeps


def test_an_entity_is_present_where_it_is_listed_or_leads(tiny: Scenario) -> None:
    # Alpha leads AAA and CCC; Delta is listed in CCC only.
    expected = [[1, 0, 1], [1, 1, 1], [0, 1, 1], [0, 0, 1]]
    np.testing.assert_array_equal(presence_matrix(tiny), np.array(expected, dtype=bool))


def test_a_gap_in_a_key_column_counts_as_zero_and_is_named(tiny: Scenario) -> None:
    assert key_gaps(tiny, "sea_allegations") == ("Beta",)
    np.testing.assert_array_equal(key_vector(tiny, "sea_allegations"), [10.0, 0.0, 2.0, 1.0])
    assert key_gaps(tiny, "expenses_usd") == ()


def test_key_vectors_cover_every_column_some_entity_has(tiny: Scenario) -> None:
    vectors = key_vectors(tiny)
    assert tuple(vectors) == key_columns(tiny) == tuple(sorted(key_columns(tiny)))
    assert {"expenses_usd", "field_personnel", "sea_allegations"} <= set(vectors)
    np.testing.assert_array_equal(vectors["expenses_usd"], [600.0, 300.0, 90.0, 10.0])
    assert all(v.dtype == np.float64 and v.shape == (4,) for v in vectors.values())
