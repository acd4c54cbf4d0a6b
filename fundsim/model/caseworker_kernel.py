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

# The state of one pass, in one int64 array: the scheduling counter, the heap's size, the
# first tick not yet past and how many case ends were handled.
_SEQ, _SIZE, _DUE_FROM, _ENDED = 0, 1, 2, 3


@njit(cache=True)
def _sift_down(ht, hs, hv, size, t, s, v):
    """Put the entry ``(t, s, v)`` at the root and move it down to its place (children that
    come before it move up: one write a level)."""
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


@njit(cache=True)
def _push(ht, hs, hv, st, t, s, v):
    """Add a case ending at ``t``, scheduled ``s``-th (parents that come after it move down)."""
    i = st[_SIZE]
    st[_SIZE] = i + 1
    while i > 0:
        parent = (i - 1) // 2
        if ht[parent] < t or (ht[parent] == t and hs[parent] < s):
            break
        ht[i], hs[i], hv[i] = ht[parent], hs[parent], hv[parent]
        i = parent
    ht[i], hs[i], hv[i] = t, s, v


@njit(cache=True)
def _pop(ht, hs, hv, st):
    """Remove the first case of the heap."""
    size = st[_SIZE] - 1
    st[_SIZE] = size
    _sift_down(ht, hs, hv, size, ht[size], hs[size], hv[size])


@njit(cache=True)
def _record(
    v, start, event, end, lead, assess, n_months, st, out_start, taken_at, out_end, due, ready
):
    """Case ``v`` taken at ``start`` by an event at ``event``, ending at ``end``; an assessed
    case filed for the tick that will see it."""
    out_start[v] = start
    taken_at[v] = event
    out_end[v] = end
    if assess:
        at = start + lead[v]
        m = math.ceil(at - 0.5)
        if m < st[_DUE_FROM]:
            m = st[_DUE_FROM]
        if m < n_months:
            due[v] = m
            ready[v] = at


@njit(cache=True)
def _take(pool, now, event, data, st, heap, out):
    """A free slot of ``pool`` takes the next case of its line-up at ``now``."""
    arrival, handling, lead, assess, order, bounds, nxt, n_months = data
    ht, hs, hv = heap
    out_start, taken_at, out_end, due, ready = out
    k = nxt[pool]
    if k == bounds[pool + 1] - bounds[pool]:
        return
    nxt[pool] = k + 1
    v = order[bounds[pool] + k]
    start = arrival[v]
    if start < now:
        start = now
    st[_SEQ] += 1
    end = now + (start + handling[v] - now)
    _record(
        v, start, event, end, lead, assess, n_months, st, out_start, taken_at, out_end, due, ready
    )
    _push(ht, hs, hv, st, end, st[_SEQ], v)


@njit(cache=True)
def _advance(until, until_seq, data, st, heap, out, retire, pool_of, ended):
    """Handle every case end before ``(until, until_seq)`` in SimPy's order."""
    arrival, handling, lead, assess, order, bounds, nxt, n_months = data
    ht, hs, hv = heap
    out_start, taken_at, out_end, due, ready = out
    while st[_SIZE] > 0:
        t, s, v = ht[0], hs[0], hv[0]
        if t > until or (t == until and s > until_seq):
            return
        ended[st[_ENDED]] = v
        st[_ENDED] += 1
        pool = pool_of[v]
        k = nxt[pool]
        if retire[pool] > 0 or k == bounds[pool + 1] - bounds[pool]:
            if retire[pool] > 0:
                retire[pool] -= 1
            _pop(ht, hs, hv, st)
            continue
        nxt[pool] = k + 1
        v = order[bounds[pool] + k]
        start = arrival[v]
        if start < t:
            start = t
        st[_SEQ] += 1
        end = t + (start + handling[v] - t)
        _record(
            v, start, t, end, lead, assess, n_months, st, out_start, taken_at, out_end, due, ready
        )
        _sift_down(ht, hs, hv, st[_SIZE], end, st[_SEQ], v)


@njit(cache=True)
def _run(arrival, handling, lead, assess, pool_of, order, bounds, slots, n_months, now):
    n = arrival.shape[0]
    n_pools = bounds.shape[0] - 1
    nxt = np.zeros(n_pools, dtype=np.int64)
    retire = np.zeros(n_pools, dtype=np.int64)
    data = (arrival, handling, lead, assess, order, bounds, nxt, n_months)
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
    st = np.zeros(4, dtype=np.int64)
    for p in range(n_pools):
        for _ in range(min(slots[0], bounds[p + 1] - bounds[p])):
            _take(p, now, -np.inf, data, st, heap, out)
    st[_SEQ] += 1
    tick_seq = st[_SEQ]
    for month in range(n_months):
        st[_DUE_FROM] = month
        _advance(month + 0.5, tick_seq, data, st, heap, out, retire, pool_of, ended)
        tick_ends[month + 1] = st[_ENDED]
        st[_DUE_FROM] = month + 1
        year = month // 12
        change = slots[year] - slots[year - 1] if year > 0 and month % 12 == 0 else 0
        for p in range(n_pools):
            if change > 0:
                cancel = min(retire[p], change)
                retire[p] -= cancel
                for _ in range(change - cancel):
                    _take(p, month + 0.5, month + 0.5, data, st, heap, out)
            elif change < 0:
                retire[p] -= change
        st[_SEQ] += 1
        tick_seq = st[_SEQ]
    _advance(float(n_months), -1, data, st, heap, out, retire, pool_of, ended)
    return out, ended[: st[_ENDED]], tick_ends


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
