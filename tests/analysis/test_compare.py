"""Paired comparison: common random numbers narrow the interval; unpairable runs are refused."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from fundsim.analysis.compare import CompareError, compare_runs, paired_interval, welch_interval
from fundsim.analysis.variants import with_overrides
from fundsim.results import read_run
from fundsim.runner import run_scenario

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from fundsim.scenario import load_scenario

    mini = load_scenario(MINI)
    cut = with_overrides(mini, {"cuts": [{"year": 2027, "fraction": 0.25, "group": "voluntary"}]})
    a = run_scenario(mini, reps=16, seed=11, workers=1)
    b = run_scenario(cut, reps=16, seed=11, workers=1)
    c = run_scenario(cut, reps=16, seed=12, workers=1)
    return a, b, c


def test_same_seed_is_paired_and_narrower(runs):
    a, b, _ = runs
    cmp = compare_runs(a, b)
    assert cmp.paired
    row = cmp.row("coordinator_coverage")
    assert row["diff"] == pytest.approx(row["mean_b"] - row["mean_a"])
    assert row["ci95_low"] <= row["diff"] <= row["ci95_high"]
    assert row["paired_width"] < row["unpaired_width"]
    assert row["width_ratio"] == pytest.approx(row["unpaired_width"] / row["paired_width"])
    assert row["variance_ratio"] == pytest.approx(row["width_ratio"] ** 2)
    assert row["width_ratio"] > 1


def test_different_seeds_fall_back_to_welch(runs):
    a, _, c = runs
    cmp = compare_runs(a, c)
    assert not cmp.paired
    assert "seeds differ" in cmp.reason
    row = cmp.row("coordinator_coverage")
    assert row["ci95_low"] == row["unpaired_ci95_low"]
    assert math.isnan(row["width_ratio"])


def test_a_run_against_itself_differs_by_exactly_zero(runs):
    a, _, _ = runs
    t = compare_runs(a, a).table
    assert (t["diff"] == 0).all()
    assert (t["ci95_low"] == 0).all() and (t["ci95_high"] == 0).all()


def test_run_directories_compare_like_results(runs, tmp_path):
    a, b, _ = runs
    a.save(tmp_path / "a")
    b.save(tmp_path / "b")
    from_disk = compare_runs(read_run(tmp_path / "a"), read_run(tmp_path / "b")).row(
        "coordinator_coverage"
    )
    in_memory = compare_runs(a, b).row("coordinator_coverage")
    assert from_disk["diff"] == pytest.approx(in_memory["diff"], abs=1e-12)
    assert from_disk["ci95_high"] == pytest.approx(in_memory["ci95_high"], abs=1e-12)


def test_different_horizons_are_refused(runs, mini):
    a, _, _ = runs
    short = run_scenario(with_overrides(mini, {"simulation.years": 3}), reps=4, seed=11, workers=1)
    with pytest.raises(CompareError, match="different horizons"):
        compare_runs(a, short)


def test_unknown_metric_is_refused_with_a_suggestion(runs):
    a, b, _ = runs
    with pytest.raises(CompareError, match="unknown metric 'no_such_metric'"):
        compare_runs(a, b, ["no_such_metric"])
    with pytest.raises(CompareError, match="did you mean 'p_gap'"):
        compare_runs(a, b, ["p_gapp"])


def test_a_registered_metric_the_runs_lack_is_refused(runs):
    a, b, _ = runs
    with pytest.raises(CompareError, match="not in both runs"):
        compare_runs(a, b, ["funded_ratio"])  # a victims metric; mini has no victims window


def test_intervals_match_textbook_formulas():
    rng = np.random.default_rng(0)
    x = rng.normal(10, 2, 50)
    y = x + rng.normal(1, 0.5, 50)
    d, lo, hi = paired_interval(x, y)
    se = (y - x).std(ddof=1) / np.sqrt(50)
    assert d == pytest.approx((y - x).mean())
    assert (hi - lo) / 2 == pytest.approx(2.009575 * se, rel=1e-4)  # t(0.975, 49)
    m, wlo, whi = welch_interval(x, y)
    assert m == pytest.approx(y.mean() - x.mean())
    assert whi - wlo > hi - lo
