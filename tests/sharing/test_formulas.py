"""Each formula against a hand computation on a four-entity table.

The table (also in ``data/entities.csv``): expenses USD 600, 300, 90, 10 for
Alpha, Beta, Gamma, Delta, so that the key shares are 60 %, 30 %, 9 % and 1 %.
"""

import numpy as np
import pytest

from fundsim.sharing import (
    apply_floor_ceiling,
    base_plus_variable,
    capacity_to_pay,
    equal,
    proportional,
    risk_adjusted,
    tiered,
    usage_based,
    weighted,
)

EXPENSES = np.array([600.0, 300.0, 90.0, 10.0])
# Countries AAA (Alpha, Beta), BBB (Beta, Gamma), CCC (everyone); USD 300,000 a post.
PRESENCE = np.array(
    [
        [True, False, True],
        [True, True, True],
        [False, True, True],
        [False, False, True],
    ]
)
POST_USD = np.array([300_000.0, 300_000.0, 300_000.0])


def test_equal_splits_evenly():
    np.testing.assert_array_equal(equal(4), [0.25, 0.25, 0.25, 0.25])


def test_proportional_follows_the_key():
    np.testing.assert_allclose(proportional(EXPENSES), [0.6, 0.3, 0.09, 0.01], rtol=1e-15)


def test_weighted_mixes_normalised_keys():
    # 3/4 by expenses + 1/4 by a head count of one each:
    # Alpha 0.75 x 0.6 + 0.25 x 0.25 = 0.5125, Beta 0.225 + 0.0625 = 0.2875,
    # Gamma 0.0675 + 0.0625 = 0.13, Delta 0.0075 + 0.0625 = 0.07.
    keys = {"expenses_usd": EXPENSES, "offices": np.ones(4)}
    shares = weighted(keys, {"expenses_usd": 3.0, "offices": 1.0})
    np.testing.assert_allclose(shares, [0.5125, 0.2875, 0.13, 0.07], rtol=1e-14)


def test_base_plus_variable_adds_an_equal_base():
    # b = 0.2: 0.2 / 4 = 0.05 each, plus 0.8 x (0.6, 0.3, 0.09, 0.01).
    shares = base_plus_variable(EXPENSES, 0.2)
    np.testing.assert_allclose(shares, [0.53, 0.29, 0.122, 0.058], rtol=1e-14)


def test_tiered_charges_flat_amounts_then_shares_the_rest():
    # Bands: under 5 % pays USD 10,000, under 10 % pays USD 40,000; total USD 1,000,000.
    # Delta (1 %) pays 10,000, Gamma (9 %) pays 40,000; the other USD 950,000 goes
    # 2:1 to Alpha and Beta: 633,333.33 and 316,666.67.
    shares = tiered(EXPENSES, [(0.10, 40_000.0), (0.05, 10_000.0)], 1_000_000.0)
    np.testing.assert_allclose(
        shares * 1_000_000, [633_333.3333333334, 316_666.6666666667, 40_000, 10_000], rtol=1e-14
    )


def test_tiered_refuses_flat_amounts_above_the_total():
    with pytest.raises(ValueError, match="exceed the total"):
        tiered(EXPENSES, [(0.10, 40_000.0)], 30_000.0)


def test_tiered_refuses_bands_that_leave_nobody_to_pay_the_rest():
    with pytest.raises(ValueError, match="nobody is left"):
        tiered(np.ones(4), [(0.5, 1.0)], 100.0)


def test_capacity_ceiling_excess_goes_pro_rata_then_floor_binds():
    # Ceiling 50 %, floor 2 %. Alpha's 60 % is cut to 50 %; the 10 points go to the
    # others pro rata (x 0.5 / 0.4): 37.5 %, 11.25 %, 1.25 %. Delta is then below the
    # floor and raised to 2 %; Beta and Gamma share the remaining 48 % in the ratio
    # 30:9, i.e. 36.923 % and 11.077 %.
    shares = capacity_to_pay(EXPENSES, floor=0.02, ceiling=0.5)
    np.testing.assert_allclose(shares, [0.5, 0.48 * 30 / 39, 0.48 * 9 / 39, 0.02], rtol=1e-14)


