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
them at once (an assessment's instalments), exactly as one :class:`Due` after another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from heapq import heappush
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
    values: Iterable[Any],
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
