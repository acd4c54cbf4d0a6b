"""``fundsim run FILE``: Monte Carlo run of one scenario into a run directory."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fundsim.results import Run

#: The metrics printed, in this order, when the run has them (all are in summary.json).
HEADLINE = (
    "p_gap",
    "coordinator_coverage",
    "closing_balance_usd",
    "inflows_usd",
    "outflows_usd",
    "missed_payments_usd",
    "lapses",
    "income_cv",
    "top3_share",
    "victims_assisted_share",
    "median_wait_days",
    "unmet_need_usd",
    "children_supported",
    "obligations_pv_usd",
    "funded_ratio",
)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs replications."""
    p.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument(
        "--workers",
        type=positive_int,
        help="local worker processes (default: up to 4 cores for 100+ replications, else 1)",
    )
    p.add_argument("--scheduler", help="Dask scheduler: tcp://host:8786, or 'local' for a LocalCluster")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def default_workers(reps: int) -> int:
    return min(4, os.cpu_count() or 1) if reps >= 100 else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a scenario's Monte Carlo replications into a run directory")
    p.add_argument("file", metavar="FILE", help="scenario TOML file")
    p.add_argument("--out", help="run directory to write (default: results/<scenario>-<time>)")
    p.add_argument("--audit", action="store_true", help="also write the full ledger journal (journal.csv)")
    add_run_options(p)
    p.set_defaults(func=run)


def command_argv(args: argparse.Namespace) -> list[str] | None:
    """The command line that started this command (program name first), as ``main``
    recorded it; ``None`` when the command was called without ``main``."""
    return getattr(args, "argv", None)


def run(args: argparse.Namespace) -> int:
    from fundsim.cli._format import new_output_dir, summary_table
    from fundsim.runner import Provenance, run_scenario
    from fundsim.scenario import load_scenario

    scenario = load_scenario(args.file)  # bad input stops here: nothing written
    reps = args.reps or scenario.simulation.replications
    workers = args.workers or default_workers(reps)
    out = new_output_dir(args.out, scenario.name)
    result = run_scenario(
        scenario,
        reps=reps,
        seed=args.seed,
        workers=workers,
        scheduler=args.scheduler,
        audit=args.audit,
        progress=not args.no_progress and sys.stderr.isatty(),
        out=out,
        provenance=Provenance.of_file(args.file, scenario, command_argv(args)),
    )
    m = result.manifest
    print(f"{scenario.name}: {result.reps} replications, seed {result.seed}, "
          f"{scenario.simulation.start_year}-{scenario.simulation.end_year}, "
          f"{m['wall_seconds']:.1f} s ({m['events']:,} events, {m['executor']} x{m['workers']})")
    print()
    print(summary_table(result.summary, HEADLINE))
    print()
    print(shares_table(result))
    print()
    print(f"Results: {out}/  (summary.json, replications.csv, monthly.parquet, shares.csv, yearly.csv, coverage.csv, receivables.csv)")
    return 0


def shares_table(result: Run) -> str:
    """Each entity's mean share and yearly dollars over the horizon."""
    from fundsim.cli._format import fmt_unit, table

    s = result.shares
    g = s.groupby("entity", sort=False).agg(
        share=("share", "mean"), assessed=("assessed_usd", "mean"), paid=("paid_usd", "mean"),
        participation=("participation", "mean"),
    )
    g = g.sort_values("assessed", ascending=False)
    rows = [
        [str(name), fmt_unit("share", r.share), fmt_unit("USD", r.assessed), fmt_unit("USD", r.paid),
         fmt_unit("share", r.participation)]
        for name, r in g.iterrows()
    ]
    formula = s["formula"].iloc[0] if len(s) else "?"
    title = f"Cost shares ({formula} formula), mean per year in USD:"
    return title + "\n" + table(rows, ["entity", "share", "assessed/yr", "paid/yr", "taking part"])
