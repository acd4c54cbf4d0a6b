"""The model's scheduled event (:class:`fundsim.model.events.Due`) behaves like a SimPy Timeout."""

from __future__ import annotations

import simpy

from fundsim.model.events import Due


def test_due_fires_at_its_time_with_its_value_and_counts_as_a_simpy_event() -> None:
    env = simpy.Environment()
    seen: list[tuple[float, str]] = []
    Due(env, 2.5, "payment", lambda ev: seen.append((env.now, ev.value)))
    env.run()
    assert seen == [(2.5, "payment")]
    assert next(env._eid) - len(env._queue) == 1  # scheduled - still queued: how the model counts


def test_events_due_at_the_same_time_run_in_creation_order_mixed_with_timeouts() -> None:
    # Reproducibility rests on this: same-time events keep the order they were scheduled
    # in, exactly as SimPy orders its own Timeouts.
    env = simpy.Environment()
    order: list[str] = []
    Due(env, 1.0, "a", lambda ev: order.append(ev.value))
    env.timeout(1.0, "b").callbacks.append(lambda ev: order.append(ev.value))
    Due(env, 1.0, "c", lambda ev: order.append(ev.value))
    Due(env, 0.5, "first", lambda ev: order.append(ev.value))
    env.run()
    assert order == ["first", "a", "b", "c"]


def test_a_callback_can_schedule_the_next_event_and_processes_see_the_same_clock() -> None:
    env = simpy.Environment()
    times: list[float] = []

    def again(ev: Due) -> None:
        times.append(env.now)
        if ev.value < 3:
            Due(env, 1.0, ev.value + 1, again)

    Due(env, 1.0, 1, again)

    def watcher(env: simpy.Environment):
        yield env.timeout(2.5)
        times.append(env.now)

    env.process(watcher(env))
    env.run(until=10)
    assert times == [1.0, 2.0, 2.5, 3.0]
