"""The caseworker queue computed before the clock: the compiled kernel and the pure-Python
queue give the same arrays to the bit, and the schedule reads as the queue it stands for."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from victim_builders import victim_scenario

from fundsim.model import caseworker_queue as cq
from fundsim.model.allegations import draw_victims
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import load_scenario


def _raw_args(arrival, handling, lead, pool_of, n_pools, slots, n_months):
    return cq.runner_args(arrival, handling, lead, pool_of, n_pools, slots, n_months)


def _assert_same(a: cq.Raw, b: cq.Raw) -> None:
    for x, y in zip(a, b, strict=True):
        assert x.dtype == y.dtype
        assert x.shape == y.shape
        assert x.tobytes() == y.tobytes()  # NaN where NaN, every bit of every time


# Times on a quarter-month grid tie case ends with each other and with the ticks (at
# month + 0.5), the order SimPy settles by scheduling order; free times do not.
_times = st.one_of(
    st.floats(0.0, 30.0, allow_nan=False, allow_infinity=False),
    st.integers(0, 120).map(lambda q: q / 4),
)


@st.composite
def _queues(draw: st.DrawFn):
    n = draw(st.integers(0, 60))
    years = draw(st.integers(1, 3))
    n_pools = draw(st.integers(1, 3))
    arrival = sorted(draw(st.lists(_times, min_size=n, max_size=n)))
    handling = draw(st.lists(_times, min_size=n, max_size=n))
    lead = None
    if draw(st.booleans()):
        lead = np.minimum(draw(st.lists(_times, min_size=n, max_size=n)), handling)
    pool_of = draw(st.lists(st.integers(0, n_pools - 1), min_size=n, max_size=n))
    slots = draw(st.lists(st.integers(1, 4), min_size=years, max_size=years))
    return _raw_args(arrival, handling, lead, pool_of, n_pools, slots, 12 * years)


@settings(max_examples=300, deadline=None)
@given(_queues())
def test_the_compiled_queue_gives_the_pure_python_arrays_on_any_input(args) -> None:
    kernel = pytest.importorskip("fundsim.model.caseworker_kernel")
    _assert_same(kernel.run_compiled(*args), cq.run_python(*args))


@pytest.mark.parametrize(
    "caseworkers",
    [
        {},
        {"pooling": "per_country", "capacity": 2},
        {"capacity": 1, "handling_days": {"dist": "fixed", "value": 30.4375}},
    ],
)
def test_the_compiled_queue_gives_the_pure_python_arrays_on_drawn_victims(caseworkers) -> None:
    kernel = pytest.importorskip("fundsim.model.caseworker_kernel")
    scn = victim_scenario(caseworkers=caseworkers)
    draws = draw_victims(scn, Streams(replication_seed(11, 0)))
    per_country = scn.victims.caseworkers.pooling == "per_country"
    n_pools = len(scn.countries) if per_country else 1
    pools = draws.country if per_country else np.zeros(draws.n_victims, dtype=np.int64)
    n_months = 12 * scn.simulation.years
    slots = [1, 3, 2] + [2] * (scn.simulation.years - 3)
    for lead in (None, np.minimum(draws.handling_months, 0.3)):
        args = _raw_args(
            draws.victim_time, draws.handling_months, lead, pools, n_pools, slots, n_months
        )
        _assert_same(kernel.run_compiled(*args), cq.run_python(*args))


def test_the_baseline_queue_is_the_same_compiled_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fundsim.model.caseworker_kernel")
    scn = load_scenario("scenarios/baseline.toml")
    draws = draw_victims(scn, Streams(replication_seed(11, 3)))
    assert draws.assessment_months is not None
    lead = np.minimum(draws.assessment_months, draws.handling_months)
    args = (draws.victim_time, draws.handling_months, lead, np.zeros(draws.n_victims, np.int64))
    compiled = cq.caseworker_queue(*args, 1, [40] * 10, 120)
    monkeypatch.setenv("FUNDSIM_NO_JIT", "1")
    assert cq._runner() is cq.run_python
    plain = cq.caseworker_queue(*args, 1, [40] * 10, 120)
    for field in ("start", "taken_at", "end", "ready", "ready_bounds"):
        assert getattr(compiled, field).tobytes() == getattr(plain, field).tobytes()
    assert compiled.ready.size > 1000  # most of a real caseload reaches a tick


def test_ready_cases_come_tick_by_tick_in_end_order_or_by_assessment() -> None:
    # Two slots: 0 (0.0 -> 0.4), 1 (0.1 -> 0.15), then 2 in 1's slot (0.2 -> 0.95).
    arrival, handling = np.array([0.0, 0.1, 0.2]), np.array([0.4, 0.05, 0.75])
    pools = np.zeros(3, np.int64)
    q = cq.caseworker_queue(arrival, handling, None, pools, 1, [2], 12)
    np.testing.assert_array_equal(q.start, [0.0, 0.1, 0.2])
    np.testing.assert_array_equal(q.taken_at, [-np.inf, -np.inf, 0.1 + 0.05])  # 1 ends
    # No assessment: ready when it closes, in the order the cases ended (1, then 0); 2 at the
    # second tick.
    assert q.ready[q.ready_bounds[0] : q.ready_bounds[1]].tolist() == [1, 0]
    assert q.ready[q.ready_bounds[1] : q.ready_bounds[2]].tolist() == [2]
    # Assessments ending at 0.35, 0.15 and 0.3: all seen by the first tick, in that order.
    q = cq.caseworker_queue(arrival, handling, np.array([0.35, 0.05, 0.1]), pools, 1, [2], 12)
    assert q.ready[q.ready_bounds[0] : q.ready_bounds[1]].tolist() == [1, 2, 0]
    assert q.ready_bounds[-1] == 3


def test_slots_a_year_adds_take_cases_at_its_first_tick_and_closed_ones_finish_first() -> None:
    # One slot, then three. Six cases arrive at 1.0, each held 20 months: the first slot
    # takes case 0 at 1.0 (ends 21, then takes 3); the two slots opened at the tick of month
    # 12 (12.5) take 1 and 2; the rest wait past the horizon (24).
    n = 6
    one = np.zeros(n, np.int64)
    q = cq.caseworker_queue(np.full(n, 1.0), np.full(n, 20.0), None, one, 1, [1, 3], 24)
    np.testing.assert_array_equal(q.start[:4], [1.0, 12.5, 12.5, 21.0])
    assert np.isnan(q.start[4:]).all()
    assert np.count_nonzero(q.end < 24) == 1  # only case 0 ended within the horizon
    # Two slots, then one: the slot that first finishes a case after the tick of month 12
    # closes (case 4's, at 15); the other goes on alone.
    n = 10
    q = cq.caseworker_queue(
        np.zeros(n), np.full(n, 5.0), None, np.zeros(n, np.int64), 1, [2, 1], 24
    )
    np.testing.assert_array_equal(q.start[:8], [0, 0, 5, 5, 10, 10, 15, 20])
    assert np.isnan(q.start[8:]).all()


def test_without_numba_the_queue_runs_in_pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDSIM_NO_JIT", raising=False)
    monkeypatch.setitem(sys.modules, "fundsim.model.caseworker_kernel", None)  # import fails
    cq._compiled.cache_clear()
    try:
        assert cq._runner() is cq.run_python
        q = cq.caseworker_queue(
            np.array([0.0, 0.1]), np.array([1.0, 1.0]), None, np.zeros(2, np.int64), 1, [1], 12
        )
        np.testing.assert_array_equal(q.start, [0.0, 1.0])
    finally:
        cq._compiled.cache_clear()
