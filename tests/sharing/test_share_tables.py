"""Share tables of a scenario: every dollar of the network cost accounted for, per formula."""

from pathlib import Path

import numpy as np
import pytest

from fundsim.analysis.share_tables import (
    default_formulas,
    network_cost_usd,
    presence_matrix,
    share_tables,
)
from fundsim.scenario import load_scenario
from fundsim.scenario.schema import Formula

TINY = Path(__file__).parent / "data" / "tiny.toml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def tables(scenario):
    return share_tables(scenario)


def test_network_cost_is_posts_times_post_and_operating_cost(scenario):
    # 3 countries x (USD 200,000 post + USD 100,000 operating).
    assert network_cost_usd(scenario) == 900_000.0


def test_presence_comes_from_the_countries_table(scenario):
    expected = np.array([[1, 0, 1], [1, 1, 1], [0, 1, 1], [0, 0, 1]], dtype=bool)
    np.testing.assert_array_equal(presence_matrix(scenario), expected)


def test_every_formula_is_shown_and_the_scenarios_own_is_used(scenario, tables):
    assert list(tables.shares.columns) == [
        "equal",
        "proportional",
        "weighted",
        "base_plus_variable",
        "tiered",
        "capacity",
        "risk_adjusted",
        "usage",
        "shapley",
    ]
    assert default_formulas(scenario)["capacity"] == scenario.mechanism.formula
    # The scenario's capacity formula has a 50 % ceiling: Alpha's 60 % is cut to 50 %.
    assert tables.shares.loc["Alpha", "capacity"] == pytest.approx(0.5, rel=1e-14)
    assert any("as configured in the scenario" in note for note in tables.notes)


def test_amounts_add_up_to_the_network_cost_for_every_formula(tables):
    totals = tables.long.groupby("formula")["amount_usd"].sum()
    np.testing.assert_allclose(totals.to_numpy(), 900_000.0, rtol=1e-14)
    assert len(tables.long) == 9 * 4
    assert list(tables.long.columns) == ["formula", "entity", "share", "amount_usd", "burden_ratio"]


def test_burden_ratios_and_fairness_rows(tables):
    np.testing.assert_allclose(tables.burden_ratios["proportional"], 1.0, rtol=1e-14)
    assert tables.fairness.loc["proportional", "suits_index"] == pytest.approx(0.0, abs=1e-15)
    assert tables.fairness.loc["equal", "usd_max"] == pytest.approx(225_000.0)
    # Alpha (60 %) leaving moves Beta from 30 % to 75 %: 45 points.
    assert tables.fairness.loc["proportional", "exit_max_change"] == pytest.approx(0.45, rel=1e-14)


def test_a_subset_of_formulas_and_an_unknown_name(scenario):
    subset = share_tables(scenario, ["shapley", "equal"])
    assert list(subset.shares.columns) == ["shapley", "equal"]
    with pytest.raises(ValueError, match="unknown formula 'shaply'"):
        share_tables(scenario, ["shaply"])


def test_a_copy_whose_own_formula_reads_an_empty_column_is_refused(scenario):
    # Beta has no sea_allegations in the test table (the loader would refuse it as the
    # scenario's own formula, so the formula is swapped in after loading).
    own = Formula(kind="risk_adjusted", key="expenses_usd", risk_key="sea_allegations")
    tweaked = scenario.model_copy(
        update={"mechanism": scenario.mechanism.model_copy(update={"formula": own})}
    )
    # share_tables validates the scenario it is given as a file would be, and a file whose own
    # formula reads a column empty for an entity is refused: so is this copy, in one line.
    with pytest.raises(ValueError, match="sea_allegations' is empty for Beta"):
        share_tables(tweaked, ["risk_adjusted"])


def test_the_precedent_keys_by_name_on_request(scenario):
    tables = share_tables(scenario, precedents=True)
    # The ICSC precedent needs Professional posts, which the test entities lack: left out.
    assert list(tables.shares.columns)[-2:] == ["undss_2005", "jiu"]
    np.testing.assert_allclose(tables.shares["jiu"], tables.shares["proportional"], rtol=1e-14)
    with pytest.raises(ValueError, match="professional_posts"):
        share_tables(scenario, ["icsc"])
