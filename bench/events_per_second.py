"""Events per second of a fundsim scenario against a bare SimPy timeout loop, same process.

Prints, for each of ``--repeats`` rounds, the scenario's SimPy events per second
(serial, one process: replications run back to back), a bare SimPy loop's events
per second (one process yielding ``env.timeout(1)`` the same number of times), and
their ratio; then the medians. Both are measured in the same run, alternately, so
the ratio holds when the machine's speed drifts.

    python bench/events_per_second.py [SCENARIO] [--reps 100] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simpy

from fundsim.runner.chunks import run_chunk
from fundsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def bare_simpy_events_per_second(n_events: int) -> float:
    """Events/s of one SimPy process yielding ``n_events`` timeouts of 1."""
    env = simpy.Environment()

    def loop(env: simpy.Environment):
        for _ in range(n_events):
            yield env.timeout(1)

    env.process(loop(env))
    t0 = time.perf_counter()
    env.run()
    dt = time.perf_counter() - t0
    processed = next(env._eid) - len(env._queue)
    return processed / dt


def fundsim_events_per_second(scenario, reps: int, seed: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    chunk = run_chunk(scenario, seed, list(range(reps)))
    dt = time.perf_counter() - t0
    return chunk.events / dt, chunk.events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline.toml"))
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    run_chunk(scenario, args.seed, [0, 1])  # warm-up: imports, caches
    ours, bare, ratios = [], [], []
    print(f"scenario {scenario.name}: {args.reps} replications per round, serial")
    print(f"{'round':>5} {'fundsim ev/s':>14} {'bare SimPy ev/s':>16} {'ratio':>7}")
    for i in range(args.repeats):
        eps, n = fundsim_events_per_second(scenario, args.reps, args.seed + i)
        beps = bare_simpy_events_per_second(n)
        ours.append(eps)
        bare.append(beps)
        ratios.append(eps / beps)
        print(f"{i + 1:>5} {eps:>14,.0f} {beps:>16,.0f} {eps / beps:>7.3f}")
    print(f"median {statistics.median(ours):>13,.0f} {statistics.median(bare):>16,.0f} "
          f"{statistics.median(ratios):>7.3f}")
    print(f"events per replication: {n / args.reps:,.0f}")


if __name__ == "__main__":
    main()
