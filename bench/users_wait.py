"""What users wait for, this checkout against a revision, in one run: wall-clock ratios.

Extracts the whole tree of ``--against`` (``git archive``: package, scenarios, tests) into
a temporary folder and times the same commands in both trees, alternating (ABBA), each
with the same Python (``.venv`` of this checkout; each tree's own ``fundsim`` package is
imported from its folder, which comes first on the path):

- ``help``: ``python -m fundsim --help`` (what starting the command costs);
- ``stress``: the stress battery, ``fundsim stress scenarios/baseline.toml --reps 100``
  (``--workers``, default 2);
- ``run``: ``fundsim run scenarios/baseline.toml --reps 200`` (``--workers``);
- ``quick`` (with ``--tests``): the quick test path, ``pytest -q -m "not slow"``;
- ``tests`` (with ``--tests``): the whole suite as ``make test`` runs it, ``pytest -n 2 -q``.

Prints each command's median wall time on both sides and the ratio (this / revision; below
1 is faster). Wall time, not CPU time: on a machine shared with other jobs, quote the load
average the script prints and prefer several repeats. The test suites are long: ``--tests``
runs each once per side by default.

    python bench/users_wait.py --against 9884097 [--repeats 3] [--workers 2] [--tests]
        [--only help stress]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def extract_tree(revision: str, into: Path) -> None:
    """The whole tree of ``revision`` (what ``git archive`` gives) in ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def commands(workers: int, out: Path) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "help": [py, "-m", "fundsim", "--help"],
        "stress": [
            py,
            "-m",
            "fundsim",
            "stress",
            "scenarios/baseline.toml",
            "--reps",
            "100",
            "--workers",
            str(workers),
            "--no-progress",
            "--force",
            "--out",
            str(out / "stress"),
        ],
        "run": [
            py,
            "-m",
            "fundsim",
            "run",
            "scenarios/baseline.toml",
            "--reps",
            "200",
            "--workers",
            str(workers),
            "--no-progress",
            "--force",
            "--out",
            str(out / "run"),
        ],
        "quick": [
            py,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-m",
            "not slow",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        "tests": [py, "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider"],
    }


def timed(cmd: list[str], cwd: Path) -> float:
    """Wall seconds of ``cmd`` run in ``cwd`` (its package first on the path); fails loudly."""
    env = {**os.environ, "PYTHONPATH": str(cwd), "MPLBACKEND": "Agg"}
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd)} in {cwd}: exit "
            f"{done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--tests", action="store_true", help="also time the quick path and the whole suite"
    )
    parser.add_argument(
        "--only", nargs="*", help="the commands to time (help, stress, run, quick, tests)"
    )
    args = parser.parse_args()
    names = args.only or ["help", "stress", "run", *(["quick", "tests"] if args.tests else [])]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old = tmp / "old"
        extract_tree(args.against, old)
        trees = {"this": ROOT, args.against: old}
        for name in names:
            repeats = 1 if name in ("quick", "tests") else args.repeats
            seconds: dict[str, list[float]] = {side: [] for side in trees}
            for r in range(repeats):
                order = list(trees) if r % 2 == 0 else list(reversed(trees))
                for side in order:
                    cmd = commands(args.workers, tmp / side.replace("/", "_"))[name]
                    seconds[side].append(timed(cmd, trees[side]))
            new, before = (
                statistics.median(seconds["this"]),
                statistics.median(seconds[args.against]),
            )
            print(
                f"{name:7s} {args.against}: {before:8.2f} s   this: {new:8.2f} s   ratio "
                f"{new / before:.3f}"
                f"   ({repeats} each)",
                flush=True,
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
