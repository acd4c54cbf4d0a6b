"""Scenario discovery: PRIM and the tree find the region of the inputs where failures are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundsim.scenario.explore import parse_explore

pytest.importorskip("ema_workbench")

from fundsim.analysis.discovery import discover

SPEC = parse_explore(
    {
        "uncertainties": {
            "cuts.0.fraction": {"low": 0.0, "high": 0.4},
            "participation.absorption": {"low": 0.0, "high": 1.0},
            "exits": {
                "levels": [[], [{"entity": "largest", "year": 2028}]],
                "labels": ["stays", "leaves"],
            },
        },
        "levers": {"mechanism.reserve_target_months": [3.0, 9.0]},
        "policies": {"thin": {}, "thick": {"mechanism.reserve_target_months": 9.0}},
        "outcomes": ["funding_lost_share"],
        "fails_when": ["funding_lost_share > 0.05"],
    }
)


def _experiments(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    t = pd.DataFrame(
        {
            "future": np.repeat(np.arange(n), 2),
            "policy": np.tile(["thin", "thick"], n),
            "cuts.0.fraction": np.repeat(rng.uniform(0, 0.4, n), 2),
            "participation.absorption": np.repeat(rng.uniform(0, 1, n), 2),
            "exits": np.repeat(rng.choice(["stays", "leaves"], n), 2),
            "mechanism.reserve_target_months": np.tile(["3", "9"], n),
        }
    )
    # the thin reserve fails when the cut exceeds 20 % and others absorb less than half
    t["failed"] = (
        (t["policy"] == "thin")
        & (t["cuts.0.fraction"] > 0.2)
        & (t["participation.absorption"] < 0.5)
    )
    t["funding_lost_share"] = np.where(t["failed"], 0.1, 0.01)
    return t


def test_prim_finds_the_box_where_one_policy_fails() -> None:
    found = discover(_experiments(), SPEC, policy="thin", names={"cuts.0.fraction": "the cut"})
    box = found.box.set_index("input")
    assert set(box.index) == {"cuts.0.fraction", "participation.absorption"}
    assert box.loc["cuts.0.fraction", "low"] == pytest.approx(0.2, abs=0.03)
    assert box.loc["participation.absorption", "high"] == pytest.approx(0.5, abs=0.06)
    assert found.density >= 0.8 and found.coverage >= 0.8
    assert "the cut is at least" in found.sentence
    assert (
        found.tree.iloc[0]["density"] == 1.0 and "the cut is at least" in found.tree.iloc[0]["rule"]
    )


def test_with_every_policy_the_levers_are_inputs_too() -> None:
    found = discover(_experiments(), SPEC)
    assert "mechanism.reserve_target_months" in set(found.box["input"])
    assert found.box.set_index("input").loc["mechanism.reserve_target_months", "levels"] == "3"


def test_nothing_to_discover_when_a_policy_never_fails() -> None:
    found = discover(_experiments(), SPEC, policy="thick")
    assert found.failures == 0 and found.chosen is None and "none of" in found.sentence


def test_a_box_restricts_something_even_when_most_futures_fail() -> None:
    t = _experiments()
    t["failed"] = (
        t["cuts.0.fraction"] > 0.04
    )  # nine futures in ten fail: the whole space is "dense"
    found = discover(t, SPEC, policy="thin")
    assert list(found.box["input"]) == ["cuts.0.fraction"]
    assert found.density > found.failures / found.cases


def test_the_box_limits_carry_quasi_p_values_and_the_inputs_their_scores() -> None:
    found = discover(_experiments(), SPEC, policy="thin")
    limits = found.inspect.set_index("input")
    assert set(limits.index) == {"cuts.0.fraction", "participation.absorption"}
    # the cut is restricted from below, absorption from above: those limits are significant
    assert limits.loc["cuts.0.fraction", "qp_low"] < 0.001
    assert np.isnan(limits.loc["cuts.0.fraction", "qp_high"])
    assert limits.loc["participation.absorption", "qp_high"] < 0.001
    assert limits["coverage"].iloc[0] == pytest.approx(found.coverage)
    # every uncertainty is scored; the two that matter come first, the exit (irrelevant) last
    scores = found.features
    assert set(scores["input"]) == {"cuts.0.fraction", "participation.absorption", "exits"}
    assert set(scores["input"].iloc[:2]) == {"cuts.0.fraction", "participation.absorption"}
    assert scores["score"].sum() == pytest.approx(1.0)
    assert found.warning is None  # about 75 failing futures


def test_a_box_found_among_few_failures_is_flagged() -> None:
    t = _experiments(40)  # futures with a cut above 35 %: about one in eight, five here
    t["failed"] = (t["policy"] == "thin") & (t["cuts.0.fraction"] > 0.35)
    found = discover(t, SPEC, policy="thin")
    assert 0 < found.failures < 10
    assert found.warning is not None and f"{found.failures} failing futures" in found.warning
