"""Executors: where chunks of replications run (serial, local processes, Dask).

Every executor yields chunk results as they finish; the aggregator puts them back
in replication order, so a seed gives bit-identical results whatever the
executor or the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol

Task = tuple[Any, ...]


class Executor(Protocol):
    """Runs ``fn(*task)`` for every task and yields the results in completion order."""

    name: str
    workers: int

    def map_unordered(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Runs every task in this process, one after another."""

    name = "serial"
    workers = 1

    def map_unordered(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[Any]:
        for task in tasks:
            yield fn(*task)

    def close(self) -> None:
        pass


def exit_with_parent(parent_pid: int, poll_seconds: float = 1.0) -> None:
    """Worker initializer: end this worker when its parent is gone, and leave Ctrl-C to
    the parent.

    A pool's workers outlive a parent killed with SIGKILL (a batch stopped by a job
    scheduler), and would go on burning cores for a run nobody will collect. Ctrl-C
    sends SIGINT to the whole process group: a worker that took it would print its own
    ``KeyboardInterrupt`` traceback; it ignores it, and the parent, which does not,
    ends its workers (:meth:`ProcessExecutor.close`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll_seconds)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class ProcessExecutor:
    """Runs tasks in a pool of local worker processes (``spawn`` start method: safe with
    threads, the same on every platform)."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._unfinished: set[Any] = set()
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=exit_with_parent,
            initargs=(os.getpid(),),
        )

    def map_unordered(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[Any]:
        # Keep at most 2 tasks per worker in flight: bounded memory for long runs.
        pending = self._unfinished
        queue = list(tasks)
        queue.reverse()
        while queue or pending:
            while queue and len(pending) < 2 * self.workers:
                pending.add(self._submit(fn, queue.pop()))
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            pending -= done
            for fut in done:
                yield fut.result()

    def _submit(self, fn: Callable[..., Any], task: Task) -> Any:
        # A submit may start a worker process. SIGINT is blocked meanwhile: the worker
        # inherits the blocked signal, so a Ctrl-C that reaches it while it is still
        # starting (before its initializer ignores SIGINT) prints no traceback; here the
        # signal is only deferred to the end of the submit.
        if not hasattr(signal, "pthread_sigmask"):
            return self._pool.submit(fn, *task)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._pool.submit(fn, *task)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def close(self) -> None:
        """Shut the pool down; if tasks are still unfinished (the run was interrupted or
        failed), end the workers at once rather than wait for their chunks."""
        if any(not f.done() for f in self._unfinished):
            for fut in self._unfinished:
                fut.cancel()
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
        else:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._unfinished.clear()


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """Serial for one worker, local processes for more, Dask when ``scheduler`` is given
    (``"local"`` starts a ``LocalCluster``; ``tcp://host:port`` joins an existing one)."""
    if scheduler:
        from fundsim.runner.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, workers)
    if workers is None or workers <= 1:
        return SerialExecutor()
    return ProcessExecutor(workers)
