"""The model's one kind of scheduled event: a SimPy event due after a delay, with one callback.

The model's state changes (an instalment paid, a case handled, a contract ending)
are callbacks on events scheduled at a known time, not processes: a process would
add an event per resumption. :class:`Due` is a ``simpy.events.Event`` that is
already triggered with its value and scheduled ``delay`` months ahead through
``Environment.schedule``, its callback attached; SimPy's ``step`` processes it like
a ``Timeout``. It skips what a ``Timeout`` does that the model never needs (the
negative-delay check, the ``_delay`` attribute, a separate ``callbacks.append``),
which makes the model's hottest line, the caseworker pool, about a fifth cheaper
per event (``bench/events_per_second.py``).
"""

from __future__ import annotations

from collections.abc import Callable
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
