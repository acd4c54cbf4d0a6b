"""The caseworker queue of one replication, computed once, before the clock starts.

A victim's case waits for a caseworker slot of its pool (one pool, or one per country),
first come first served; the slot holds it for its handling time, then takes the next case
of its pool's line-up at once. Nothing about money changes this: arrivals, handling times,
assessment lags and the slots of each year are all drawn or set when the cases are built.
The only link to the clock is the monthly tick (at ``month + 0.5``): SimPy would order a
case's end and a tick due at the same time by the order they were scheduled, a tick takes
the cases that became ready since the last one, and the first tick of a year opens or
closes slots. So the queue is run here in one pass, with the ticks as pseudo-events in
that order (a tick is scheduled at the end of the previous one, after any slot it opened;
the first after the first cases were taken), and the monthly tick only reads its slice.

:func:`caseworker_queue` returns a :class:`QueueSchedule`: per case, when a caseworker took
it, the time of the event that took it (so that a reader before the end of the run sees
only the takes made so far) and when its handling ends; and, tick by tick, the cases ready
for money: in the order their handling ended (no assessment), or by when their assessment
ended, then case number (with one). The arithmetic is the event loop's own: a case's end
is ``now + (start + handling - now)`` (SimPy's time plus the delay from now) and an
assessment ending at ``ready`` is seen by the tick of month ``ceil(ready - 0.5)`` (or the
next tick not yet past), so the results are identical to the bit.

The queue runs in a compiled kernel (:mod:`fundsim.model.caseworker_kernel`) when numba
is installed (the ``fast`` extra) and ``FUNDSIM_NO_JIT`` is not set; otherwise in the pure
Python of this module. Both give the same arrays (``tests/model/test_caseworker_queue.py``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from heapq import heappop, heappush, heapreplace
from typing import Any

import numpy as np
from numpy.typing import NDArray

Raw = tuple[
    NDArray[np.float64],  # start
    NDArray[np.float64],  # taken_at
    NDArray[np.float64],  # end
    NDArray[np.int64],  # due: the tick that files an assessed case (-1: none)
    NDArray[np.float64],  # ready: when an assessed case's assessment ended
    NDArray[np.int64],  # the cases whose handling ended, in order
    NDArray[np.int64],  # ends handled up to each tick (n_months + 1)
]


@dataclass(frozen=True)
class QueueSchedule:
    """The caseworker queue of one replication, over ``n`` cases and ``n_months`` ticks.

    ``start``: when a caseworker took each case (months; NaN: not within the horizon);
    ``taken_at``: the time of the event that took it (the end of the slot's previous case,
    the tick that opened the slot, or ``-inf`` for the slots' first cases, taken when the
    cases are built; NaN: never); ``end``: when its handling ends (months; NaN: never
    taken); ``ready`` and ``ready_bounds``: the cases that become ready for money at the
    tick of month ``m`` are ``ready[ready_bounds[m]:ready_bounds[m + 1]]``, in the order
    the tick takes them.
    """

    start: NDArray[np.float64]
    taken_at: NDArray[np.float64]
    end: NDArray[np.float64]
    ready: NDArray[np.int64]
    ready_bounds: NDArray[np.int64]


def lineups(
    pool_of: NDArray[np.int64], n_pools: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each pool's cases in arrival order (cases are numbered in arrival order), flat:
    pool ``p``'s are ``order[bounds[p]:bounds[p + 1]]``."""
    order = np.argsort(pool_of, kind="stable").astype(np.int64)
    bounds = np.searchsorted(pool_of[order], np.arange(n_pools + 1)).astype(np.int64)
    return order, bounds


def runner_args(
    arrival: NDArray[np.float64],
    handling: NDArray[np.float64],
    lead: NDArray[np.float64] | None,
    pool_of: NDArray[np.int64],
    n_pools: int,
    slots: Sequence[int],
    n_months: int,
    now: float = 0.0,
) -> tuple[Any, ...]:
    """The arguments of :func:`run_python` and the compiled pass, from those of
    :func:`caseworker_queue`: typed arrays and each pool's line-up of cases."""
    order, bounds = lineups(np.asarray(pool_of, dtype=np.int64), n_pools)
    return (
        np.asarray(arrival, dtype=np.float64),
        np.asarray(handling, dtype=np.float64),
        None if lead is None else np.asarray(lead, dtype=np.float64),
        np.asarray(pool_of, dtype=np.int64),
        order,
        bounds,
        np.asarray(slots, dtype=np.int64),
        int(n_months),
        float(now),
    )


