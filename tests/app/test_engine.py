"""The streamed simulation: stages that narrow, a cancelled run that stops, a bounded queue."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from fundsim.app.engine import Busy, Cancelled, Simulator
from fundsim.app.whatif import load_whatif
from fundsim.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"


@pytest.fixture(scope="module")
def scenarios():
    base = load_scenario(BASELINE)
    return base, load_whatif(BASELINE, "w", {"mechanism.formula.ceiling": 0.12}, 12, 3)


def test_stages_are_the_first_replications_of_the_final_run_and_narrow(scenarios) -> None:
    base, whatif = scenarios
    sim = Simulator(workers=1)
    got = []
    progress = []
    sim.stream(
        base,
        whatif,
        12,
        3,
        sim.ticket(),
        got.append,
        lambda d, t: progress.append((d, t)),
        stages=[4, 12],
    )
    assert [s.reps for s in got] == [4, 12] and [s.final for s in got] == [False, True]
    first, last = got[0].whatif.replications, got[1].whatif.replications
    assert first.equals(last.iloc[:4].reset_index(drop=True))  # common seeds per replication
    widths = [
        float(
            s.comparison.row("coordinator_coverage")["ci95_high"]
            - s.comparison.row("coordinator_coverage")["ci95_low"]
        )
        for s in got
    ]
    assert all(s.comparison.paired for s in got)
    assert progress[-1] == (32, 32) and widths[1] <= widths[0] * 1.5


def test_a_newer_change_cancels_the_running_one() -> None:
    base = load_scenario(BASELINE)
    whatif = load_whatif(BASELINE, "w", {"mechanism.reserve_target_months": 5.0}, 40, 5)
    sim = Simulator(workers=1)
    ticket = sim.ticket()
    seen = []
    threading.Timer(0.3, ticket.cancel).start()
    t0 = time.perf_counter()
    with pytest.raises(Cancelled, match="newer change"):
        sim.stream(base, whatif, 40, 5, ticket, seen.append, stages=[40])
    assert (
        seen == [] and time.perf_counter() - t0 < 10
    )  # stopped at a finished chunk, not after 80 replications


def test_the_queue_is_bounded_and_runs_time_out(scenarios) -> None:
    base, whatif = scenarios
    sim = Simulator(workers=1, max_waiting=0)
    # Another session's run holds the executor, and no place is left in the queue.
    with sim._lock, pytest.raises(Busy, match="busy"):
        sim.stream(base, whatif, 4, 3, sim.ticket(), lambda s: None)
    late = Simulator(workers=1, timeout_s=0.0)
    with pytest.raises(Cancelled, match="time limit"):
        late.stream(base, whatif, 4, 3, late.ticket(), lambda s: None)


def test_after_a_cancelled_run_the_shared_workers_give_the_same_numbers(scenarios) -> None:
    """A cancelled run's chunks never reach the next run on the multi-process executor."""
    base, whatif = scenarios
    sim = Simulator(workers=2)
    try:
        ticket = sim.ticket()
        done = []
        with pytest.raises(Cancelled):
            sim.stream(
                base,
                whatif,
                12,
                3,
                ticket,
                done.append,
                lambda d, t: ticket.cancel() if d >= 2 else None,
                stages=[12],
            )
        got = []
        sim.stream(base, whatif, 12, 3, sim.ticket(), got.append, stages=[12])
    finally:
        sim.close()
    serial = []
    one = Simulator(workers=1)
    one.stream(base, whatif, 12, 3, one.ticket(), serial.append, stages=[12])
    assert got[0].whatif.replications.equals(serial[0].whatif.replications)
    assert got[0].baseline.replications.equals(serial[0].baseline.replications)


def test_a_page_with_no_change_shows_the_baselines_own_run() -> None:
    base = load_scenario(BASELINE)
    unchanged = load_whatif(
        BASELINE, "baseline-what-if", {}, 4, 9
    )  # another name, count and seed: same model
    sim = Simulator(workers=1)
    got = []
    sim.stream(base, unchanged, 4, 9, sim.ticket(), got.append)
    assert got[0].whatif is got[0].baseline
    assert float(got[0].comparison.row("coordinator_coverage")["diff"]) == 0.0


def test_the_same_what_if_asked_again_is_answered_from_the_recent_runs(scenarios) -> None:
    base, whatif = scenarios
    sim = Simulator(workers=1)
    first, again = [], []
    sim.stream(base, whatif, 4, 3, sim.ticket(), first.append)
    t0 = time.perf_counter()
    sim.stream(base, whatif, 4, 3, sim.ticket(), again.append)
    assert again[0].whatif is first[0].whatif and time.perf_counter() - t0 < 0.5
