"""Exploratory experiments: the futures design, common random numbers, and a killed
experiment that resumes to the same bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fundsim.analysis.explore import (
    EXPERIMENTS_FILE,
    FUTURES_FILE,
    ExploreError,
    outcomes_at,
    run_explore,
    sample_futures,
)
from fundsim.analysis.variants import with_overrides
from fundsim.runner import run_scenario
from fundsim.scenario.explore import load_explore
from tests.explore_builders import write_mini_explore


@pytest.fixture
def mini_explore(tmp_path: Path):
    return load_explore(write_mini_explore(tmp_path))


def test_futures_are_a_latin_hypercube_and_repeat_for_a_seed(mini_explore) -> None:
    _, spec = mini_explore
    futures = sample_futures(spec, 10, seed=3)
    fraction = futures["cuts.0.fraction"].to_numpy()
    # one future in each tenth of the range: the Latin hypercube's stratification
    assert sorted(np.floor(fraction / 0.05).astype(int)) == list(range(10))
    assert set(futures["cuts.0.year"]) <= {2026, 2027, 2028}
    assert futures["exits"].value_counts().to_dict() == {"stays": 5, "leaves": 5}
    assert futures.equals(sample_futures(spec, 10, seed=3))
    assert not futures.equals(sample_futures(spec, 10, seed=4))


def test_an_outcome_is_the_run_summary_mean_with_the_same_seed(mini_explore) -> None:
    scenario, _ = mini_explore
    overrides = {"cuts.0.fraction": 0.3, "mechanism.reserve_target_months": 9.0}
    got = outcomes_at(scenario, overrides, ["funding_lost_share", "p_gap"], reps=3, seed=11)
    run = run_scenario(with_overrides(scenario, overrides), reps=3, seed=11, workers=1)
    assert got["funding_lost_share"] == run.metric("funding_lost_share")["mean"]
    assert got["p_gap"] == run.metric("p_gap")["mean"]


def test_policies_share_their_random_draws_within_a_future(mini_explore) -> None:
    scenario, spec = mini_explore
    result = run_explore(scenario, spec, futures=3, reps=2, seed=5)
    table = result.experiments
    assert len(table) == 3 * 2 and set(table["policy"]) == {"lean", "reserve"}
    # the same policy in the same future, evaluated alone, gives the same numbers
    row = table[(table["future"] == 1) & (table["policy"] == "reserve")].iloc[0]
    alone = outcomes_at(
        scenario,
        {
            "cuts.0.fraction": row["cuts.0.fraction"],
            "cuts.0.year": int(row["cuts.0.year"]),
            "exits": spec.uncertainties[2].value(row["exits"]),
            **spec.lever_values(spec.policy("reserve")),
        },
        spec.outcomes,
        reps=2,
        seed=5,
    )
    assert alone["funding_lost_share"] == row["funding_lost_share"]
    assert bool(row["failed"]) == (row["funding_lost_share"] > 0.05)


class Stop(Exception):
    pass


def test_a_killed_experiment_resumes_to_identical_bytes(mini_explore, tmp_path: Path) -> None:
    scenario, spec = mini_explore
    whole = run_explore(scenario, spec, futures=5, reps=2, seed=9, out=tmp_path / "whole")

    def stop_after_two(future: int) -> None:
        if future == 1:
            raise Stop

    with pytest.raises(Stop):
        run_explore(
            scenario,
            spec,
            futures=5,
            reps=2,
            seed=9,
            out=tmp_path / "cut",
            on_future=stop_after_two,
        )
    assert not (tmp_path / "cut" / EXPERIMENTS_FILE).exists()
    assert len(list((tmp_path / "cut" / "parts").glob("*.csv"))) == 2
    resumed = run_explore(
        scenario, spec, futures=5, reps=2, seed=9, out=tmp_path / "cut", resume=True
    )
    assert resumed.kept == 2 and whole.kept == 0
    for name in (EXPERIMENTS_FILE, FUTURES_FILE, "explore.json"):
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_a_resume_must_be_the_same_experiment(mini_explore, tmp_path: Path) -> None:
    scenario, spec = mini_explore
    run_explore(scenario, spec, futures=2, reps=1, seed=9, out=tmp_path / "x")
    with pytest.raises(ExploreError, match="another experiment"):
        run_explore(scenario, spec, futures=2, reps=1, seed=10, out=tmp_path / "x", resume=True)
    with pytest.raises(ExploreError, match="already exists"):
        run_explore(scenario, spec, futures=2, reps=1, seed=9, out=tmp_path / "x")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ExploreError, match="not an explore folder"):
        run_explore(scenario, spec, futures=2, reps=1, seed=9, out=tmp_path / "mine", force=True)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


@pytest.mark.slow
def test_worker_processes_give_the_same_bytes(mini_explore, tmp_path: Path) -> None:
    scenario, spec = mini_explore
    run_explore(scenario, spec, futures=4, reps=2, seed=9, out=tmp_path / "serial")
    run_explore(scenario, spec, futures=4, reps=2, seed=9, out=tmp_path / "two", workers=2)
    assert (tmp_path / "two" / EXPERIMENTS_FILE).read_bytes() == (
        tmp_path / "serial" / EXPERIMENTS_FILE
    ).read_bytes()


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_files(mini_explore, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    scenario, spec = mini_explore
    run_explore(scenario, spec, futures=4, reps=2, seed=9, out=tmp_path / "serial")
    run_explore(
        scenario,
        spec,
        futures=4,
        reps=2,
        seed=9,
        out=tmp_path / "dask",
        scheduler="local",
        workers=2,
    )
    for name in (EXPERIMENTS_FILE, "futures.csv", "explore.json"):
        assert (tmp_path / "dask" / name).read_bytes() == (
            tmp_path / "serial" / name
        ).read_bytes(), name
    parts = sorted(p.name for p in (tmp_path / "serial" / "parts").iterdir())
    assert (
        parts == sorted(p.name for p in (tmp_path / "dask" / "parts").iterdir()) and len(parts) == 4
    )
    for name in parts:
        assert (tmp_path / "dask" / "parts" / name).read_bytes() == (
            tmp_path / "serial" / "parts" / name
        ).read_bytes()


def test_a_cached_experiment_is_read_back_not_simulated_again(mini_explore, tmp_path: Path) -> None:
    from fundsim.analysis.run_cache import cached_explore

    scenario, spec = mini_explore
    cache = tmp_path / "cache"
    first = cached_explore(scenario, spec, 3, 2, 5, cache_dir=cache)
    again = cached_explore(scenario, spec, 3, 2, 5, cache_dir=cache)
    assert first.kept == 0 and again.kept == 3  # every future read back from the cache
    assert again.experiments.equals(first.experiments)
    fresh = run_explore(scenario, spec, futures=3, reps=2, seed=5)
    assert first.experiments.equals(fresh.experiments)  # the same table as an uncached run
    other = cached_explore(scenario, spec, 4, 2, 5, cache_dir=cache)
    assert other.kept == 0 and len(list(cache.iterdir())) == 2  # another size, another entry


def test_a_worker_evaluates_futures_without_pandas() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fundsim.analysis.explore_eval; "
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