def caseworker_queue(
    arrival: NDArray[np.float64],
    handling: NDArray[np.float64],
    lead: NDArray[np.float64] | None,
    pool_of: NDArray[np.int64],
    n_pools: int,
    slots: Sequence[int],
    n_months: int,
    now: float = 0.0,
) -> QueueSchedule:
    """Run the caseworker queue to the horizon (``n_months``).

    ``arrival``: when each case arrives (months, non-decreasing: cases are numbered in
    arrival order); ``handling``: how long a slot holds it (months); ``lead``: months from
    a case's opening to when its services can start (its assessment, at most its
    handling), or None when a case is ready for money when it closes; ``pool_of``: the pool
    of each case (0 to ``n_pools - 1``); ``slots``: each pool's slots in each year (the
    first year's take their first cases at ``now``, when the cases are built; a year's
    change applies at its first tick: new slots take a case at once, closed ones close
    when they next finish a case).
    """
    args = runner_args(arrival, handling, lead, pool_of, n_pools, slots, n_months, now)
    start, taken_at, end, due, ready_at, ended, tick_ends = _runner()(*args)
    if lead is None:
        return QueueSchedule(start, taken_at, end, ended[: tick_ends[-1]], tick_ends)
    filed = np.flatnonzero(due >= 0)
    filed = filed[np.lexsort((filed, ready_at[filed], due[filed]))]
    ready_bounds = np.searchsorted(due[filed], np.arange(n_months + 1)).astype(np.int64)
    return QueueSchedule(start, taken_at, end, filed.astype(np.int64), ready_bounds)


def _runner() -> Callable[..., Raw]:
    """The compiled kernel when numba is installed and ``FUNDSIM_NO_JIT`` is unset (or
    ``0``), else the pure-Python queue."""
    if os.environ.get("FUNDSIM_NO_JIT", "0") not in ("", "0"):
        return run_python
    return _compiled() or run_python


@cache
def _compiled() -> Callable[..., Raw] | None:
    """The compiled kernel, imported once (None without numba: the import is not retried)."""
    try:
        from fundsim.model.caseworker_kernel import run_compiled
    except ImportError:
        return None
    return run_compiled


# ---------------------------------------------------------------------- pure Python


