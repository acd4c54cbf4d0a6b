"""Latencies of the what-if page's engine (wall clock, as a person in the room waits).

    python bench/app_latency.py [FILE] [--reps 100] [--workers 2] [--repeat 3]

With the workers started and the baseline kept (as ``fundsim app`` has them before the
first page opens), for a few lever changes: the time from the change to each entity's bill
(validation as a file + the deterministic budget plan), to the first simulated answer
(8 replications, paired), and to the final answer at ``--reps``. Prints the median over
``--repeat`` rounds. The machine may be shared: read these as what a user sees, not as CPU.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from fundsim.app.engine import Simulator, bills_before_payment
from fundsim.app.levers import lever_overrides, levers_for
from fundsim.app.whatif import load_whatif, resolve_host
from fundsim.scenario import load_scenario

CHANGES = (
    {"formula": "jiu"},
    {"host": "secretariat"},
    {"cut_who": "group voluntary", "cut_year": 2027, "cut_percent": 25},
    {"reserve_months": 6},
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?", default="scenarios/baseline.toml")
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    path = Path(a.file)
    base = load_scenario(path)
    seed = base.simulation.seed
    ls = levers_for(base, path)
    sim = Simulator(workers=a.workers)
    t = time.perf_counter()
    sim.warm(base, a.reps, seed)
    print(
        f"start-up (workers + baseline at {sim.stages(a.reps)} replications): "
        f"{time.perf_counter() - t:.1f} s"
    )
    rows: dict[str, list[tuple[float, float, float]]] = {}
    try:
        for _ in range(a.repeat):
            for change in CHANGES:
                t0 = time.perf_counter()
                changed = resolve_host(lever_overrides(ls, change, base), ls.hosts)
                whatif = load_whatif(path, f"{base.name}-what-if", changed, a.reps, seed)
                bills_before_payment(base, whatif)
                t_bills = time.perf_counter() - t0
                times: list[float] = []

                def seen(stage: object, times: list[float] = times, t0: float = t0) -> None:
                    times.append(time.perf_counter() - t0)

                sim.stream(base, whatif, a.reps, seed, sim.ticket(), seen)
                rows.setdefault(", ".join(f"{k}={v}" for k, v in change.items()), []).append(
                    (t_bills, times[0], times[-1])
                )
    finally:
        sim.close()
    print(f"{'change':<55} {'bills s':>8} {'first s':>8} {'final s':>8}   (median of {a.repeat})")
    for name, values in rows.items():
        med = [statistics.median(v[i] for v in values) for i in range(3)]
        print(f"{name:<55} {med[0]:8.2f} {med[1]:8.2f} {med[2]:8.2f}")


if __name__ == "__main__":
    main()
