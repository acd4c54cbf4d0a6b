"""``compute_shares``: every formula kind of the scenario schema, as the model calls it."""

import numpy as np
import pytest

from fundsim.scenario.schema import Band, Formula
from fundsim.sharing import KINDS, compute_shares

KEYS = {
    "expenses_usd": np.array([600.0, 300.0, 90.0, 10.0]),
    "hrp_expenses_usd": np.array([300.0, 60.0, 30.0, 10.0]),
    "personnel": np.array([1.0, 1.0, 1.0, 1.0]),
}
PRESENCE = np.array([[1, 0, 1], [1, 1, 1], [0, 1, 1], [0, 0, 1]], dtype=bool)
POST_USD = np.full(3, 300_000.0)


def shares(formula: Formula, total_usd: float | None = 900_000.0) -> np.ndarray:
    return compute_shares(
        formula, 4, KEYS, presence=PRESENCE, country_cost=POST_USD, total_usd=total_usd
    )


FORMULAS = {
    "equal": (Formula(kind="equal"), [0.25, 0.25, 0.25, 0.25]),
    "proportional": (Formula(kind="proportional", key="expenses_usd"), [0.6, 0.3, 0.09, 0.01]),
    "weighted": (
        Formula(kind="weighted", weights={"expenses_usd": 3, "personnel": 1}),
        [0.5125, 0.2875, 0.13, 0.07],
    ),
    "base_plus_variable": (
        Formula(kind="base_plus_variable", key="expenses_usd", base_fraction=0.2),
        [0.53, 0.29, 0.122, 0.058],
    ),
    # Delta (1 %) pays USD 9,000 of 900,000; the other 891,000 goes 600:300:90.
    "tiered": (
        Formula(
            kind="tiered", key="expenses_usd", bands=(Band(up_to_share=0.05, amount_usd=9_000),)
        ),
        [0.99 * 600 / 990, 0.99 * 300 / 990, 0.99 * 90 / 990, 0.01],
    ),
    "capacity": (
        Formula(kind="capacity", key="expenses_usd", floor=0.02, ceiling=0.5),
        [0.5, 0.48 * 30 / 39, 0.48 * 9 / 39, 0.02],
    ),
    "risk_adjusted": (
        Formula(
            kind="risk_adjusted", key="expenses_usd", risk_key="hrp_expenses_usd", risk_weight=0.5
        ),
        [0.675, 0.225, 0.0825, 0.0175],
    ),
    "usage": (Formula(kind="usage"), [0.25, 375 / 900, 0.25, 75 / 900]),
    "shapley": (Formula(kind="shapley"), [0.25, 375 / 900, 0.25, 75 / 900]),
}


def test_every_kind_of_the_schema_is_implemented():
    assert set(KINDS) == set(FORMULAS)


@pytest.mark.parametrize("kind", sorted(FORMULAS))
def test_compute_shares_matches_the_hand_computation(kind):
    formula, expected = FORMULAS[kind]
    np.testing.assert_allclose(shares(formula), expected, rtol=1e-14)


def test_a_usd_floor_is_a_minimum_contribution():
    # USD 27,000 of 900,000 = 3 %: Delta rises from 1 % to 3 % and the others share the
    # other USD 873,000 in the ratio 600:300:90.
    formula = Formula(kind="capacity", key="expenses_usd", floor_usd=27_000)
    expected_usd = [873_000 * 600 / 990, 873_000 * 300 / 990, 873_000 * 90 / 990, 27_000]
    np.testing.assert_allclose(shares(formula) * 900_000, expected_usd, rtol=1e-14)


def test_a_ceiling_too_low_for_the_remaining_entities_rises_to_an_equal_split():
    # After exits only two entities remain; a 22 % ceiling cannot hold, 50 % is the least.
    formula = Formula(kind="capacity", key="expenses_usd", ceiling=0.22)
    out = compute_shares(formula, 2, {"expenses_usd": np.array([9.0, 1.0])})
    np.testing.assert_allclose(out, [0.5, 0.5], rtol=1e-15)


def test_missing_inputs_are_reported():
    with pytest.raises(ValueError, match="needs presence"):
        compute_shares(Formula(kind="usage"), 4, KEYS)
    with pytest.raises(ValueError, match="needs total_usd"):
        shares(FORMULAS["tiered"][0], total_usd=None)


def test_every_formula_kind_of_the_schema_is_implemented() -> None:
    # The schema cannot import the sharing layer (DESIGN.md §1): the schema's list of kinds
    # and the kinds the dispatch table implements are kept in step, order included, by this test.
    from fundsim.scenario.vocabulary import FORMULA_KINDS

    assert KINDS == FORMULA_KINDS
