"""Events per second of a fundsim scenario against a bare SimPy timeout loop, same process.

Prints, for each of ``--repeats`` rounds, the scenario's SimPy events per second
(serial, one process: replications run one after another), a bare SimPy loop's
events per second (one process yielding ``env.timeout(1)`` as many times), and
their ratio; then the medians. The two alternate replication by replication (one
replication, then a bare loop of as many events), so that both see the same machine
even when its speed drifts within a round.

Then where a replication's time goes, from a second, instrumented pass over the same
replications: set-up (drawing the horizon's allegations, victims, lags and shocks;
the first budgets), the monthly ticks (payroll, recruitment, the victim window's
queue and payments, December budgets and the instalment events they schedule),
event handling (SimPy's loop and our callbacks: everything else inside
``env.run``) and results (ledger close, conservation checks, metrics). The last
line compares the event handling alone with bare SimPy: the ratio the whole
replication would reach if set-up, ticks and results cost nothing.

    python bench/events_per_second.py [SCENARIO] [--reps 100] [--repeats 5] [--plain]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simpy

from fundsim.model import World
from fundsim.runner.chunks import run_chunk
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def bare_simpy_events_per_second(n_events: int, pending: int = 0) -> float:
    """Events/s of one SimPy process yielding ``n_events`` timeouts of 1, with ``pending``
    other events waiting in the queue beyond the horizon (a model's concurrent activity:
    each push and pop then sifts through a heap of that size)."""
    env = simpy.Environment()
    for k in range(pending):
        env.timeout(n_events + 1 + k)

    def loop(env: simpy.Environment):
        for _ in range(n_events):
            yield env.timeout(1)

    env.process(loop(env))
    t0 = time.perf_counter()
    env.run(until=n_events + 1)
    dt = time.perf_counter() - t0
    processed = next(env._eid) - len(env._queue) - pending
    return processed / dt


def bare_simpy_seconds(n_events: int, pending: int = 0) -> float:
    """Seconds a bare SimPy loop takes for ``n_events`` (see
    :func:`bare_simpy_events_per_second`)."""
    return n_events / bare_simpy_events_per_second(n_events, pending)


def events_per_second_pair(scenario, reps: int, seed: int) -> tuple[float, float, int]:
    """(fundsim events/s, bare SimPy events/s, events) over ``reps`` replications, each
    replication followed by a bare loop of as many events."""
    ours = bare = 0.0
    events = 0
    for r in range(reps):
        t0 = time.perf_counter()
        chunk = run_chunk(scenario, seed, [r])
        ours += time.perf_counter() - t0
        bare += bare_simpy_seconds(chunk.events)
        events += chunk.events
    return events / ours, events / bare, events


PHASES = ("set-up", "monthly ticks", "event handling", "results")


def phase_seconds(
    scenario, reps: int, seed: int
) -> tuple[dict[str, float], dict[str, float], float]:
    """Seconds spent in each of :data:`PHASES` over ``reps`` replications; seconds of bare
    SimPy loops of as many events, with an empty queue (``"empty"``) and with as many
    events waiting as the model had (``"waiting"``), each run after its replication; and
    the mean number of events waiting in SimPy's queue (sampled at each monthly tick)."""
    out = dict.fromkeys(PHASES, 0.0)
    bare = {"empty": 0.0, "waiting": 0.0}
    queued: list[int] = []
    for r in range(reps):
        t0 = time.perf_counter()
        world = World(scenario, Streams(replication_seed(seed, r)))
        world.open()
        t1 = time.perf_counter()
        ticks = [0.0]
        depth: list[int] = []  # this replication's queue length at each tick

        def timed(gen, queue=world.env._queue, ticks=ticks, depth=depth):
            value = None
            while True:
                depth.append(len(queue))
                t = time.perf_counter()
                try:
                    event = gen.send(value)
                except StopIteration:
                    ticks[0] += time.perf_counter() - t
                    return
                ticks[0] += time.perf_counter() - t
                value = yield event

        world.env.process(timed(world.months()))
        world.env.run(until=world.n_months)
        t2 = time.perf_counter()
        events = world.result().events
        t3 = time.perf_counter()
        out["set-up"] += t1 - t0
        out["monthly ticks"] += ticks[0]
        out["event handling"] += t2 - t1 - ticks[0]
        out["results"] += t3 - t2
        bare["empty"] += bare_simpy_seconds(events)
        bare["waiting"] += bare_simpy_seconds(events, round(statistics.fmean(depth)))
        queued.extend(depth)
    return out, bare, statistics.fmean(queued)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline.toml"))
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--plain",
        action="store_true",
        help="only the events/s ratio, no breakdown (also runs against older revisions)",
    )
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    run_chunk(scenario, args.seed, [0, 1])  # warm-up: imports, caches
    ours, bare, ratios = [], [], []
    shares: dict[str, list[float]] = {p: [] for p in PHASES}
    per_rep: dict[str, list[float]] = {p: [] for p in PHASES}
    engine, engine_deep, whole_deep, depth = [], [], [], []
    print(f"scenario {scenario.name}: {args.reps} replications per round, serial")
    print(f"{'round':>5} {'fundsim ev/s':>14} {'bare SimPy ev/s':>16} {'ratio':>7}")
    for i in range(args.repeats):
        # The plain measurement, then the instrumented pass, each next to its bare loops.
        eps, beps, n = events_per_second_pair(scenario, args.reps, args.seed + i)
        ours.append(eps)
        bare.append(beps)
        ratios.append(eps / beps)
        print(f"{i + 1:>5} {eps:>14,.0f} {beps:>16,.0f} {eps / beps:>7.3f}")
        if args.plain:
            continue
        secs, bare_secs, pending = phase_seconds(scenario, args.reps, args.seed + i)
        total = sum(secs.values())
        bare_s, deep_s = bare_secs["empty"], bare_secs["waiting"]
        for p in PHASES:
            shares[p].append(secs[p] / total)
            per_rep[p].append(secs[p] / args.reps)
        engine.append(bare_s / secs["event handling"])
        engine_deep.append(deep_s / secs["event handling"])
        whole_deep.append(deep_s / total)
        depth.append(pending)
    print(
        f"median {statistics.median(ours):>13,.0f} {statistics.median(bare):>16,.0f} "
        f"{statistics.median(ratios):>7.3f}"
    )
    print(f"events per replication: {n / args.reps:,.0f}")
    if args.plain:
        return

    print("\nwhere a replication's time goes (instrumented pass; medians over rounds)")
    for p in PHASES:
        print(
            f"  {p:<15} {statistics.median(per_rep[p]) * 1e3:7.2f} ms/replication  "
            f"{statistics.median(shares[p]):6.1%}"
        )
    print(
        "events waiting in SimPy's queue, mean at the monthly ticks: "
        f"{statistics.median(depth):.0f}"
    )
    print("ratios against bare SimPy (same number of events, same round):")
    print(
        "  event handling alone, bare loop with an empty queue:         "
        f"{statistics.median(engine):.3f}"
    )
    print(
        "  event handling alone, bare loop with as many events waiting: "
        f"{statistics.median(engine_deep):.3f}"
    )
    print(
        "  whole replication,    bare loop with as many events waiting: "
        f"{statistics.median(whole_deep):.3f}"
    )


if __name__ == "__main__":
    main()
