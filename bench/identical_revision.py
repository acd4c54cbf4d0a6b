"""Byte-for-byte: every shipped scenario's outputs from this checkout and from a revision.

Extracts ``fundsim/`` of ``--against`` as ``fundsim_old`` (as ``paired_revision.py``
does), then for every ``scenarios/*.toml`` runs ``fundsim run SCENARIO --reps N --seed S
--workers 1 --audit`` with both packages in this process (an exploration scenario runs
its base run: the scenario without its futures) and compares every file of the two run
directories byte for byte: ``replications.csv``, ``shares.csv``, the statements
(``statements.parquet``, ``statements_by_replication.parquet``), the audit journal
(``journal.csv``), and the rest (``summary.json``, ``yearly.csv``, ``coverage.csv``,
``monthly.parquet``, ...). Only ``manifest.json`` is left out: it records the run's
clock, command and event count. Prints one line per scenario and the count of files
compared and identical; exits 1 if any file differs.

    python bench/identical_revision.py --against 9884097 [--reps 3] [--seed 11]
        [SCENARIO ...]                     # default: every scenarios/*.toml
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired_revision import ROOT, extract_old

LEFT_OUT = {"manifest.json"}


def run(package: str, scenario: Path, out: Path, reps: int, seed: int) -> int:
    """Run ``package``'s CLI ``run`` in this process, quietly; return its exit code."""
    main = importlib.import_module(f"{package}.cli").main
    argv = [
        "run",
        str(scenario),
        "--reps",
        str(reps),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--audit",
        "--no-progress",
        "--out",
        str(out),
    ]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return int(main(argv))


def compare(new: Path, old: Path) -> tuple[list[str], list[str]]:
    """The files compared and those that differ (or exist on one side only)."""
    names = sorted({p.name for p in new.iterdir()} | {p.name for p in old.iterdir()})
    compared, differ = [], []
    for name in names:
        if name in LEFT_OUT:
            continue
        compared.append(name)
        a, b = new / name, old / name
        if not (a.exists() and b.exists()) or a.read_bytes() != b.read_bytes():
            differ.append(name)
    return compared, differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument(
        "--against", required=True, help="the git revision to compare with, e.g. 9884097"
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    scenarios = args.scenarios or sorted((ROOT / "scenarios").glob("*.toml"))
    n_files = n_same = 0
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        extract_old(args.against, tmp)
        sys.path.insert(0, str(tmp))
        for scenario in scenarios:
            outs = {}
            codes = {}
            for package in ("fundsim", "fundsim_old"):
                outs[package] = tmp / "runs" / package / scenario.stem
                codes[package] = run(package, scenario, outs[package], args.reps, args.seed)
            if codes["fundsim"] or codes["fundsim_old"]:
                print(
                    f"{scenario.name}: exit codes {codes['fundsim']} (this) / "
                    f"{codes['fundsim_old']} "
                    f"({args.against})"
                )
                failed.append(scenario.name)
                continue
            compared, differ = compare(outs["fundsim"], outs["fundsim_old"])
            n_files += len(compared)
            n_same += len(compared) - len(differ)
            status = "identical" if not differ else "DIFFERENT: " + ", ".join(differ)
            print(f"{scenario.name}: {len(compared)} files, {status}", flush=True)
            if differ:
                failed.append(scenario.name)
    print(
        f"{len(scenarios)} scenarios, {args.reps} replications each, seed {args.seed}: "
        f"{n_same} of {n_files} files byte-identical to {args.against}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
