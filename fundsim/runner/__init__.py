"""Many replications: seed streams, chunks, executors (serial, processes, Dask),
aggregation into a :class:`~fundsim.results.Run`, with the :class:`Provenance` its
caller hands down.

Each name below is imported from its module on first use, so that a worker process that
runs chunks (:mod:`fundsim.runner.chunks`) loads the model, not pandas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundsim._lazy import lazy_exports

if TYPE_CHECKING:
    from fundsim.results import Run
    from fundsim.runner.montecarlo import RunResult, run_scenario
    from fundsim.runner.provenance import Provenance, ProvenanceError
    from fundsim.runner.seeds import Streams, replication_seed

_HOMES = {
    "Provenance": "fundsim.runner.provenance",
    "ProvenanceError": "fundsim.runner.provenance",
    "Run": "fundsim.results.run",
    "RunResult": "fundsim.runner.montecarlo",
    "Streams": "fundsim.runner.seeds",
    "replication_seed": "fundsim.runner.seeds",
    "run_scenario": "fundsim.runner.montecarlo",
}

__all__ = [
    "Provenance",
    "ProvenanceError",
    "Run",
    "RunResult",
    "Streams",
    "replication_seed",
    "run_scenario",
]

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
