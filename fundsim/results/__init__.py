"""Run directories (format, writing, reading), the :class:`Run` they hold, and the
summary metrics computed from per-replication records. Imports no other part of fundsim.

Each name below is imported from its module on first use, so that a module of this
package that needs no pandas (the metric registry a worker process reads) loads none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundsim._lazy import lazy_exports

if TYPE_CHECKING:
    from fundsim.results.metrics import summarize, summary_frame
    from fundsim.results.run import Run, read_run
    from fundsim.results.run_files import RunDirError, is_run_dir, write_run

    RunData = Run

_HOMES = {
    "Run": "fundsim.results.run",
    "RunData": "fundsim.results.run:Run",
    "RunDirError": "fundsim.results.run_files",
    "is_run_dir": "fundsim.results.run_files",
    "read_run": "fundsim.results.run",
    "summarize": "fundsim.results.metrics",
    "summary_frame": "fundsim.results.metrics",
    "write_run": "fundsim.results.run_files",
}

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

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
