"""The same seed gives the same numbers, whatever the number of workers; other seeds differ."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundsim.runner import run_scenario


# Two worker processes: slow (the quick path keeps tests/runner/test_executors_identical.py's
# two-process identity on the same scenario).
@pytest.mark.slow
def test_same_seed_same_results_one_or_two_workers(mini_path: Path) -> None:
    serial = run_scenario(mini_path, reps=24, seed=42, workers=1)
    parallel = run_scenario(mini_path, reps=24, seed=42, workers=2)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.monthly, parallel.monthly)
    pd.testing.assert_frame_equal(serial.shares, parallel.shares)
    assert serial.manifest["events"] == parallel.manifest["events"]


def test_different_seeds_give_different_results(mini_path: Path) -> None:
    a = run_scenario(mini_path, reps=10, seed=1)
    b = run_scenario(mini_path, reps=10, seed=2)
    assert not a.replications["inflows_usd"].equals(b.replications["inflows_usd"])


def test_a_replication_does_not_depend_on_how_many_run(mini_path: Path) -> None:
    few = run_scenario(mini_path, reps=5, seed=9)
    many = run_scenario(mini_path, reps=12, seed=9)
    pd.testing.assert_frame_equal(few.replications, many.replications.iloc[:5])


def test_scenario_defaults_for_reps_and_seed(mini) -> None:
    result = run_scenario(mini)
    assert result.reps == mini.simulation.replications
    assert result.seed == mini.simulation.seed


def test_reps_must_be_positive(mini_path: Path) -> None:
    with pytest.raises(ValueError, match="reps: must be a whole number from 1"):
        run_scenario(mini_path, reps=0)