def test_floor_pinned_entity_is_released_when_a_later_ceiling_lifts_everyone():
    # Shares 70/20/6/4 %, floor 5 %, ceiling 40 %. A naive pass pins Alpha at 40 % and
    # Delta at 5 %, and later also Beta at 40 %. The UN procedure iterated to its end
    # lifts Gamma and Delta pro rata by the same factor: the remaining 20 % over
    # their 10 % gives x 2, so Gamma 12 % and Delta 8 %, above the floor.
    shares = apply_floor_ceiling([0.7, 0.2, 0.06, 0.04], floor=0.05, ceiling=0.4)
    np.testing.assert_allclose(shares, [0.4, 0.4, 0.12, 0.08], rtol=1e-14)


def test_ceiling_entity_is_released_when_a_floor_lowers_everyone():
    # Shares 45/25/15/15 %, floor 20 %, ceiling 42 %. A naive pass pins Alpha at the
    # 42 % ceiling. But the two 15 % shares rise to 20 %, and the remaining 60 % goes
    # 45:25 to the others (38.57 % and 21.43 %): Alpha ends below the ceiling.
    shares = apply_floor_ceiling([0.45, 0.25, 0.15, 0.15], floor=0.2, ceiling=0.42)
    np.testing.assert_allclose(shares, [0.6 * 45 / 70, 0.6 * 25 / 70, 0.2, 0.2], rtol=1e-14)


def test_capacity_usd_minimum_becomes_a_floor():
    # USD 30,000 of USD 1,000,000 is a 3 % floor: Delta rises from 1 % to 3 % and the
    # others share 97 % in the ratio 600:300:90.
    shares = capacity_to_pay(EXPENSES, floor_usd=30_000.0, total_usd=1_000_000.0)
    np.testing.assert_allclose(
        shares, [0.97 * 600 / 990, 0.97 * 300 / 990, 0.97 * 90 / 990, 0.03], rtol=1e-14
    )


def test_capacity_usd_minimum_above_an_equal_split_gives_an_equal_split():
    shares = capacity_to_pay(EXPENSES, floor_usd=300_000.0, total_usd=1_000_000.0)
    np.testing.assert_allclose(shares, [0.25] * 4, rtol=1e-14)


def test_infeasible_bounds_are_refused():
    with pytest.raises(ValueError, match="fit between"):
        apply_floor_ceiling(EXPENSES, floor=0.3)
    with pytest.raises(ValueError, match="too few"):
        apply_floor_ceiling([1.0, 0.0, 0.0], ceiling=0.5)


def test_risk_adjusted_blends_capacity_and_exposure():
    # Exposure (USD in high-risk countries) 300, 60, 30, 10: shares 75, 15, 7.5, 2.5 %.
    # Half and half: Alpha (60 + 75) / 2 = 67.5 %, Beta 22.5 %, Gamma 8.25 %, Delta 1.75 %.
    shares = risk_adjusted(EXPENSES, [300.0, 60.0, 30.0, 10.0], 0.5)
    np.testing.assert_allclose(shares, [0.675, 0.225, 0.0825, 0.0175], rtol=1e-14)


def test_usage_splits_each_post_among_the_entities_present():
    # AAA: Alpha and Beta pay 150k each; BBB: Beta and Gamma 150k each; CCC: 75k each.
    # Alpha 225k, Beta 375k, Gamma 225k, Delta 75k of 900k.
    shares = usage_based(PRESENCE, POST_USD)
    np.testing.assert_allclose(shares * 900_000, [225_000, 375_000, 225_000, 75_000], rtol=1e-14)


def test_usage_with_a_key_splits_each_post_by_size():
    # AAA 600:300 -> 200k, 100k; BBB 300:90 -> 230,769.23, 69,230.77;
    # CCC 600:300:90:10 -> 180k, 90k, 27k, 3k.
    shares = usage_based(PRESENCE, POST_USD, EXPENSES)
    expected = [380_000, 100_000 + 300_000 * 300 / 390 + 90_000, 300_000 * 90 / 390 + 27_000, 3_000]
    np.testing.assert_allclose(shares * 900_000, expected, rtol=1e-14)


def test_usage_spreads_posts_nobody_uses_pro_rata():
    presence = np.column_stack([PRESENCE, np.zeros(4, dtype=bool)])
    shares = usage_based(presence, np.append(POST_USD, 300_000.0))
    np.testing.assert_allclose(shares, usage_based(PRESENCE, POST_USD), rtol=1e-15)
