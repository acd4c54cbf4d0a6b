"""An exploration keeps only each replication's metrics: they must be the full run's."""

from __future__ import annotations

import math

import pytest

from fundsim.runner.chunks import _replication
from fundsim.scenario import load_scenario


@pytest.mark.parametrize("name", ["baseline", "siloed", "today"])
def test_metrics_only_gives_the_full_replications_metrics(name: str) -> None:
    scenario = load_scenario(f"scenarios/{name}.toml")
    for index in range(2):
        full = _replication(scenario, 5, index, False).metrics
        alone = _replication(scenario, 5, index, False, metrics_only=True)
        assert list(alone) == list(full)
        for key, value in full.items():
            assert alone[key] == value or (math.isnan(alone[key]) and math.isnan(value)), key
