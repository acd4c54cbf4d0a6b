"""Are this checkout's outputs byte-identical to a reference's, scenario by scenario?

Runs every shipped scenario (``scenarios/*.toml`` except ``explore_*``, or the ones
named) with this checkout, ``fundsim run FILE --reps R --seed S --workers 1 --audit``,
and compares the run folders file by file with a reference: ``replications.csv``,
``shares.csv``, the statements (``statements.parquet``,
``statements_by_replication.parquet``) and the audit journal (``journal.csv``) must be
byte-identical; every other file of the run folder except ``manifest.json`` (which
records times and the command) is compared too and reported. The reference is either a
folder of run folders made the same way (``--reference DIR``, one sub-folder per
scenario, named after the file) or a git revision (``--against REV``: its whole tree is
extracted to a temporary folder and run with this environment's Python, its own
``fundsim`` first on the path).

    python bench/identical_outputs.py --against 9884097 [--reps 5] [--seed 7] [NAME ...]
    python bench/identical_outputs.py --reference /tmp/ref [--candidate /tmp/new] [NAME ...]

Prints one line per scenario and a count; exits 1 when any required file differs or is
missing. ``--candidate DIR`` compares two existing folders of run folders without running.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The files that must be byte-identical.
REQUIRED = (
    "replications.csv",
    "shares.csv",
    "statements.parquet",
    "statements_by_replication.parquet",
    "journal.csv",
)
#: Files of a run folder not compared (times, the command line, the scenario's path).
IGNORED = ("manifest.json",)


def shipped_scenarios(root: Path) -> list[str]:
    """The shipped scenarios' names (``scenarios/*.toml`` except ``explore_*``)."""
    return sorted(
        p.stem for p in (root / "scenarios").glob("*.toml") if not p.stem.startswith("explore_")
    )


def run_all(source: Path, names: list[str], out: Path, reps: int, seed: int) -> None:
    """Run each scenario ``names`` of the tree ``source`` into ``out/<name>``, with the
    ``fundsim`` package of ``source`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(source))
    for name in names:
        cmd = [
            sys.executable,
            "-m",
            "fundsim",
            "run",
            f"scenarios/{name}.toml",
            "--reps",
            str(reps),
            "--seed",
            str(seed),
            "--workers",
            "1",
            "--audit",
            "--no-progress",
            "--force",
            "--out",
            str(out / name),
        ]
        done = subprocess.run(cmd, cwd=source, env=env, capture_output=True, text=True)
        if done.returncode:
            print(
                f"{name}: run failed in {source}: {done.stderr.strip().splitlines()[-1:]}",
                file=sys.stderr,
            )


def extract(revision: str, into: Path) -> None:
    """Write the whole tree of ``revision`` to ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def compare(reference: Path, candidate: Path) -> tuple[list[str], list[str]]:
    """The required files that differ or are missing, and the other files that differ,
    between two run folders."""
    if not reference.is_dir() or not candidate.is_dir():
        return [f"missing run folder {reference if not reference.is_dir() else candidate}"], []
    bad = []
    for name in REQUIRED:
        a, b = reference / name, candidate / name
        if a.exists() != b.exists():
            bad.append(f"{name} only in {'reference' if a.exists() else 'candidate'}")
        elif a.exists() and a.read_bytes() != b.read_bytes():
            bad.append(name)
    others = sorted({p.name for p in reference.iterdir()} | {p.name for p in candidate.iterdir()})
    other_bad = []
    for name in others:
        if name in REQUIRED or name in IGNORED:
            continue
        a, b = reference / name, candidate / name
        if not (a.is_file() and b.is_file()) or a.read_bytes() != b.read_bytes():
            other_bad.append(name)
    return bad, other_bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ref = parser.add_mutually_exclusive_group(required=True)
    ref.add_argument("--against", help="a git revision to run as the reference")
    ref.add_argument("--reference", type=Path, help="a folder of reference run folders")
    parser.add_argument(
        "--candidate",
        type=Path,
        help="a folder of run folders to compare (default: run this checkout)",
    )
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("names", nargs="*", help="scenario names (default: every shipped scenario)")
    args = parser.parse_args(argv)
    names = args.names or shipped_scenarios(ROOT)
    with tempfile.TemporaryDirectory(prefix="identical-") as tmp:
        work = Path(tmp)
        reference = args.reference
        if args.against:
            tree, reference = work / "tree", work / "reference"
            extract(args.against, tree)
            run_all(tree, names, reference, args.reps, args.seed)
        candidate = args.candidate
        if candidate is None:
            candidate = work / "candidate"
            run_all(ROOT, names, candidate, args.reps, args.seed)
        failed = 0
        for name in names:
            bad, other = compare(reference / name, candidate / name)
            failed += bool(bad)
            note = f"; other files differ: {', '.join(other)}" if other else ""
            print(f"{name}: {'DIFFERS: ' + ', '.join(bad) if bad else 'identical'}{note}")
        print(
            f"{len(names) - failed} of {len(names)} scenarios identical "
            f"({', '.join(REQUIRED)}; --reps {args.reps} --seed {args.seed})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
