"""``fundsim batch FILES_OR_DIRS...``: run many scenarios and sweep variants, resumably."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from fundsim.cli.common_options import add_force, add_run_options, command_argv, default_workers

#: Default output folder: fixed (not time-stamped) so that ``--resume`` finds it again.
DEFAULT_OUT = Path("results") / "batch"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help=(
            "run every scenario (and sweep variant) of some files or folders, one run directory "
            "each"
        ),
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="FILE_OR_DIR",
        help="scenario TOML files, or folders whose *.toml files to run (sub-folders not searched)",
    )
    p.add_argument(
        "--out", help=f"folder for the run directories and batch.csv (default: {DEFAULT_OUT})"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="keep finished runs that match (scenario, seed, replications), redo the rest",
    )
    add_force(p)
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.cli.tables import fmt_value, table
    from fundsim.runner.batch import DONE, FAILED, KEPT, plan_batch, run_batch

    out = Path(args.out) if args.out else DEFAULT_OUT
    items = plan_batch(args.paths)  # bad input stops here: nothing written
    biggest = max(args.reps or i.scenario.simulation.replications for i in items)
    workers = args.workers or default_workers(biggest)
    print(f"batch: {len(items)} run(s) from {len({i.file for i in items})} file(s) into {out}/")
    outcomes = run_batch(
        items,
        out,
        reps=args.reps,
        seed=args.seed,
        workers=workers,
        scheduler=args.scheduler,
        resume=args.resume,
        force=args.force,
        progress=not args.no_progress and sys.stderr.isatty(),
        command=shlex.join(argv) if (argv := command_argv(args)) else None,
    )
    rows = [
        [
            o.item.name,
            o.status,
            fmt_value("p_gap", o.metrics.get("p_gap", float("nan"))),
            fmt_value(
                "coordinator_coverage", o.metrics.get("coordinator_coverage_mean", float("nan"))
            ),
            fmt_value(
                "closing_balance_usd", o.metrics.get("closing_balance_usd_mean", float("nan"))
            ),
            "-" if o.wall_seconds is None else f"{o.wall_seconds:.1f}",
        ]
        for o in outcomes
    ]
    print()
    print(
        table(
            rows,
            ["run", "status", "p_gap", "coverage", "closing balance", "seconds"],
            align="llrrrr",
        )
    )
    print()
    done = sum(o.status == DONE for o in outcomes)
    kept = sum(o.status == KEPT for o in outcomes)
    failed = [o for o in outcomes if o.status == FAILED]
    print(
        f"{done} run(s) done, {kept} kept from before, {len(failed)} failed. Index: "
        f"{out / 'batch.csv'}"
    )
    for o in failed:
        print(f"fundsim: {o.item.name} ({o.item.file}): {o.error}", file=sys.stderr)
    return 1 if failed else 0
