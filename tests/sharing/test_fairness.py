"""Fairness and stability measures, against hand computations."""

import numpy as np
import pytest

from fundsim.sharing import fairness
from fundsim.sharing.formulas import equal, proportional

CAPACITY = np.array([600.0, 300.0, 90.0, 10.0])


def test_burden_ratio_is_share_of_cost_over_share_of_capacity():
    # Equal shares of 25 % against capacity shares 60, 30, 9, 1 %.
    ratios = fairness.burden_ratio(equal(4), CAPACITY)
    np.testing.assert_allclose(ratios, [0.25 / 0.6, 0.25 / 0.3, 0.25 / 0.09, 25.0], rtol=1e-14)
    np.testing.assert_allclose(
        fairness.burden_ratio(proportional(CAPACITY), CAPACITY), 1.0, rtol=1e-14
    )


def test_burden_ratio_of_a_payer_without_capacity_is_infinite():
    ratios = fairness.burden_ratio([0.5, 0.5], [1.0, 0.0])
    assert ratios[0] == 0.5 and np.isinf(ratios[1])


def test_suits_index_is_zero_when_proportional_and_negative_when_equal():
    assert fairness.suits_index(proportional(CAPACITY), CAPACITY) == pytest.approx(0.0, abs=1e-15)
    # Equal shares, two entities with capacity 1 and 3: points (0,0), (0.25, 0.5), (1, 1);
    # area = 0.25 x 0.25 + 0.75 x 0.75 = 0.625, Suits = 1 - 2 x 0.625 = -0.25.
    assert fairness.suits_index([0.5, 0.5], [1.0, 3.0]) == pytest.approx(-0.25, rel=1e-14)
    # The larger paying everything: (0.25, 0), (1, 1); area 0.375, Suits = +0.25.
    assert fairness.suits_index([0.0, 1.0], [1.0, 3.0]) == pytest.approx(0.25, rel=1e-14)


def test_suits_index_does_not_depend_on_the_order_of_equal_capacities():
    shares = np.array([0.1, 0.3, 0.6])
    cap = np.array([1.0, 1.0, 2.0])
    assert fairness.suits_index(shares, cap) == pytest.approx(
        fairness.suits_index(shares[[1, 0, 2]], cap[[1, 0, 2]]), rel=1e-14
    )


def test_gini_hhi_and_top3_by_hand():
    shares = proportional(CAPACITY)  # 0.6, 0.3, 0.09, 0.01
    # Gini: sorted 0.01, 0.09, 0.3, 0.6 with weights (2i - n - 1) = -3, -1, 1, 3:
    # (-0.03 - 0.09 + 0.3 + 1.8) / 4 = 0.495.
    assert fairness.gini(shares) == pytest.approx(0.495, rel=1e-14)
    assert fairness.gini(equal(5)) == pytest.approx(0.0, abs=1e-15)
    assert fairness.hhi(shares) == pytest.approx(0.36 + 0.09 + 0.0081 + 0.0001, rel=1e-14)
    assert fairness.top_share(shares, 3) == pytest.approx(0.99, rel=1e-14)


def test_exit_sensitivity_of_proportional_shares():
    # Without Alpha (60 %), Beta, Gamma and Delta pay 30/40, 9/40 and 1/40: changes of
    # 45, 13.5 and 1.5 points, each share up by 150 % (the others' bills rise 1/0.4).
    shares = proportional(CAPACITY)
    moves = fairness.exit_sensitivity(lambda idx: proportional(CAPACITY[idx]), shares)
    assert moves.max_change[0] == pytest.approx(0.45, rel=1e-14)
    assert moves.mean_change[0] == pytest.approx(0.6 / 3, rel=1e-14)
    assert moves.max_relative[0] == pytest.approx(1.5, rel=1e-14)
    assert moves.worst == pytest.approx(0.45, rel=1e-14)
    # Delta leaving (1 %) moves the others by 1/99 of their share.
    assert moves.max_relative[3] == pytest.approx(1 / 99, rel=1e-12)


def test_exit_sensitivity_skips_exits_the_formula_cannot_absorb():
    def fails_without_first(idx):
        if 0 not in idx:
            raise ValueError("no solution")
        return equal(idx.size)

    moves = fairness.exit_sensitivity(fails_without_first, equal(3))
    assert np.isnan(moves.max_change[0])
    assert moves.max_change[1] == pytest.approx(0.5 - 1 / 3, rel=1e-14)


def test_amounts_are_shares_of_the_total():
    np.testing.assert_allclose(
        fairness.amounts_usd([0.25, 0.75], 900_000.0), [225_000.0, 675_000.0]
    )
