"""Many replications: seed streams, chunks, executors (serial, processes, Dask),
aggregation into a :class:`~fundsim.results.Run`, with the :class:`Provenance` its
caller hands down."""

from fundsim.results import Run
from fundsim.runner.montecarlo import RunResult, run_scenario
from fundsim.runner.provenance import Provenance, ProvenanceError
from fundsim.runner.seeds import Streams, replication_seed

__all__ = [
    "Provenance",
    "ProvenanceError",
    "Run",
    "RunResult",
    "Streams",
    "replication_seed",
    "run_scenario",
]
