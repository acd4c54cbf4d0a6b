"""The risk profile of the shipped entities is not a second expenses key: risk_adjusted
shares differ from the weighted mix of total and crisis-country expenses."""

from __future__ import annotations

import numpy as np

from fundsim.analysis.share_tables import default_formulas
from fundsim.scenario import load_scenario
from fundsim.scenario.keys import key_vectors
from fundsim.sharing import risk_adjusted
from fundsim.sharing.formulas import weighted


def test_the_share_tables_take_the_allegation_based_risk_column(baseline_path) -> None:
    scenario = load_scenario(baseline_path)
    assert default_formulas(scenario)["risk_adjusted"].risk_key == "sea_risk_exposure"


def test_risk_adjusted_differs_from_weighted_with_the_shipped_data(baseline_path) -> None:
    scenario = load_scenario(baseline_path)
    keys = key_vectors(scenario)
    names = [e.name for e in scenario.entities]
    risk = risk_adjusted(keys["expenses_usd"], keys["sea_risk_exposure"], 0.5)
    mix = weighted(
        {"expenses_usd": keys["expenses_usd"], "hrp_expenses_usd": keys["hrp_expenses_usd"]},
        {"expenses_usd": 0.5, "hrp_expenses_usd": 0.5},
    )
    assert np.isclose(risk.sum(), 1.0) and np.isclose(mix.sum(), 1.0)
    # Several points apart for the large field entities, not within 1e-5 as with an expenses key.
    assert np.abs(risk - mix).max() > 0.03
    share = dict(zip(names, risk - mix, strict=True))
    # Exposure follows field personnel and reported allegations, not crisis spending: WFP
    # (the largest spender in crisis countries) pays less, UNHCR (more field personnel) more.
    assert share["WFP"] < -0.03 and share["UNHCR"] > 0.0
    # The old default (crisis-country expenses as the risk key) is the weighted mix itself.
    same = risk_adjusted(keys["expenses_usd"], keys["hrp_expenses_usd"], 0.5)
    np.testing.assert_allclose(same, mix, atol=1e-12)
