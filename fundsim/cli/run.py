"""``fundsim run FILE``: Monte Carlo run of one scenario into a run directory."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from fundsim.cli.common_options import add_force, add_run_options, command_argv, default_workers

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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a scenario's Monte Carlo replications into a run directory")
    p.add_argument("file", metavar="FILE", help="scenario TOML file")
    p.add_argument("--out", help="run directory to write (default: results/<scenario>-<time>)")
    p.add_argument(
        "--audit", action="store_true", help="also write the full ledger journal (journal.csv)"
    )
    p.add_argument(
        "--no-report",
        action="store_true",
        help=(
            "do not write report.html and report.xlsx into the run directory (fundsim report can "
            "later)"
        ),
    )
    add_force(p)
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.cli.common_options import new_output_dir
    from fundsim.cli.tables import summary_table
    from fundsim.runner import Provenance, run_scenario
    from fundsim.runner.checks import check_file

    # bad input stops here, nothing written: the file, its [sweep] and [explore] checked as validate
    # does
    scenario = check_file(args.file).scenario
    reps = args.reps or scenario.simulation.replications
    workers = args.workers or default_workers(reps)
    from fundsim.results import is_run_dir
    from fundsim.results.output_folder import OutputClaim, is_empty

    out = new_output_dir(args.out, scenario.name, force=args.force)
    # Claimed before the first replication: a second command given this --out stops here.
    claim = OutputClaim(out, force=args.force, accept=lambda p: is_run_dir(p) or is_empty(p))
    result = run_scenario(
        scenario,
        reps=reps,
        seed=args.seed,
        workers=workers,
        scheduler=args.scheduler,
        audit=args.audit,
        progress=not args.no_progress and sys.stderr.isatty(),
        provenance=Provenance.of_file(args.file, scenario, command_argv(args)),
    )
    result.save(out, overwrite=args.force)  # an empty folder (our claim) is always replaced
    claim.done()
    m = result.manifest
    print(
        f"{scenario.name}: {result.reps} replications, seed {result.seed}, "
        f"{scenario.simulation.start_year}-{scenario.simulation.end_year}, "
        f"{m['wall_seconds']:.1f} s ({m['events']:,} events, {m['executor']} x{m['workers']})"
    )
    print()
    print(summary_table(result.summary, HEADLINE, scenario))
    print()
    print(shares_table(result, scenario.mechanism.mode))
    print()
    print(
        f"Results: {out}/  (summary.json, replications.csv, monthly.parquet, shares.csv, "
        "yearly.csv, coverage.csv, receivables.csv)"
    )
    print()
    print("Answer: " + answer_sentence(result, scenario))
    if args.no_report:
        print(
            f"No report written (--no-report): `fundsim report {out}` writes report.html and "
            "report.xlsx."
        )
    else:
        print(
            f"Report: {write_run_report(result, scenario)}  (open it in a browser; report.xlsx "
            "beside it)"
        )
    return 0


def answer_sentence(result: Run, scenario: object | None = None) -> str:
    """The run's answer in one sentence: the registry's answer metrics
    (:data:`~fundsim.results.registry.ANSWER_METRICS`), each with its 95 % interval."""
    from fundsim.results.registry import ANSWER_METRICS
    from fundsim.viz.narrative import answer

    return answer(result.summary, result.manifest, scenario, groups=[ANSWER_METRICS])


def write_run_report(result: Run, scenario: object) -> str:
    """Write report.html and report.xlsx into the run's directory; return the HTML's path
    (the reserve target drawn on the fan chart comes from the loaded ``scenario``)."""
    from fundsim.cli.report import reserve_target_of
    from fundsim.viz.report import write_report

    target, why = reserve_target_of(scenario)
    html_path, _xlsx, _skipped = write_report(
        result, reserve_target=target, reserve_note=why or None, scenario=scenario
    )
    return str(html_path)


def shares_table(result: Run, mode: str = "pooled") -> str:
    """Each entity's mean share and yearly dollars over the horizon, titled for the
    mechanism ``mode`` (``pooled``, ``siloed``, ``hybrid``)."""
    from fundsim.cli.tables import fmt_unit, table

    s = result.shares
    g = s.groupby("entity", sort=False).agg(
        share=("share", "mean"),
        assessed=("assessed_usd", "mean"),
        paid=("paid_usd", "mean"),
        participation=("participation", "mean"),
    )
    g = g.sort_values("assessed", ascending=False)
    rows = [
        [
            str(name),
            fmt_unit("share", r.share),
            fmt_unit("USD", r.assessed),
            fmt_unit("USD", r.paid),
            fmt_unit("share", r.participation),
        ]
        for name, r in g.iterrows()
    ]
    formula = s["formula"].iloc[0] if len(s) else "?"
    return (
        shares_title(mode, formula)
        + "\n"
        + table(rows, ["entity", "share", "assessed/yr", "paid/yr", "taking part"])
    )


def shares_title(mode: str, formula: str) -> str:
    """The title of the shares table: what the shares are under mechanism ``mode``.

    Only a pooled fund splits its cost by a formula; in a siloed run each lead entity
    pays for the posts it hosts, and in a hybrid run the formula splits the pooled
    reserve only."""
    if mode == "siloed":
        return (
            "What each entity pays (siloed: each lead entity pays for the posts it hosts; no "
            "formula), mean per year in USD:"
        )
    if mode == "hybrid":
        return (
            f"What each entity pays (hybrid: hosted posts, and the pooled reserve by the {formula} "
            "formula), mean per year in USD:"
        )
    return f"Cost shares ({formula} formula), mean per year in USD:"
