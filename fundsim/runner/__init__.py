"""Many replications: seed streams, chunks, executors (serial, processes, Dask),
aggregation into a :class:`RunResult`."""

from fundsim.runner.montecarlo import RunResult, run_scenario
from fundsim.runner.seeds import Streams, replication_seed

__all__ = ["RunResult", "Streams", "replication_seed", "run_scenario"]