class _Queue:
    """The pure-Python queue: the state of one pass (lists, and ``heapq`` for the cases in
    handling, ordered as SimPy orders events: time, then scheduling order)."""

    def __init__(
        self,
        arrival: Any,
        handling: Any,
        lead: Any,
        pool_of: Any,
        order: Any,
        bounds: Any,
        n_months: int,
    ) -> None:
        n = len(arrival)
        nan = float("nan")
        self.arrival: list[float] = arrival.tolist()
        self.handling: list[float] = handling.tolist()
        self.lead: list[float] = lead.tolist() if lead is not None else []
        self.assess = lead is not None
        self.pool_of: list[int] = pool_of.tolist()
        flat, b = order.tolist(), bounds.tolist()
        self.lineup: list[list[int]] = [flat[b[p] : b[p + 1]] for p in range(len(b) - 1)]
        self.next = [0] * len(self.lineup)
        self.retire = [0] * len(self.lineup)
        self.n_months = n_months
        self.start = [nan] * n
        self.taken_at = [nan] * n
        self.end = [nan] * n
        self.due = [-1] * n
        self.ready = [nan] * n
        self.ended: list[int] = []
        self.busy: list[tuple[float, int, int]] = []
        self.seq = 0  # scheduling order of case ends and ticks
        self.due_from = 0  # the first tick not yet past

    def take(self, pool: int, now: float, event: float) -> None:
        """A free slot of ``pool`` takes the next case of its line-up at ``now`` (none left:
        the slot stays free); ``event``: the time recorded as the take's."""
        line = self.lineup[pool]
        k = self.next[pool]
        if k == len(line):
            return
        self.next[pool] = k + 1
        v = line[k]
        start = self.arrival[v]
        if start < now:
            start = now
        self.seq += 1
        self._record(v, start, event, now + (start + self.handling[v] - now))
        heappush(self.busy, (self.end[v], self.seq, v))

    def _record(self, v: int, start: float, event: float, end: float) -> None:
        """Case ``v`` taken at ``start`` by an event at ``event``, its handling ending at
        ``end``; an assessed case filed for the tick that will see it."""
        self.start[v] = start
        self.taken_at[v] = event
        self.end[v] = end
        if self.assess:
            ready = start + self.lead[v]
            m = max(math.ceil(ready - 0.5), self.due_from)
            if m < self.n_months:
                self.due[v] = m
                self.ready[v] = ready

    def advance(self, until: float, until_seq: int) -> None:
        """Handle every case end before ``(until, until_seq)`` in SimPy's order: the slot
        takes its pool's next case at once, or closes if its year sized capacity down."""
        busy, ended, retire, nxt = self.busy, self.ended, self.retire, self.next
        pool_of, lineup, arrival, handling = self.pool_of, self.lineup, self.arrival, self.handling
        start_of, taken_at, end_of = self.start, self.taken_at, self.end
        assess, lead, due, ready, due_from = (
            self.assess,
            self.lead,
            self.due,
            self.ready,
            self.due_from,
        )
        n_months, ceil = self.n_months, math.ceil
        seq = self.seq
        while busy:  # the model's hottest loop without numba: local names only
            t, s, v = busy[0]
            if t > until or (t == until and s > until_seq):
                break
            ended.append(v)
            pool = pool_of[v]
            if retire[pool]:
                retire[pool] -= 1
                heappop(busy)
                continue
            k = nxt[pool]
            line = lineup[pool]
            if k == len(line):
                heappop(busy)
                continue
            nxt[pool] = k + 1
            v = line[k]
            start = arrival[v]
            if start < t:
                start = t
            seq += 1
            end = t + (start + handling[v] - t)
            start_of[v] = start
            taken_at[v] = t
            end_of[v] = end
            heapreplace(busy, (end, seq, v))
            if assess:  # as _record
                at = start + lead[v]
                m = ceil(at - 0.5)
                if m < due_from:
                    m = due_from
                if m < n_months:
                    due[v] = m
                    ready[v] = at
        self.seq = seq

    def resize(self, change: int, now: float) -> None:
        """Open ``change`` slots in each pool (each takes a case at once; cancelling closures
        not yet made first) or, if negative, close as many when they next finish a case."""
        for p in range(len(self.lineup)):
            if change > 0:
                cancel = min(self.retire[p], change)
                self.retire[p] -= cancel
                for _ in range(change - cancel):
                    self.take(p, now, now)
            elif change < 0:
                self.retire[p] -= change


def run_python(
    arrival: NDArray[np.float64],
    handling: NDArray[np.float64],
    lead: NDArray[np.float64] | None,
    pool_of: NDArray[np.int64],
    order: NDArray[np.int64],
    bounds: NDArray[np.int64],
    slots: NDArray[np.int64],
    n_months: int,
    now: float,
) -> Raw:
    """The queue in pure Python (the arguments as :func:`caseworker_queue` prepares them)."""
    q = _Queue(arrival, handling, lead, pool_of, order, bounds, n_months)
    years = slots.tolist()
    for p in range(len(q.lineup)):
        for _ in range(min(years[0], len(q.lineup[p]))):
            q.take(p, now, -math.inf)
    q.seq += 1
    tick_seq = q.seq  # the first tick is scheduled after the first cases
    tick_ends = [0] * (n_months + 1)
    for month in range(n_months):
        q.due_from = month
        q.advance(month + 0.5, tick_seq)
        tick_ends[month + 1] = len(q.ended)
        q.due_from = month + 1
        year = month // 12
        if month % 12 == 0 and year and years[year] != years[year - 1]:
            q.resize(years[year] - years[year - 1], month + 0.5)
        q.seq += 1
        tick_seq = q.seq
    q.advance(float(n_months), -1)
    return (
        np.array(q.start, dtype=np.float64),
        np.array(q.taken_at, dtype=np.float64),
        np.array(q.end, dtype=np.float64),
        np.array(q.due, dtype=np.int64),
        np.array(q.ready, dtype=np.float64),
        np.array(q.ended, dtype=np.int64),
        np.array(tick_ends, dtype=np.int64),
    )
