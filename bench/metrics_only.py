"""CPU time of a replication kept whole against metrics only (what an exploration keeps).

Runs replications of SCENARIO alternately with ``_replication`` (metrics and tables) and
``_replication(..., metrics_only=True)`` in one process, each timed with the CPU clock, and
prints the mean of each, their ratio, and whether every replication's metrics are identical.

    python bench/metrics_only.py [SCENARIO] [--reps 40] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from fundsim.runner.chunks import _replication
from fundsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline.toml"))
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    for r in range(2):  # warm-up: imports, caches, the compiled queue
        _replication(scenario, args.seed, r, False)
        _replication(scenario, args.seed, r, False, metrics_only=True)
    whole = alone = 0.0
    same = True
    for r in range(args.reps):
        t0 = time.process_time()
        full = _replication(scenario, args.seed, r, False)
        whole += time.process_time() - t0
        t0 = time.process_time()
        metrics = _replication(scenario, args.seed, r, False, metrics_only=True)
        alone += time.process_time() - t0
        gc.collect()
        same &= repr(full.metrics) == repr(metrics)
    print(
        f"{Path(args.scenario).name}: {args.reps} replications each, CPU time: whole "
        f"{whole / args.reps * 1e3:.2f} ms, metrics only {alone / args.reps * 1e3:.2f} ms, "
        f"ratio {alone / whole:.3f}; metrics identical: {same}"
    )


if __name__ == "__main__":
    main()
