"""Dask distributed executor: joins a running scheduler or starts a ``LocalCluster``.

Imported only when ``--scheduler`` is given, so Dask is never loaded otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

Task = tuple[Any, ...]


class DaskExecutor:
    """Submit chunks to a Dask cluster and yield results as they complete."""

    name = "dask"

    def __init__(self, scheduler: str, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self._cluster = None
        if scheduler == "local":
            self._cluster = LocalCluster(
                n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self._client = Client(self._cluster)
        else:
            self._client = Client(scheduler, timeout="20s")
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map_unordered(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[Any]:
        from dask.distributed import as_completed

        futures = [self._client.submit(fn, *task, pure=False) for task in tasks]
        for fut in as_completed(futures):
            yield fut.result()
            fut.release()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
