"""Seconds per replication of this checkout against an older revision, in one process.

Extracts ``fundsim/`` of ``--against`` (a git revision) into a temporary folder under
the name ``fundsim_old`` (its imports rewritten), imports both packages, and runs the
scenario's replications alternately, one replication of each at a time in ABBA order,
timing each with the process's CPU clock, the collection of its own garbage included
(what exists after the warm-up is frozen out of the collector, so a collection costs
what the replication left; and one side's garbage is never collected on the other's
clock). Both sides see the same machine at the same
moment, so a machine whose speed drifts, or that other jobs share, cancels out far
better than with runs made one after the other. Prints the mean CPU time per
replication of each side, the ratio of the totals (this checkout / the older one)
and the median of the paired per-replication ratios; below 1 is faster.

    python bench/paired_revision.py --against 9f6f574 [SCENARIO] [--reps 200] [--seed 1]
        [--old-scenario OLD]   # the older revision's own scenario (e.g. its baseline)

The two revisions must run the same replications (same events); check it with a
fixed-seed comparison of their outputs, not with this script.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_IMPORT = re.compile(r"\b(from|import) fundsim(?=[.\s])")


def extract_old(revision: str, into: Path) -> None:
    """Write ``fundsim/`` of ``revision`` to ``into/fundsim_old``, imports rewritten."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "fundsim"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            target = into / member.name.replace("fundsim", "fundsim_old", 1)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith(".py"):
                text = _IMPORT.sub(r"\1 fundsim_old", data.decode())
                data = text.replace('"fundsim.', '"fundsim_old.').encode()
            target.write_bytes(data)


def load_sides(
    against: str, scenario: str, old_scenario: str | None, seed: int, tmp: Path
) -> dict[str, tuple[Any, Any]]:
    """This checkout's ``run_chunk`` and scenario (``"fundsim"``) and the revision's
    (``"fundsim_old"``, extracted into ``tmp``), each warmed up with two replications."""
    extract_old(against, tmp)
    sys.path.insert(0, str(tmp))
    sides = {}
    for name in ("fundsim", "fundsim_old"):
        chunks = importlib.import_module(f"{name}.runner.chunks")
        path = old_scenario if name == "fundsim_old" and old_scenario else scenario
        loaded = importlib.import_module(f"{name}.scenario").load_scenario(path)
        chunks.run_chunk(loaded, seed, [0, 1])  # warm-up: imports, caches
        sides[name] = (chunks.run_chunk, loaded)
    return sides


def alternate(sides: dict[str, tuple[Any, Any]], reps: int, seed: int) -> dict[str, list[float]]:
    """CPU seconds of each replication ``0..reps-1`` on each side, alternating ABBA, each
    side's garbage collected on its own clock (what exists before is frozen out)."""
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    gc.collect()
    gc.freeze()
    for r in range(reps):
        order = ("fundsim_old", "fundsim") if r % 2 == 0 else ("fundsim", "fundsim_old")
        for name in order:
            run_chunk, scenario = sides[name]
            t0 = time.process_time()
            run_chunk(scenario, seed, [r])
            gc.collect()
            seconds[name].append(time.process_time() - t0)
    gc.unfreeze()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "baseline.toml"))
    parser.add_argument("--against", required=True, help="the older git revision, e.g. 9f6f574")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--old-scenario",
        help="the scenario the older revision runs (default: SCENARIO); e.g. the baseline as it "
        "was at "
        "that revision, when the scenario has keys the older code does not know",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sides = load_sides(args.against, args.scenario, args.old_scenario, args.seed, Path(tmp))
        seconds = alternate(sides, args.reps, args.seed)
    new, old = seconds["fundsim"], seconds["fundsim_old"]
    paired = [n / o for n, o in zip(new, old, strict=True)]
    print(
        f"{Path(args.scenario).name}: {args.reps} replications each, alternating (ABBA), CPU time"
    )
    print(f"  {args.against}: {statistics.fmean(old) * 1e3:.2f} ms/replication")
    print(f"  this checkout: {statistics.fmean(new) * 1e3:.2f} ms/replication")
    print(
        f"  ratio of totals (this / {args.against}): {sum(new) / sum(old):.3f}; "
        f"median paired ratio: {statistics.median(paired):.3f}"
    )


if __name__ == "__main__":
    main()
