"""The stress battery on the victims' window: the surge is run with both caseworker rules,
and the heat map colours the victims' metrics by their registry direction only."""

from __future__ import annotations

import pandas as pd
import pytest

from fundsim.analysis.stress import BATTERY
from fundsim.analysis.variants import with_overrides
from fundsim.viz.figures import stress_effects


def _shock(name: str):
    return next(s for s in BATTERY if s.name == name)


def test_the_surge_is_run_with_fixed_and_with_auto_caseworkers(baseline_path):
    from fundsim.scenario import load_scenario

    base = with_overrides(load_scenario(baseline_path), {"victims.caseworkers.capacity": 260})
    assert isinstance(base.victims.caseworkers.capacity, int)
    fixed, _ = _shock("allegations_+50%").apply(base)
    auto, note = _shock("allegations_+50%_other_caseworkers").apply(base)
    assert fixed.victims.caseworkers.capacity == base.victims.caseworkers.capacity
    assert auto.victims.caseworkers.capacity == "auto"
    assert auto.victims.allegations.scale == fixed.victims.allegations.scale == pytest.approx(1.5)
    assert "auto" in note
    # A scenario on "auto": the plain surge row scales it; the other row holds the unshocked
    # first-year slots fixed (the queue takes the surge).
    already = with_overrides(base, {"victims.caseworkers.capacity": "auto"})
    scaled, note = _shock("allegations_+50%").apply(already)
    assert scaled.victims.caseworkers.capacity == "auto" and "auto" in note
    held, note = _shock("allegations_+50%_other_caseworkers").apply(already)
    assert isinstance(held.victims.caseworkers.capacity, int)
    assert 200 < held.victims.caseworkers.capacity < 300  # the baseline's ~257 slots
    assert "held" in note


def test_the_heat_map_colours_victims_metrics_by_their_registry_direction():
    rows = [
        # metric, diff, relative change: the surge's kind of changes
        ("victims_dropped", 2900.0, 40.0),  # more dropped: worse
        ("median_wait_days", 160.0, 4.4),  # longer waits: worse
        ("victims_assisted_share", -0.3, -0.3),  # fewer assisted: worse
        ("funded_ratio", 0.3, 1.1),  # a higher funded ratio: better
        ("unmet_need_usd", -1000.0, -0.5),  # less unmet need: better
        ("caseworker_cost_usd", 2.0e6, 0.45),  # cost follows the caseload: no colour
        ("children_liability_pv_usd", 1.0e6, 0.2),  # follows the caseload: no colour
    ]
    # every change significant (its interval excludes 0): the colour is the metric's direction
    stress = pd.DataFrame(
        [
            {
                "shock": "allegations_+50%",
                "metric": m,
                "diff": d,
                "relative_change": r,
                "ci95_low": d - abs(d) / 2,
                "ci95_high": d + abs(d) / 2,
            }
            for m, d, r in rows
        ]
    )
    effect = stress_effects(stress).loc["allegations_+50%"]
    assert (
        effect["victims_dropped"]
        == effect["median_wait_days"]
        == effect["victims_assisted_share"]
        == "worse"
    )
    assert effect["funded_ratio"] == effect["unmet_need_usd"] == "better"
    assert effect["caseworker_cost_usd"] == effect["children_liability_pv_usd"] == "neither"
