"""The model's scheduled event (:class:`fundsim.model.events.Due`) behaves like a SimPy Timeout,
and its batch (:class:`~fundsim.model.events.DueBatch`) runs callbacks exactly where their
own events would have run."""

from __future__ import annotations

import simpy
from hypothesis import given
from hypothesis import strategies as st

from fundsim.model.events import Due, DueBatch, schedule_all, unqueued


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


def _run_mixed(plan: list[tuple[str, float, float]], batched: bool, until: float) -> tuple:
    """Schedule ``plan`` (kind, when scheduled, delay): "due" an event with its own Due,
    "batch" a recording callback (through the environment's batch when ``batched``, else
    one Due each), "timeout" a SimPy Timeout; return the order they ran in, their clocks,
    and the model's count of events processed, after running to ``until``."""
    env = simpy.Environment()
    seen: list[tuple[int, float]] = []

    def record(value: int) -> None:
        seen.append((value, env.now))

    def scheduler(env: simpy.Environment):
        for k, (kind, at, delay) in enumerate(plan):
            if at > env.now:
                yield env.timeout(at - env.now)
            if kind == "due":
                Due(env, delay, k, lambda ev: record(ev.value))
            elif kind == "timeout":
                env.timeout(delay, k).callbacks.append(lambda ev: record(ev.value))
            elif batched:
                DueBatch.of(env).schedule_all([delay], [k], record)
            else:
                schedule_all(env, [delay], [k], lambda ev: record(ev.value))

    env.process(scheduler(env))
    env.run(until=until)
    return seen, next(env._eid) - len(env._queue) - unqueued(env)


_plans = st.lists(
    st.tuples(
        st.sampled_from(["due", "batch", "batch", "timeout"]),
        st.sampled_from([0.0, 0.0, 1.0, 2.5]),  # when scheduled (sorted below)
        st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(0.0, 4.0)),  # ties, often
    ),
    max_size=40,
).map(lambda p: sorted(p, key=lambda x: x[1]))


@given(_plans, st.sampled_from([1.0, 2.0, 3.5, 10.0]))
def test_batched_callbacks_run_exactly_where_their_own_events_would_have(plan, until) -> None:
    # The same order, the same clocks, the same count of events processed, at any stop.
    assert _run_mixed(plan, True, until) == _run_mixed(plan, False, until)


def test_a_later_batch_due_earlier_runs_first_and_a_run_stops_at_the_next_event() -> None:
    env = simpy.Environment()
    order: list[str] = []
    batch = DueBatch.of(env)
    assert DueBatch.of(env) is batch  # one per environment
    batch.schedule_all([3.0, 1.0], ["late", "first"], order.append)
    env.timeout(2.0).callbacks.append(lambda ev: order.append("timeout"))
    batch.schedule_all([0.5, 2.0], ["earliest", "after the timeout"], order.append)
    env.run(until=2.5)
    assert order == ["earliest", "first", "timeout", "after the timeout"]
    assert unqueued(env) == 0  # "late" waits with its own wake-up queued
    env.run()
    assert order[-1] == "late" and env.now == 3.0
