"""Byte for byte: every shipped scenario's outputs from this checkout and from a reference.

The reference is either a git revision (``--against REV``: extracts ``fundsim/`` of the
revision as ``fundsim_old``, as ``paired_revision.py`` does, and runs both packages in this
process) or a folder of run folders made earlier, one sub-folder per scenario named after its
file (``--reference DIR``; ``--keep DIR`` makes one from this checkout). For every scenario
it runs ``fundsim run SCENARIO --reps N --seed S --workers 1 --audit`` (an exploration
scenario runs its base run: the scenario without its futures) and compares every file of
the two run folders byte for byte: ``replications.csv``, ``shares.csv``, the statements
(``statements.parquet``, ``statements_by_replication.parquet``), the audit journal
(``journal.csv``), and the rest (``summary.json``, ``yearly.csv``, ``coverage.csv``,
``monthly.parquet``, ...). Left out: ``manifest.json`` (the run's clock, command and event
count) and the report (``report.html``, ``report.xlsx``: a view of the files compared,
stamped with the finishing time). Prints one line per scenario and the count of files
compared and identical; exits 1 if any file differs or is missing.

    python bench/identical_revision.py --against 9884097 [--reps 3] [--seed 11]
        [SCENARIO ...]                     # default: every scenarios/*.toml
    python bench/identical_revision.py --keep /tmp/ref [SCENARIO ...]        # make a reference
    python bench/identical_revision.py --reference /tmp/ref [--candidate DIR] [SCENARIO ...]

A SCENARIO is a TOML file or the name of one in ``scenarios/``. ``--candidate DIR``
compares two existing folders of run folders without running anything. A folder reference
must have been made with the same ``--reps`` and ``--seed``.
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

#: Files of a run folder not compared: the clock and command, and the report stamped with it.
LEFT_OUT = {"manifest.json", "report.html", "report.xlsx"}


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
        *(["--force"] if package == "fundsim" else []),  # a kept folder may be reused
    ]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return int(main(argv))


def compare(new: Path, old: Path) -> tuple[list[str], list[str]]:
    """The files compared and those that differ (or exist on one side only)."""
    if not (new.is_dir() and old.is_dir()):
        missing = old if new.is_dir() else new
        return [missing.name], [f"no run folder {missing}"]
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


def scenario_path(name: str) -> Path:
    """A scenario file given as a path, or by its name in ``scenarios/``."""
    path = Path(name)
    return path if path.suffix == ".toml" else ROOT / "scenarios" / f"{name}.toml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", type=scenario_path)
    reference = parser.add_mutually_exclusive_group()
    reference.add_argument("--against", help="the git revision to compare with, e.g. 9884097")
    reference.add_argument(
        "--reference", type=Path, help="a folder of reference run folders (one per scenario)"
    )
    parser.add_argument(
        "--candidate",
        type=Path,
        help="with --reference: a folder of run folders to compare (default: run this checkout)",
    )
    parser.add_argument(
        "--keep", type=Path, help="keep this checkout's run folders here (a later --reference)"
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not (args.against or args.reference or args.keep):
        parser.error("give --against REV, --reference DIR or --keep DIR")
    if args.candidate and not args.reference:
        parser.error("--candidate compares with a --reference folder")
    scenarios = args.scenarios or sorted((ROOT / "scenarios").glob("*.toml"))
    against = args.against or (str(args.reference) if args.reference else None)
    n_files = n_same = 0
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.against:
            extract_old(args.against, tmp)
            sys.path.insert(0, str(tmp))
        candidates = args.candidate or args.keep or tmp / "runs" / "fundsim"
        for scenario in scenarios:
            new = candidates / scenario.stem
            codes = {}
            if not args.candidate:
                codes["this checkout"] = run("fundsim", scenario, new, args.reps, args.seed)
            if args.against:
                old = tmp / "runs" / "fundsim_old" / scenario.stem
                codes[args.against] = run("fundsim_old", scenario, old, args.reps, args.seed)
            elif args.reference:
                old = args.reference / scenario.stem
            else:
                continue  # --keep alone: the runs are the product
            if any(codes.values()):
                print(
                    f"{scenario.name}: exit codes "
                    + " / ".join(f"{code} ({who})" for who, code in codes.items())
                )
                failed.append(scenario.name)
                continue
            compared, differ = compare(new, old)
            n_files += len(compared)
            n_same += len(compared) - len(differ)
            status = "identical" if not differ else "DIFFERENT: " + ", ".join(differ)
            print(f"{scenario.name}: {len(compared)} files, {status}", flush=True)
            if differ:
                failed.append(scenario.name)
    if against is None:
        print(
            f"{len(scenarios)} scenarios run into {args.keep} ({args.reps} reps, seed {args.seed})"
        )
        return 1 if failed else 0
    runs = (
        f"the run folders of {args.candidate}"
        if args.candidate
        else f"{args.reps} replications each, seed {args.seed}"
    )
    print(f"{len(scenarios)} scenarios, {runs}: {n_same} of {n_files} files byte-identical", end="")
    print(f" to {against}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
