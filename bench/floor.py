"""What a replication's CPU time is made of: SimPy's event mechanics against the model's own work.

The question it answers: how far can handling events in batches take a replication? A
replication spends its time in two kinds of work:

- SimPy's mechanics, one cost per event whatever the event means: the event's
  construction, its heap push and pop, ``Environment.step`` and the callback's dispatch;
- the model's own work: drawing, the month's arithmetic, assessments, payments, postings,
  set-up and results, which batching events cannot remove (the same draws and the same
  cents must come out).

For this checkout and for ``--against`` (imported side by side, as ``bench/paired_revision.py``
does), it counts the events a replication processes (``Environment.step`` calls, counted in a
pass of its own), times the replications with the CPU clock (alternating ABBA, garbage
collection included, as ``paired_revision.py``), and times SimPy processing the same number
of bare events (a ``Timeout`` each with one empty callback, all scheduled up front: an upper
figure for the mechanics, since the model's queue is far shorter than ``N`` events). The
model's own work is the replication's time less that. Below, ``floor`` is the older
revision's own work as a share of its whole replication: what this checkout's ratio would be
if every event were batched away and nothing else changed.

    python bench/floor.py --against 9884097 [SCENARIO] [--old-scenario OLD] [--reps 30]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import simpy
import simpy.core

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired_revision import ROOT, alternate, load_sides


def events_per_replication(
    run_chunk: Callable[..., Any], scenario: Any, seed: int, reps: int
) -> float:
    """Mean ``Environment.step`` calls per replication (an uncounted pass of its own)."""
    original = simpy.core.Environment.step
    count = 0

    def counting(self: simpy.Environment) -> None:
        nonlocal count
        count += 1
        original(self)

    simpy.core.Environment.step = counting  # type: ignore[method-assign]
    try:
        run_chunk(scenario, seed, list(range(reps)))
    finally:
        simpy.core.Environment.step = original  # type: ignore[method-assign]
    return count / reps


def bare_event_seconds(n: int, horizon: float = 120.0, repeat: int = 5) -> float:
    """CPU seconds per event for SimPy to process ``n`` bare timeouts with an empty callback
    (the best of ``repeat``, the collector off)."""

    def nothing(event: simpy.events.Event) -> None:
        return None

    best = float("inf")
    for k in range(repeat):
        draw = random.Random(k).random
        env = simpy.Environment()
        gc.collect()
        gc.disable()  # a collection here would walk both packages' objects, not SimPy's work
        t0 = time.process_time()
        for _ in range(n):
            env.timeout(draw() * horizon).callbacks.append(nothing)
        env.run()
        seconds = time.process_time() - t0
        gc.enable()
        best = min(best, seconds)
    return best / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline.toml"))
    parser.add_argument("--against", required=True, help="the older git revision, e.g. 9884097")
    parser.add_argument("--old-scenario", help="the scenario as the older revision reads it")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sides = load_sides(args.against, args.scenario, args.old_scenario, args.seed, Path(tmp))
        events = {
            name: events_per_replication(run, scn, args.seed, min(args.reps, 10))
            for name, (run, scn) in sides.items()
        }
        seconds = alternate(sides, args.reps, args.seed)
        per_event = bare_event_seconds(int(max(events.values())))
    label = {"fundsim_old": args.against, "fundsim": "this checkout"}
    old_total = statistics.fmean(seconds["fundsim_old"]) * 1e3
    print(f"{Path(args.scenario).name}: {args.reps} replications each (ABBA, CPU time)")
    print(f"SimPy's mechanics: {per_event * 1e6:.2f} us per bare event (an upper figure)")
    print(
        f"{'':>15} {'ms/rep':>8} {'events/rep':>11} {'SimPy ms':>9} {'model ms':>9} {'model %':>8}"
    )
    own = {}
    for name in ("fundsim_old", "fundsim"):
        total = statistics.fmean(seconds[name]) * 1e3
        simpy_ms = events[name] * per_event * 1e3
        own[name] = total - simpy_ms
        print(
            f"{label[name]:>15} {total:8.2f} {events[name]:11.0f} {simpy_ms:9.2f} "
            f"{own[name]:9.2f} {100 * own[name] / total:7.1f}%"
        )
    print(
        f"ratio of totals (this / {args.against}): "
        f"{statistics.fmean(seconds['fundsim']) * 1e3 / old_total:.3f}"
    )
    print(
        f"floor of batching events at {args.against}: its own work alone is "
        f"{own['fundsim_old'] / old_total:.3f} of its replication; the target 0.2 is "
        f"{0.2 * old_total:.2f} ms, {own['fundsim_old'] / (0.2 * old_total):.1f}x less than its "
        f"own work and {own['fundsim'] / (0.2 * old_total):.1f}x less than this checkout's"
    )


if __name__ == "__main__":
    main()
