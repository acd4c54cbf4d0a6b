"""Run directories (format, writing, reading), the :class:`Run` they hold, and the
summary metrics computed from per-replication records. Imports no other part of fundsim."""

from fundsim.results.metrics import summarize, summary_frame
from fundsim.results.run import Run, read_run
from fundsim.results.run_files import RunDirError, is_run_dir, write_run

#: The former name of a run read back (one type since :class:`Run`).
RunData = Run

__all__ = [
    "Run",
    "RunData",
    "RunDirError",
    "is_run_dir",
    "read_run",
    "summarize",
    "summary_frame",
    "write_run",
]
