"""Run directories (format, writing, reading) and the summary metrics computed from
per-replication records. Imports no other part of fundsim."""

from fundsim.results.metrics import summarize, summary_frame
from fundsim.results.rundir import RunData, RunDirError, is_run_dir, read_run, write_run

__all__ = ["RunData", "RunDirError", "is_run_dir", "read_run", "summarize", "summary_frame", "write_run"]
