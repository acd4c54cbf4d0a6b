"""A seed gives bit-identical results on every executor and worker count: serial, local
processes and a Dask LocalCluster, whatever order the chunks come back in."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundsim.runner import run_scenario
from fundsim.runner.chunks import run_chunk
from fundsim.runner.montecarlo import Aggregator, chunk_indices

REPS = 24
SEED = 5
TABLES = ("replications", "summary", "monthly", "shares", "yearly", "coverage")


def assert_identical(a, b) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(
            getattr(a, name), getattr(b, name), check_exact=True, obj=name
        )


@pytest.fixture(scope="module")
def serial(request):
    from fundsim.scenario import load_scenario

    mini = load_scenario(request.config.rootpath / "tests" / "data" / "mini.toml")
    return run_scenario(mini, reps=REPS, seed=SEED, workers=1)


def test_two_local_processes_match_serial(mini, serial) -> None:
    result = run_scenario(mini, reps=REPS, seed=SEED, workers=2)
    assert result.manifest["executor"] == "processes"
    assert_identical(result, serial)


@pytest.mark.slow
def test_dask_local_cluster_matches_serial(mini, serial) -> None:
    result = run_scenario(mini, reps=REPS, seed=SEED, workers=2, scheduler="local")
    assert (result.manifest["executor"], result.manifest["workers"]) == ("dask", 2)
    assert_identical(result, serial)


def test_aggregation_does_not_depend_on_chunk_sizes_or_arrival_order(mini) -> None:
    def aggregate(chunks: list[list[int]], order: np.ndarray) -> Aggregator:
        agg = Aggregator(mini, REPS)
        results = [run_chunk(mini, SEED, c) for c in chunks]
        for i in order:
            agg.add(results[i])
        return agg

    small = chunk_indices(REPS, workers=6)
    big = chunk_indices(REPS, workers=1)
    assert len(small) != len(big)
    in_order = aggregate(big, np.arange(len(big)))
    shuffled = aggregate(small, np.random.default_rng(0).permutation(len(small)))
    assert np.array_equal(in_order.metrics, shuffled.metrics)
    for table in ("kept", "sums", "positive"):
        ours, theirs = getattr(in_order, table), getattr(shuffled, table)
        assert ours.keys() == theirs.keys(), table
        for name in ours:
            assert np.array_equal(ours[name], theirs[name]), (table, name)
