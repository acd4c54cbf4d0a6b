"""The model's one kind of scheduled event: a SimPy event due after a delay, with one callback.

The model's state changes (an instalment paid, a case handled, a contract ending)
are callbacks on events scheduled at a known time, not processes: a process would
add an event per resumption. :class:`Due` is a ``simpy.events.Event`` that is
already triggered with its value and scheduled ``delay`` months ahead through
``Environment.schedule``, its callback attached; SimPy's ``step`` processes it like
a ``Timeout``. It skips what a ``Timeout`` does that the model never needs (the
negative-delay check, the ``_delay`` attribute, a separate ``callbacks.append``),
which makes the model's hottest line, the caseworker pool, about a fifth cheaper
per event (``bench/events_per_second.py``). :func:`schedule_all` schedules a batch of
them at once, exactly as one :class:`Due` after another.

:class:`DueBatch` goes one step further for events whose callbacks only record (an
instalment paid: the ledger and the payer's tallies, no new event, no decision): each
keeps its place in SimPy's order (its time, its priority, its scheduling number, taken
from the environment's counter as a :class:`Due`'s would be) without an event of its own.
Only the earliest waiting one sits in SimPy's queue, as a wake-up under its own key;
when SimPy reaches it, it runs the waiting callbacks in order for as long as each comes
before the head of SimPy's queue (the next event any other part of the model scheduled),
then queues a wake-up for the next one. So every callback runs exactly when, and in the
order, its own event would have, with a SimPy event per run of them instead of one each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from heapq import heappush
from itertools import islice, repeat
from typing import Any

import simpy
from simpy.events import NORMAL, Event


class Due(Event):
    """An event processed ``delay`` months from now, calling ``callback(event)``;
    ``event._value`` is ``value``. ``delay`` must be non-negative (callers clamp it)."""

    def __init__(
        self, env: simpy.Environment, delay: float, value: Any, callback: Callable[[Any], None]
    ) -> None:
        # Event.__init__ inlined, as simpy.Timeout does, for speed.
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        env.schedule(self, NORMAL, delay)


def schedule_all(
    env: simpy.Environment,
    delays: Sequence[float],
    values: Sequence[Any],
    callback: Callable[[Any], None],
) -> None:
    """Schedule one :class:`Due` per ``(delay, value)`` pair, in order, each calling
    ``callback``: the same events, in the same queue order, as ``Due(env, d, v, callback)``
    one after another (``delays``: months from now, non-negative), without a call per event."""
    queue, eid, now = env._queue, env._eid, env._now
    new = Due.__new__
    for delay, value in zip(delays, values, strict=True):
        event = new(Due)
        event.env = env
        event.callbacks = [callback]
        event._value = value
        event._ok = True
        heappush(queue, (now + delay, NORMAL, next(eid), event))


class DueBatch:
    """Callbacks due at known times, run in SimPy's order without a SimPy event each: one
    batch per environment (:meth:`of`), shared by every part that schedules such callbacks,
    so that their runs are broken only by the other events.

    Each ``callback(value)`` scheduled with :meth:`schedule_all` is called with the
    environment's clock at its time, exactly where a :class:`Due` scheduled at the same
    moment would have run it (see the module's text). A callback must not schedule events;
    it may read ``env.now``."""

    __slots__ = ("_env", "_pending", "_woken")

    def __init__(self, env: simpy.Environment) -> None:
        self._env = env
        # Waiting entries ``(time, NORMAL, scheduling number, callback, value)``, latest
        # first: the key a Due's queue entry would have, then what to call.
        self._pending: list[tuple[float, int, int, Callable[[Any], None], Any]] = []
        self._woken: set[int] = set()  # scheduling numbers whose wake-up is in SimPy's queue

    @classmethod
    def of(cls, env: simpy.Environment) -> DueBatch:
        """The environment's batch (made at the first call)."""
        batch: DueBatch | None = getattr(env, _ATTRIBUTE, None)
        if batch is None:
            batch = cls(env)
            setattr(env, _ATTRIBUTE, batch)  # lives and dies with its environment
        return batch

    def schedule_all(
        self, delays: Sequence[float], values: Iterable[Any], callback: Callable[[Any], None]
    ) -> None:
        """Schedule ``callback(value)`` ``delay`` months from now for each pair, in order
        (``delays`` non-negative), under the keys :func:`schedule_all` gives its events."""
        n = len(delays)
        if not n:
            return
        env = self._env
        now = env._now
        times = [now + d for d in delays]
        numbers = list(islice(env._eid, n))  # the next n scheduling numbers, as n Dues take
        pending = self._pending
        pending.extend(zip(times, repeat(NORMAL), numbers, repeat(callback), values, strict=False))
        pending.sort(reverse=True)  # by key; scheduling numbers are unique: nothing else compared
        self._wake()

    @property
    def unqueued(self) -> int:
        """Callbacks waiting without a wake-up in SimPy's queue (what its queue's length
        misses of the events a :class:`Due` each would have left queued)."""
        return len(self._pending) - len(self._woken)

    def _wake(self) -> None:
        """Queue a wake-up under the key of the earliest waiting callback (unless queued)."""
        time, _, eid, _, _ = self._pending[-1]
        if eid in self._woken:
            return
        self._woken.add(eid)
        event = Due.__new__(Due)
        event.env = self._env
        event.callbacks = [self._run]
        event._value = eid
        event._ok = True
        heappush(self._env._queue, (time, NORMAL, eid, event))

    def _run(self, event: Event) -> None:
        """A wake-up: run the waiting callbacks that come before SimPy's next event."""
        self._woken.discard(event._value)
        env, pending = self._env, self._pending
        queue = env._queue
        while pending:
            entry = pending[-1]
            if queue:
                head = queue[0]
                # The entry's own wake-up, or any earlier event, comes first. (Scheduling
                # numbers are unique: the keys decide before anything else is compared.)
                if head[2] == entry[2] or head < entry:
                    break
            pending.pop()
            env._now = entry[0]
            entry[3](entry[4])
        if pending:
            self._wake()


#: The attribute of an environment that holds its batch.
_ATTRIBUTE = "_fundsim_due_batch"


def unqueued(env: simpy.Environment) -> int:
    """Callbacks of ``env``'s batch still waiting outside SimPy's queue (0 without one):
    subtracted from SimPy's count of events still queued to count every event scheduled."""
    batch: DueBatch | None = getattr(env, _ATTRIBUTE, None)
    return batch.unqueued if batch is not None else 0
