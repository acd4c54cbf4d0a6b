"""Shapley value of the network cost: hand computations, efficiency, symmetry, sampling."""

import numpy as np
import pytest

from fundsim.sharing.shapley import (
    EXACT_LIMIT,
    coverage_cost,
    coverage_shapley,
    network_shapley,
    shapley_exact,
    shapley_sampled,
    shapley_value,
)


def random_network(n: int, countries: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    presence = rng.random((n, countries)) < 0.35
    cost = rng.uniform(150_000, 400_000, countries)
    return presence, cost


def airport_game(runway_usd: np.ndarray):
    """Each coalition pays for the longest runway one of its members needs."""

    def cost(coalitions: np.ndarray) -> np.ndarray:
        return np.where(coalitions, runway_usd, 0.0).max(axis=1)

    return cost


def test_airport_game_matches_littlechild_owen_by_hand():
    # Runways costing 1, 2, 4: the first segment (1) is shared by all three (1/3 each),
    # the second (2 - 1) by the two larger (1/2 each), the third (4 - 2) by the largest.
    values = shapley_exact(airport_game(np.array([1.0, 2.0, 4.0])), 3)
    np.testing.assert_allclose(values, [1 / 3, 1 / 3 + 1 / 2, 1 / 3 + 1 / 2 + 2], rtol=1e-14)


def test_network_shapley_by_hand():
    # Posts of USD 300,000 in AAA (Alpha, Beta), BBB (Beta, Gamma) and CCC (all four):
    # each post is split among those present, so Alpha 150k + 75k, Beta 150k + 150k +
    # 75k, Gamma 150k + 75k, Delta 75k, of USD 900,000.
    presence = np.array([[1, 0, 1], [1, 1, 1], [0, 1, 1], [0, 0, 1]], dtype=bool)
    cost = np.full(3, 300_000.0)
    expected_usd = [225_000.0, 375_000.0, 225_000.0, 75_000.0]
    np.testing.assert_allclose(
        shapley_exact(coverage_cost(presence, cost), 4), expected_usd, rtol=1e-14
    )
    np.testing.assert_allclose(network_shapley(presence, cost) * 900_000, expected_usd, rtol=1e-14)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_closed_form_equals_enumeration(seed):
    presence, cost = random_network(12, 9, seed)
    exact = shapley_exact(coverage_cost(presence, cost), 12)
    np.testing.assert_allclose(coverage_shapley(presence, cost), exact, rtol=1e-12)


def test_exact_shapley_is_efficient_for_any_game():
    # A concave (economies of scale) game: cost grows as the square root of the
    # number of countries covered. Shapley values must still add up to v(N).
    presence, _ = random_network(10, 8, 4)
    coverage = coverage_cost(presence, np.ones(8))

    def concave(coalitions: np.ndarray) -> np.ndarray:
        return 100_000.0 * np.sqrt(coverage(coalitions))

    values = shapley_exact(concave, 10)
    grand = concave(np.ones((1, 10), dtype=bool))[0]
    assert values.sum() == pytest.approx(grand, rel=1e-12)


def test_entities_with_the_same_countries_pay_the_same_and_absent_ones_nothing():
    presence, cost = random_network(8, 6, 5)
    presence[3] = presence[6]
    presence[7] = False
    values = shapley_exact(coverage_cost(presence, cost), 8)
    assert values[3] == pytest.approx(values[6], rel=1e-12)
    assert values[7] == 0.0


def test_sampled_estimates_add_up_exactly_whatever_the_sample():
    presence, cost = random_network(18, 12, 6)
    estimate = shapley_sampled(coverage_cost(presence, cost), 18, np.random.default_rng(0), 300)
    grand = coverage_cost(presence, cost)(np.ones((1, 18), dtype=bool))[0]
    assert estimate.values_usd.sum() == pytest.approx(grand, rel=1e-12)


def test_sampled_shapley_converges_to_the_exact_value():
    # 18 entities (beyond the exact limit): the closed form is the exact reference.
    presence, cost = random_network(18, 12, 7)
    exact = coverage_shapley(presence, cost)
    game = coverage_cost(presence, cost)
    small = shapley_sampled(game, 18, np.random.default_rng(11), 1_000)
    large = shapley_sampled(game, 18, np.random.default_rng(12), 16_000)
    # Standard errors shrink as 1 / sqrt(permutations): 16x the sample, 1/4 the error.
    ratio = large.std_error_usd[exact > 0] / small.std_error_usd[exact > 0]
    assert np.all((ratio > 0.2) & (ratio < 0.3))
    # The estimate lies within four standard errors of the exact value for every entity.
    assert np.all(np.abs(large.values_usd - exact) <= 4 * large.std_error_usd + 1e-9)
    assert np.abs(large.values_usd - exact).max() < np.abs(small.values_usd - exact).max()


def test_shapley_value_is_exact_up_to_the_limit_and_sampled_beyond():
    presence, cost = random_network(EXACT_LIMIT, 8, 8)
    exact = shapley_value(coverage_cost(presence, cost), EXACT_LIMIT)
    assert exact.exact and np.all(exact.std_error_usd == 0)
    np.testing.assert_allclose(exact.values_usd, coverage_shapley(presence, cost), rtol=1e-12)

    presence, cost = random_network(EXACT_LIMIT + 1, 8, 9)
    with pytest.raises(ValueError, match="needs a random Generator"):
        shapley_value(coverage_cost(presence, cost), EXACT_LIMIT + 1)
    sampled = shapley_value(
        coverage_cost(presence, cost),
        EXACT_LIMIT + 1,
        rng=np.random.default_rng(1),
        permutations=500,
    )
    assert not sampled.exact and sampled.permutations == 500
    assert np.all(sampled.std_error_usd[coverage_shapley(presence, cost) > 0] > 0)
