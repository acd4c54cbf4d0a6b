"""Dask distributed executor: joins a running scheduler or starts a ``LocalCluster``.

Imported only when ``--scheduler`` is given, so Dask is never loaded otherwise.
Arguments shared by every task (the scenario) are scattered to the workers once,
and only a few tasks per worker are in flight at a time, so neither the scheduler
nor this process holds the results of a long run at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fundsim.errors import BadInput

Task = tuple[Any, ...]

#: Tasks in flight per worker: enough to keep workers busy while results travel back.
IN_FLIGHT_PER_WORKER = 3
#: How long to wait for a remote cluster to have at least one worker (seconds).
WORKER_WAIT_SECONDS = 60
#: How long to try to reach a remote scheduler before giving up (seconds).
CONNECT_SECONDS = 3
#: Largest first message a Dask scheduler's handshake may announce (bytes); its
#: handshake is a few hundred bytes, so a larger size means the server is not Dask.
MAX_HANDSHAKE_BYTES = 1 << 20


#: What a run with the Dask executor says when the ``dask`` extra is not installed.
INSTALL_HINT = (
    "the Dask executor needs the dask extra: pip install -e '.[dask]' (in a clone of fundsim)"
)


class SchedulerError(BadInput):
    """A Dask scheduler that cannot be reached, or that has no workers."""


class DaskExecutor:
    """Submit chunks to a Dask cluster and yield results as they complete.

    ``scheduler`` is ``"local"`` (start a ``LocalCluster`` of ``workers`` processes,
    one thread each: the model is pure Python and holds the GIL) or the address of a
    running scheduler, such as ``tcp://127.0.0.1:8786``.
    """

    name = "dask"

    def __init__(self, scheduler: str, workers: int | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise BadInput(INSTALL_HINT) from None

        self._cluster = None
        if scheduler == "local":
            self._cluster = LocalCluster(
                n_workers=workers or 2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)
        else:
            self._client = _connect(Client, scheduler)
            try:
                self._client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            except (OSError, TimeoutError):
                self._client.close()
                raise SchedulerError(
                    f"--scheduler {scheduler}: no worker joined within {WORKER_WAIT_SECONDS} s"
                ) from None
            except BaseException:
                self._client.close()
                raise
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map_unordered(self, fn: Callable[..., Any], tasks: Sequence[Task]) -> Iterator[Any]:
        from dask.distributed import as_completed

        if not tasks:
            return
        tasks = self._scatter_shared(tasks)
        queue = list(tasks)
        queue.reverse()
        limit = IN_FLIGHT_PER_WORKER * self.workers
        first = [
            self._client.submit(fn, *queue.pop(), pure=False) for _ in range(min(limit, len(queue)))
        ]
        running = as_completed(first)
        for fut in running:
            if queue:
                running.add(self._client.submit(fn, *queue.pop(), pure=False))
            result = fut.result()
            fut.release()
            yield result

    def _scatter_shared(self, tasks: Sequence[Task]) -> list[Task]:
        """Replace an argument that is the same object in every task by one scattered copy."""
        out = [list(t) for t in tasks]
        for pos, arg in enumerate(tasks[0]):
            if isinstance(arg, bool | int | float | str | None) or len(tasks) < 2:
                continue
            if all(len(t) > pos and t[pos] is arg for t in tasks):
                shared = self._client.scatter(arg, broadcast=True, hash=False)
                for t in out:
                    t[pos] = shared
        return [tuple(t) for t in out]

    def close(self) -> None:
        # A LocalCluster logs every step of its shutdown at INFO on the user's terminal.
        log = logging.getLogger("distributed")
        level = log.level
        log.setLevel(logging.ERROR)
        try:
            self._client.close()
            if self._cluster is not None:
                self._cluster.close()
        finally:
            log.setLevel(level)


def _connect(client_class: Any, scheduler: str) -> Any:
    """A client of the scheduler at ``scheduler``, or :class:`SchedulerError` (one line,
    exit 2) after :data:`CONNECT_SECONDS` when it cannot be reached; Dask's own
    connection errors are logged quietly."""
    if "://" not in scheduler and ":" not in scheduler:
        raise SchedulerError(
            f"--scheduler {scheduler}: not an address (tcp://host:port) nor 'local'"
        )
    probe_scheduler(scheduler)
    log = logging.getLogger("distributed")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return client_class(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except MemoryError:  # a reply that announces an absurd message size: not Dask
        raise SchedulerError(
            f"--scheduler {scheduler}: not a Dask scheduler (its reply is not Dask's)"
        ) from None
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(
            f"--scheduler {scheduler}: cannot reach the scheduler within {CONNECT_SECONDS} s "
            f"({type(exc).__name__})"
        ) from None
    except ValueError as exc:
        raise SchedulerError(f"--scheduler {scheduler}: {str(exc).splitlines()[0]}") from None
    finally:
        log.setLevel(level)


def probe_scheduler(scheduler: str) -> None:
    """Refuse (:class:`SchedulerError`, within :data:`CONNECT_SECONDS`) a ``tcp://``
    address whose server does not open with a Dask handshake: a Dask scheduler sends one
    at once, its first 8 bytes the size of a short message; a server that sends nothing,
    closes, or announces more than :data:`MAX_HANDSHAKE_BYTES` is not Dask (Dask's client
    would otherwise try to allocate whatever size the stranger's bytes spell)."""
    import socket
    import struct
    from urllib.parse import urlsplit

    if not scheduler.startswith("tcp://"):
        return  # other protocols (tls, ucx, inproc) are left to Dask
    try:
        parts = urlsplit(scheduler)
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if not host or port is None:
        raise SchedulerError(
            f"--scheduler {scheduler}: not an address (tcp://host:port) nor 'local'"
        )
    try:
        with socket.create_connection((host, port), timeout=CONNECT_SECONDS) as sock:
            head = b""
            while len(head) < 8:
                chunk = sock.recv(8 - len(head))
                if not chunk:
                    break
                head += chunk
    except TimeoutError:
        raise SchedulerError(
            f"--scheduler {scheduler}: no Dask handshake within {CONNECT_SECONDS} s "
            "(not a Dask scheduler?)"
        ) from None
    except OSError as exc:
        raise SchedulerError(
            f"--scheduler {scheduler}: cannot reach the scheduler "
            f"({exc.strerror or type(exc).__name__})"
        ) from None
    if len(head) < 8 or not 0 < struct.unpack("<Q", head)[0] <= MAX_HANDSHAKE_BYTES:
        raise SchedulerError(
            f"--scheduler {scheduler}: not a Dask scheduler (its reply is not a Dask handshake)"
        )
