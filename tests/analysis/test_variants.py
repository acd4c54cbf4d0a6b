"""Scenario variants in code: dotted overrides are applied and validated like a file."""

from __future__ import annotations

import pytest

from fundsim.analysis.variants import VariantError, get_value, numeric_value, scaled, with_overrides


def test_override_sets_the_key_and_leaves_the_rest(mini):
    v = with_overrides(
        mini, {"mechanism.reserve_target_months": 6, "posts.operating_cost_usd": 1234.5}
    )
    assert v.mechanism.reserve_target_months == 6
    assert v.posts.operating_cost_usd == 1234.5
    assert v.posts.annual_cost_usd == mini.posts.annual_cost_usd
    assert mini.mechanism.reserve_target_months == 3  # the original is untouched


def test_unknown_key_is_refused_with_a_suggestion(mini):
    with pytest.raises(
        VariantError, match=r"reserve_target_month.*did you mean 'reserve_target_months'"
    ):
        with_overrides(mini, {"mechanism.reserve_target_month": 6})


def test_value_out_of_bounds_is_refused(mini):
    with pytest.raises(VariantError, match="reserve_target_months"):
        with_overrides(mini, {"mechanism.reserve_target_months": 99})


def test_list_index_and_distribution_values(mini):
    v = with_overrides(mini, {"cuts": [{"year": 2027, "fraction": 0.2, "group": "voluntary"}]})
    v2 = with_overrides(v, {"cuts.0.fraction": 0.3})
    assert v2.cuts[0].fraction == 0.3
    assert numeric_value(mini, "posts.recruitment_lag_months") == pytest.approx((2 + 4 + 8) / 3)
    assert (
        get_value(
            with_overrides(mini, {"posts.recruitment_lag_months": 5}),
            "posts.recruitment_lag_months",
        )["value"]
        == 5
    )


def test_scaled_multiplies_a_number(mini):
    assert scaled(mini, "posts.annual_cost_usd", 1.1).posts.annual_cost_usd == pytest.approx(
        280000 * 1.1
    )
