"""Run a chunk of replications and stack their arrays: the unit of work sent to workers.

A chunk returns a :class:`ChunkResult` of numpy arrays (a few kilobytes per
replication), never Python objects per event, so results travel cheaply between
processes or Dask workers. What is stacked is the model's declared list of outputs
(:data:`fundsim.model.OUTPUTS`).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fundsim.model import OUTPUTS, simulate, simulate_metrics
from fundsim.model.outputs import BY_NAME
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario.schema import Scenario


@dataclass
class ChunkResult:
    """Stacked outputs of the replications ``indices`` (first axis: replication).

    ``arrays``: each output declared in :data:`fundsim.model.OUTPUTS`, stacked
    (replications x its shape), or None when the scenario does not have it; each is also
    an attribute (``chunk.monthly``)."""

    indices: NDArray[np.int64]
    metric_names: tuple[str, ...]
    metrics: NDArray[np.float64]  # reps x metrics
    arrays: dict[str, NDArray[Any] | None]
    events: int
    journals: list[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if name in BY_NAME:
            return self.arrays[name]
        raise AttributeError(name)


def _stacked(arrays: list[NDArray[Any] | None]) -> NDArray[Any] | None:
    """One output of the replications stacked (None when any replication has none)."""
    present = [a for a in arrays if a is not None]
    return np.stack(present) if present and len(present) == len(arrays) else None


def _replication(
    scenario: Scenario, seed: int, index: int, audit: bool, metrics_only: bool = False
) -> Any:
    """One replication, with Python's cyclic garbage collector paused while it runs: a
    replication makes tens of thousands of small objects (events, tuples, lists) that live
    until it ends, and the collector would otherwise scan them again and again as they are
    made. Its garbage is collected as usual once the collector runs again (results do not
    depend on it; a collector that was already off stays off). ``metrics_only``: return only
    the metrics dict (the same numbers), without the tables a run's files read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        streams = Streams(replication_seed(seed, index))
        if metrics_only:
            return simulate_metrics(scenario, streams)
        return simulate(scenario, streams, audit=audit)
    finally:
        if enabled:
            gc.enable()


def run_chunk(
    scenario: Scenario, seed: int, indices: Sequence[int], audit: bool = False
) -> ChunkResult:
    """Run replications ``indices`` of ``scenario`` seeded ``seed`` and stack the results."""
    results = [_replication(scenario, seed, int(r), audit) for r in indices]
    names = tuple(results[0].metrics)
    return ChunkResult(
        indices=np.asarray(indices, dtype=np.int64),
        metric_names=names,
        metrics=np.array([[r.metrics[k] for k in names] for r in results], dtype=np.float64),
        arrays={o.name: _stacked([r.arrays[o.name] for r in results]) for o in OUTPUTS},
        events=sum(r.events for r in results),
        journals=[r.journal for r in results] if audit else None,
    )
