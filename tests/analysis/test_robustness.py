"""Robustness: satisficing is the share of futures meeting every threshold, and regret is
the distance to the best policy of each future, in the metric's good direction."""

from __future__ import annotations

import pandas as pd
import pytest

from fundsim.analysis.robustness import regret_frame, robustness_table
from fundsim.scenario.explore import parse_explore

SPEC = parse_explore(
    {
        "uncertainties": {"cuts.0.fraction": {"low": 0.0, "high": 0.4}},
        "levers": {"mechanism.reserve_target_months": [3.0, 9.0]},
        "policies": {"thin": {}, "thick": {"mechanism.reserve_target_months": 9.0}},
        "outcomes": ["funding_lost_share", "coordinator_coverage"],
        "fails_when": ["funding_lost_share > 0.05"],
    }
)


def _table() -> pd.DataFrame:
    rows = [  # future, policy, lost, coverage
        (0, "thin", 0.02, 0.90),
        (0, "thick", 0.01, 0.95),
        (1, "thin", 0.10, 0.70),
        (1, "thick", 0.04, 0.92),
        (2, "thin", 0.03, 0.97),
        (2, "thick", 0.06, 0.93),
    ]
    t = pd.DataFrame(
        rows, columns=["future", "policy", "funding_lost_share", "coordinator_coverage"]
    )
    t["failed"] = t["funding_lost_share"] > 0.05
    return t


def test_regret_is_the_gap_to_the_best_policy_of_each_future() -> None:
    r = regret_frame(_table(), SPEC)
    # lower is better for funding lost: regret = value - best
    assert r["regret_funding_lost_share"].tolist() == pytest.approx(
        [0.01, 0.0, 0.06, 0.0, 0.0, 0.03]
    )
    # higher is better for coverage: regret = best - value
    assert r["regret_coordinator_coverage"].tolist() == pytest.approx(
        [0.05, 0.0, 0.22, 0.0, 0.0, 0.04]
    )


def test_policies_are_ranked_by_satisficing_then_largest_regret() -> None:
    table = robustness_table(_table(), SPEC).set_index("policy")
    assert table.loc["thick", "satisficing"] == pytest.approx(2 / 3)
    assert table.loc["thin", "satisficing"] == pytest.approx(2 / 3)
    assert table.loc["thick", "max_regret_funding_lost_share"] == pytest.approx(0.03)
    assert table.loc["thin", "max_regret_funding_lost_share"] == pytest.approx(0.06)
    assert table.loc["thick", "rank"] == 1  # same satisficing, smaller worst regret
    assert table.loc["thick", "mechanism.reserve_target_months"] == "9"


def _with_cost(thin_usd: float, thick_usd: float) -> pd.DataFrame:
    t = _table()
    t["assessed_usd"] = [thin_usd if p == "thin" else thick_usd for p in t["policy"]]
    t["closing_balance_usd"] = [1e6 if p == "thin" else 5e6 for p in t["policy"]]
    return t


def test_a_design_that_holds_up_as_often_for_more_money_ranks_below_the_cheaper_one() -> None:
    # Same satisficing (2/3); thick has the smaller worst regret but costs USD 4.6 M more.
    table = robustness_table(_with_cost(100e6, 104.6e6), SPEC).set_index("policy")
    assert table.loc["thick", "dominated_by"] == "thin"
    assert table.loc["thin", "dominated_by"] == ""
    assert table.loc["thin", "rank"] == 1
    assert table.loc["thick", "extra_cost_usd"] == pytest.approx(4.6e6)
    assert table.loc["thin", "extra_cost_usd"] == 0.0
    assert table.loc["thick", "mean_idle_usd"] == pytest.approx(5e6)


def test_a_dearer_design_that_holds_up_more_often_is_not_dominated() -> None:
    t = _with_cost(100e6, 104.6e6)
    t.loc[t["policy"] == "thick", "failed"] = False  # thick now meets every threshold everywhere
    table = robustness_table(t, SPEC).set_index("policy")
    assert table.loc["thick", "dominated_by"] == ""
    assert table.loc["thin", "dominated_by"] == ""
    assert table.loc["thick", "rank"] == 1  # higher satisficing first
