"""Parallel speed-up: replications per second with 2 workers against 1 (not a test).

Two ratios, each measured within one run of this script, repeated and summarised by
the median:

* local processes: ``ProcessExecutor(2)`` against ``ProcessExecutor(1)`` (target >= 1.85x);
* Dask: a ``LocalCluster`` of 2 worker processes against one of 1 (target >= 1.7x).

Executors are started (and warmed up) before timing, as a batch does: the ratio is
of the simulation work, not of process start-up. The 1- and 2-worker runs of a repeat
alternate, so drift in the machine's speed affects both sides alike. The serial
in-process rate is printed for reference.

    .venv/bin/python bench/parallel_speedup.py                  # baseline, 200 reps, 5 repeats
    .venv/bin/python bench/parallel_speedup.py --reps 300 --repeats 3 --no-dask
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rate(scenario, reps: int, seed: int, executor) -> float:
    """Replications per second of one ``run_scenario`` on an open executor."""
    from fundsim.runner import run_scenario

    t0 = time.perf_counter()
    run_scenario(scenario, reps=reps, seed=seed, executor=executor)
    return reps / (time.perf_counter() - t0)


def compare(label: str, make, scenario, reps: int, repeats: int) -> list[float]:
    """Median ratio of 2-worker to 1-worker rates over ``repeats`` paired measurements."""
    one, two = make(1), make(2)
    try:
        for ex in (one, two):  # warm-up: workers import fundsim and build caches
            rate(scenario, 2 * ex.workers, 0, ex)
        ratios, r1s, r2s = [], [], []
        for i in range(repeats):
            seed = 1000 + i
            r1 = rate(scenario, reps, seed, one)
            r2 = rate(scenario, reps, seed, two)
            r1s.append(r1)
            r2s.append(r2)
            ratios.append(r2 / r1)
            print(
                f"  {label} repeat {i + 1}: 1 worker {r1:6.1f} rep/s, 2 workers {r2:6.1f} rep/s, "
                f"ratio {r2 / r1:.3f}",
                flush=True,
            )
    finally:
        one.close()
        two.close()
    print(
        f"{label}: median 1 worker {statistics.median(r1s):.1f} rep/s, 2 workers "
        f"{statistics.median(r2s):.1f} rep/s,"
        f" median ratio {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max "
        f"{max(ratios):.3f})",
        flush=True,
    )
    return ratios


def _stop(signum: int, _frame: object) -> None:
    # Turn SIGTERM into an exception so that the executors' ``finally`` stops the workers.
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.toml")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask comparison")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from fundsim.runner.executors import ProcessExecutor, SerialExecutor
    from fundsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    print(
        f"{args.scenario.name}: {args.reps} replications per measurement, {args.repeats} repeats, "
        f"{os.cpu_count()} cores, load average before {os.getloadavg()[0]:.2f}"
    )
    serial = SerialExecutor()
    rate(scenario, 5, 0, serial)
    print(
        f"serial in-process reference: {rate(scenario, args.reps // 2, 999, serial):.1f} rep/s",
        flush=True,
    )

    results = {
        "processes": (
            compare("processes", ProcessExecutor, scenario, args.reps, args.repeats),
            1.85,
        )
    }
    if not args.no_dask:
        from fundsim.runner.dask_executor import DaskExecutor

        ratios = compare(
            "dask", lambda n: DaskExecutor("local", n), scenario, args.reps, args.repeats
        )
        results["dask"] = (ratios, 1.7)
    # Other processes on the machine take cores from the 2-worker side first: say so.
    print(f"\nload average after: {os.getloadavg()[0]:.2f} (1 min)")
    for label, (ratios, target) in results.items():
        med = statistics.median(ratios)
        print(
            f"{label:>9}: 2 workers / 1 worker = {med:.2f}x (median of {len(ratios)}; target >= "
            f"{target}x: "
            f"{'met' if med >= target else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
