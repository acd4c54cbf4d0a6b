"""Peak memory of ``fundsim run`` against the number of replications (not a test).

Runs ``fundsim run scenarios/baseline.toml --reps N --workers W`` in a subprocess for
each N and reports, per N: the peak resident set of the main process (where results
are aggregated), the peak of the whole process tree (main + workers, summed, sampled
every 20 ms with psutil), and ``ru_maxrss`` from ``wait4`` (the largest single
process). The growth per replication between the smallest and largest N is compared
with the size of the per-replication table kept for the monthly quantiles.

    .venv/bin/python bench/memory.py                     # N = 1000 3000 10000, 2 workers
    .venv/bin/python bench/memory.py --reps 500 2000 --workers 1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
FUNDSIM = Path(sys.executable).with_name("fundsim")
MIB = 1024 * 1024


def measure(scenario: Path, reps: int, workers: int) -> dict[str, float]:
    """Run one ``fundsim run`` and return its peaks in MiB and its wall time in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            str(FUNDSIM),
            "run",
            str(scenario),
            "--reps",
            str(reps),
            "--workers",
            str(workers),
            "--no-progress",
            "--out",
            str(Path(tmp) / "run"),
        ]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        main = psutil.Process(proc.pid)
        peak_main = peak_tree = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            try:
                rss_main = main.memory_info().rss
                rss_tree = rss_main + sum(
                    c.memory_info().rss for c in main.children(recursive=True)
                )
            except psutil.Error:
                rss_main = rss_tree = 0  # a worker ended between listing and reading
            peak_main = max(peak_main, rss_main)
            peak_tree = max(peak_tree, rss_tree)
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(
                f"fundsim run failed ({proc.returncode}): {proc.stderr.read().decode()}"
            )
        return {
            "reps": reps,
            "main_mib": peak_main / MIB,
            "tree_mib": peak_tree / MIB,
            "maxrss_mib": usage.ru_maxrss * 1024 / MIB,  # Linux reports kilobytes
            "wall_s": wall,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.toml")
    parser.add_argument("--reps", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from fundsim.model import MONTHLY_COLUMNS
    from fundsim.scenario import load_scenario

    scn = load_scenario(args.scenario)
    # What the Aggregator keeps per replication: monthly paths (float64), ~25 metrics,
    # gap-by-year (int32).
    per_rep_kib = (
        scn.simulation.months * len(MONTHLY_COLUMNS) * 8 + 25 * 8 + scn.simulation.years * 4
    ) / 1024

    print(
        f"{args.scenario.name}, {args.workers} worker(s); per-replication table ~{per_rep_kib:.1f} "
        "KiB"
    )
    print(f"{'reps':>7}  {'main MiB':>9}  {'tree MiB':>9}  {'maxrss MiB':>10}  {'wall s':>7}")
    rows = []
    for reps in args.reps:
        row = measure(args.scenario, reps, args.workers)
        rows.append(row)
        print(
            f"{reps:>7}  {row['main_mib']:>9.1f}  {row['tree_mib']:>9.1f}  "
            f"{row['maxrss_mib']:>10.1f}  {row['wall_s']:>7.1f}",
            flush=True,
        )
    if len(rows) >= 2:
        lo, hi = rows[0], rows[-1]
        slope = (hi["main_mib"] - lo["main_mib"]) * 1024 / (hi["reps"] - lo["reps"])
        print(
            f"main-process growth: {slope:.1f} KiB per replication "
            f"({slope / per_rep_kib:.2f}x the per-replication table)"
        )
        print(
            f"peak of the whole tree at {hi['reps']} replications: {hi['tree_mib']:.0f} MiB "
            f"({'under' if hi['tree_mib'] < 1024 else 'OVER'} 1 GiB)"
        )


if __name__ == "__main__":
    main()
