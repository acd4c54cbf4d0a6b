"""The caseworker queue compiled with numba (the optional ``fast`` extra).

The same pass as :func:`fundsim.model.caseworker_queue.run_python`, over numpy arrays, with
its own binary heap of the cases in handling ordered by (end, scheduling order): the order
is total (the scheduling order is unique), so the ends come out in the order ``heapq``
gives them. No ``fastmath``: every sum is the IEEE operation Python does, in the same order,
so the times are identical to the bit. Importing this module imports numba and raises
``ImportError`` without it; the functions are compiled at their first call and cached on
disk (``cache=True``), so later processes load them instead of compiling.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit  # type: ignore[import-not-found, unused-ignore]
from numpy.typing import NDArray

# What the pass returns, as ``fundsim.model.caseworker_queue.Raw`` (spelled out here: this
# module does not import that one, which imports it): start, taken_at, end, due, ready, the
# cases whose handling ended in order, and the ends handled up to each tick.
Raw = tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
]


@njit(cache=True, inline="always")
def _sift_down(ht, hs, hv, size, t, s, v):
    """Put the entry ``(t, s, v)`` at the root of the heap of ``size`` entries and move it
    down to its place (children that come before it move up: one write a level)."""
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and (ht[c + 1] < ht[c] or (ht[c + 1] == ht[c] and hs[c + 1] < hs[c])):
            c += 1
        if ht[c] < t or (ht[c] == t and hs[c] < s):
            ht[i], hs[i], hv[i] = ht[c], hs[c], hv[c]
            i = c
        else:
            break
    ht[i], hs[i], hv[i] = t, s, v


@njit(cache=True, inline="always")
def _push(ht, hs, hv, size, t, s, v):
    """Add a case ending at ``t``, scheduled ``s``-th, to the heap of ``size`` entries
    (parents that come after it move down)."""
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if ht[parent] < t or (ht[parent] == t and hs[parent] < s):
            break
        ht[i], hs[i], hv[i] = ht[parent], hs[parent], hv[parent]
        i = parent
    ht[i], hs[i], hv[i] = t, s, v


@njit(cache=True, inline="always")
def _file(v, start, lead, n_months, due_from, due, ready):
    """An assessed case taken at ``start``, filed for the tick that will see it."""
    at = start + lead[v]
    m = math.ceil(at - 0.5)
    if m < due_from:
        m = due_from
    if m < n_months:
        due[v] = m
        ready[v] = at


@njit(cache=True, inline="always")
def _open_slots(count, p, now, event, seq, size, cases, lineup, n_months, due_from, heap, out):
    """``count`` free slots of pool ``p`` each take the next case of its line-up at ``now``
    (``event``: the time recorded as the take's); return the scheduling counter and the
    heap's size."""
    arrival, handling, lead, assess = cases
    order, bounds, nxt = lineup
    ht, hs, hv = heap
    out_start, taken_at, out_end, due, ready = out
    for _ in range(count):
        k = nxt[p]
        if k == bounds[p + 1] - bounds[p]:
            break
        nxt[p] = k + 1
        v = order[bounds[p] + k]
        start = arrival[v]
        if start < now:
            start = now
        seq += 1
        end = now + (start + handling[v] - now)
        out_start[v], taken_at[v], out_end[v] = start, event, end
        if assess:
            _file(v, start, lead, n_months, due_from, due, ready)
        _push(ht, hs, hv, size, end, seq, v)
        size += 1
    return seq, size


@njit(cache=True, inline="always")
def _advance(
    until, until_seq, state, cases, lineup, pool_of, retire, n_months, due_from, heap, out, ended
):
    """Handle every case end before ``(until, until_seq)`` in SimPy's order: the slot takes
    its pool's next case at once, or closes. ``state``: the scheduling counter, the heap's
    size and the ends handled, returned updated."""
    seq, size, n_ended = state
    arrival, handling, lead, assess = cases
    order, bounds, nxt = lineup
    ht, hs, hv = heap
    out_start, taken_at, out_end, due, ready = out
    while size > 0:
        t, s, v = ht[0], hs[0], hv[0]
        if t > until or (t == until and s > until_seq):
            break
        ended[n_ended] = v
        n_ended += 1
        pool = pool_of[v]
        k = nxt[pool]
        if retire[pool] > 0 or k == bounds[pool + 1] - bounds[pool]:
            if retire[pool] > 0:
                retire[pool] -= 1
            size -= 1
            _sift_down(ht, hs, hv, size, ht[size], hs[size], hv[size])
            continue
        # The take below repeats _open_slots' on purpose: factored into an inlined helper
        # returning (case, end), the pass ran 1.5-2x slower under numba.
        nxt[pool] = k + 1
        v = order[bounds[pool] + k]
        start = arrival[v]
        if start < t:
            start = t
        seq += 1
        end = t + (start + handling[v] - t)
        out_start[v], taken_at[v], out_end[v] = start, t, end
        if assess:
            _file(v, start, lead, n_months, due_from, due, ready)
        _sift_down(ht, hs, hv, size, end, seq, v)
    return seq, size, n_ended


@njit(cache=True)
def _run(arrival, handling, lead, assess, pool_of, order, bounds, slots, n_months, now):
    n = arrival.shape[0]
    n_pools = bounds.shape[0] - 1
    retire = np.zeros(n_pools, dtype=np.int64)
    cases = (arrival, handling, lead, assess)
    lineup = (order, bounds, np.zeros(n_pools, dtype=np.int64))  # nxt: each pool's next case
    heap = (np.empty(n + 1), np.empty(n + 1, dtype=np.int64), np.empty(n + 1, dtype=np.int64))
    out = (
        np.full(n, np.nan),
        np.full(n, np.nan),
        np.full(n, np.nan),
        np.full(n, -1, dtype=np.int64),
        np.full(n, np.nan),
    )
    ended = np.empty(n + 1, dtype=np.int64)
    tick_ends = np.zeros(n_months + 1, dtype=np.int64)
    seq = size = n_ended = 0
    for p in range(n_pools):
        seq, size = _open_slots(
            slots[0], p, now, -np.inf, seq, size, cases, lineup, n_months, 0, heap, out
        )
    seq += 1
    tick_seq = seq
    for month in range(n_months):
        seq, size, n_ended = _advance(
            month + 0.5,
            tick_seq,
            (seq, size, n_ended),
            cases,
            lineup,
            pool_of,
            retire,
            n_months,
            month,
            heap,
            out,
            ended,
        )
        tick_ends[month + 1] = n_ended
        year = month // 12
        change = slots[year] - slots[year - 1] if year > 0 and month % 12 == 0 else 0
        for p in range(n_pools):
            if change > 0:
                cancel = min(retire[p], change)
                retire[p] -= cancel
                seq, size = _open_slots(
                    change - cancel,
                    p,
                    month + 0.5,
                    month + 0.5,
                    seq,
                    size,
                    cases,
                    lineup,
                    n_months,
                    month + 1,
                    heap,
                    out,
                )
            elif change < 0:
                retire[p] -= change
        seq += 1
        tick_seq = seq
    seq, size, n_ended = _advance(
        float(n_months),
        -1,
        (seq, size, n_ended),
        cases,
        lineup,
        pool_of,
        retire,
        n_months,
        n_months,
        heap,
        out,
        ended,
    )
    return out, ended[:n_ended], tick_ends


def run_compiled(
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
    """The queue compiled (the arguments and results of
    :func:`fundsim.model.caseworker_queue.run_python`)."""
    assess = lead is not None
    lead_arr = lead if lead is not None else np.zeros(0, dtype=np.float64)
    out, ended, tick_ends = _run(
        arrival, handling, lead_arr, assess, pool_of, order, bounds, slots, n_months, now
    )
    start, taken_at, end, due, ready = out
    return start, taken_at, end, due, ready, ended, tick_ends
