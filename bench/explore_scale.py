"""An exploration at scale: wall time, CPU per replication and peak memory of ``fundsim explore``.

Runs ``fundsim explore SCENARIO --futures N --reps R --workers W`` in a subprocess, samples
the resident memory of its whole process tree (main + workers, every 50 ms), and prints the
wall time, the CPU seconds of the tree (user + system, from ``wait4``: the main process and
the workers it reaped) per replication, the peak memory, and what that CPU rate means for a
study of ``--target`` futures x designs x replications on ``--cores`` cores (CPU / cores: the
best case, a quiet machine). The CPU spent while workers run (the experiment, sampled) is
projected per replication; the part after them (tables, PRIM, figures) is added once, as
measured at this size. Parts are written as futures finish and at most two futures per
worker are in flight, so memory should not grow with the number of futures: compare two N.
The peak while the workers run (the experiment) is printed apart from the whole run's (which
includes the analysis at the end: PRIM, the tree, the figures).

    python bench/explore_scale.py                    # explore_cuts, 20 futures x 10 reps, 2 workers
    python bench/explore_scale.py --futures 40 --reps 10 --target 1000 10 --cores 2
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "explore_cuts.toml")
    parser.add_argument("--futures", type=int, default=20)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--target", type=int, nargs=2, default=[1000, 10], metavar=("FUTURES", "REPS")
    )
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "explore"
        cmd = [
            str(FUNDSIM),
            "explore",
            str(args.scenario),
            "--futures",
            str(args.futures),
            "--reps",
            str(args.reps),
            "--workers",
            str(args.workers),
            "--no-progress",
            "--out",
            str(out),
        ]
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        tree = psutil.Process(proc.pid)
        peak = peak_running = worker_peak = 0
        main_cpu = 0.0  # the main process's CPU at the last sample with workers alive
        worker_cpu: dict[int, float] = {}  # each worker's CPU at its last sample
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            try:
                kids = [
                    k
                    for k in tree.children(recursive=True)
                    if "resource_tracker" not in " ".join(k.cmdline())
                ]
                children = [c.memory_info().rss for c in kids]
                rss = tree.memory_info().rss + sum(children)
                if kids:
                    main_cpu = sum(tree.cpu_times()[:2])  # user + system
                    for k in kids:
                        worker_cpu[k.pid] = sum(k.cpu_times()[:2])
            except psutil.Error:
                rss, children = 0, []  # a worker ended between listing and reading
            peak = max(peak, rss)
            if children:  # the experiment is running (workers alive)
                peak_running = max(peak_running, rss)
                worker_peak = max(worker_peak, *children)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"fundsim explore failed: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        policies = len(__import__("pandas").read_csv(out / "robustness.csv"))
    reps = args.futures * policies * args.reps
    cpu = usage.ru_utime + usage.ru_stime
    target = args.target[0] * policies * args.target[1]
    print(
        f"{args.futures} futures x {policies} designs x {args.reps} replications = {reps} "
        "replications, "
        f"{args.workers} workers"
    )
    print(
        f"  wall {wall:.1f} s; CPU {cpu:.1f} s = {cpu / reps * 1e3:.1f} ms per replication; "
        f"peak memory of the process tree {peak / MIB:.0f} MiB"
    )
    print(
        f"  while the workers run: tree {peak_running / MIB:.0f} MiB, largest worker "
        f"{worker_peak / MIB:.0f} MiB (after them: the tables, PRIM and the figures)"
    )
    cpu_running = main_cpu + sum(worker_cpu.values())
    after = cpu - cpu_running  # the tables, PRIM and the figures, once the workers ended
    print(
        f"  CPU while the workers run {cpu_running:.1f} s = {cpu_running / reps * 1e3:.1f} ms per "
        f"replication; after them {after:.1f} s"
    )
    print(
        f"  {args.target[0]} futures x {policies} x {args.target[1]} = {target} replications at "
        f"this CPU rate on {args.cores} cores: "
        f"{(cpu_running / reps * target / args.cores + after) / 60:.1f} min (quiet machine; the "
        "part after the workers counted at this size, once)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
