"""``fundsim solve FILE --target "p_gap<=0.05" --lever KEY``: the lever value that meets a target.

Stochastic bisection with common random numbers (see :mod:`fundsim.analysis.solve`).
Writes to ``--out DIR``: ``solve_runs.csv`` (every run evaluated), ``solve.json``
(the answer, its bracket and uncertainty) and ``solve.png`` (metric against lever).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from fundsim.cli.common_options import add_force, add_run_options, default_workers, positive_int

if TYPE_CHECKING:
    from fundsim.analysis.solve import SolveResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "solve", help="find the lever value (budget, reserve, scale) that meets a target"
    )
    p.add_argument("file", metavar="FILE", help="scenario TOML file")
    p.add_argument(
        "--target", required=True, help='e.g. "p_gap<=0.05" or "coordinator_coverage>=0.9"'
    )
    p.add_argument(
        "--lever",
        required=True,
        help="dotted scenario key to vary (mechanism.reserve_target_months, posts.annual_cost_usd, "
        "payments.contribution_scale; budget_scale is an alias of the last; envelope_usd, alias of "
        "mechanism.budget.usd_per_year, the fixed envelope, with a target such as "
        "funding_lost_share<=0.01)",
    )
    p.add_argument(
        "--low",
        type=float,
        help="lower end of the search range (default: from the schema or value/4)",
    )
    p.add_argument(
        "--high",
        type=float,
        help="upper end of the search range (default: from the schema or 4 x value)",
    )
    p.add_argument(
        "--tol",
        type=float,
        help="stop when the bracket is this narrow (default: 1 %% of the range)",
    )
    p.add_argument(
        "--max-runs",
        type=positive_int,
        default=14,
        help="at most this many evaluations (default 14)",
    )
    p.add_argument("--out", help="output folder (default: results/<scenario>-solve-<time>)")
    add_force(p)
    add_run_options(p)
    p.set_defaults(func=run)


def _finite(value):
    """``value`` with every NaN or infinite float (also inside lists and dicts) as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.solve import solve
    from fundsim.cli.common_options import new_output_dir
    from fundsim.cli.progress import progress_bar
    from fundsim.errors import BadInput
    from fundsim.results.output_folder import OutputStage
    from fundsim.scenario import load_scenario

    scenario = load_scenario(args.file)
    reps = args.reps or scenario.simulation.replications
    out = new_output_dir(args.out, scenario.name, "solve", force=args.force)
    stage = OutputStage(out, force=args.force)  # claimed now; written aside, swapped in at the end
    res = solve(
        scenario,
        args.target,
        args.lever,
        low=args.low,
        high=args.high,
        reps=reps,
        seed=args.seed,
        tolerance=args.tol,
        max_runs=args.max_runs,
        workers=args.workers or default_workers(reps),
        scheduler=args.scheduler,
        bar=progress_bar(args, f"solving over {args.lever}"),
    )
    _write_outputs(stage.work, scenario.name, res)
    stage.publish()
    _print_runs(scenario.name, res, reps)
    if res.status != "solved":
        print(f"Runs: {out}/")
        raise BadInput(f"{args.file}: {res.message}")
    if all(math.isfinite(c) for c in res.clear_range):
        _print_answer(res, reps)
        print(f"Results: {out}/  (solve.json, solve_runs.csv, solve.png)")
    else:
        _print_no_clear_answer(res, reps)
        print(f"Runs: {out}/  (solve.json, solve_runs.csv, solve.png)")
    return 0


def _write_outputs(folder: Path, scenario: str, res: SolveResult) -> None:
    """``solve_runs.csv`` (every run evaluated), ``solve.json`` (the answer, its bracket and
    uncertainty) and ``solve.png`` (metric against lever) into ``folder``."""
    from fundsim.results.atomic import write_csv, write_text
    from fundsim.viz.figures import solve_path
    from fundsim.viz.style import save_figure

    write_csv(res.runs, folder / "solve_runs.csv")
    answer = {
        "scenario": scenario,
        "target": str(res.target),
        "lever": res.lever,
        "status": res.status,
        "value": res.value,
        "bracket": list(res.bracket),
        "clear_range": list(res.clear_range),
        "metric_mean": res.metric_mean,
        "metric_ci95": list(res.metric_ci),
        "reps": res.reps,
        "seed": res.seed,
        "runs": len(res.runs),
        "message": res.message,
    }
    # Strict JSON: an unknown bound (no evaluated value clearly on that side) is null, not NaN.
    write_text(folder / "solve.json", json.dumps(_finite(answer), indent=2, allow_nan=False) + "\n")
    save_figure(
        solve_path(
            res.runs,
            res.lever,
            res.target.metric,
            res.target.threshold,
            res.value if res.status == "solved" else None,
        ),
        folder / "solve.png",
    )


def _print_runs(scenario: str, res: SolveResult, reps: int) -> None:
    """The heading and the table of the runs evaluated (lever value, metric, interval, met)."""
    from fundsim.cli.tables import fmt_value, table

    m = res.target.metric
    rows = [
        [
            f"{r['run']}",
            f"{r['lever_value']:.6g}",
            fmt_value(m, r["mean"]),
            f"[{fmt_value(m, r['ci95_low'])}, {fmt_value(m, r['ci95_high'])}]",
            "yes" if r["met"] else "no",
        ]
        for r in res.runs.to_dict("records")
    ]
    print(
        f"{scenario}: solving {res.target} over {res.lever}, {reps} replications per run, "
        f"seed {res.seed}"
    )
    print()
    print(table(rows, ["run", res.lever, m, "95% interval", "met"]))
    print()


def _print_no_clear_answer(res: SolveResult, reps: int) -> None:
    """Why the search has no answer at these replications (an interval too wide on one side
    or both) and what to do."""
    from fundsim.cli.tables import fmt_value

    m = res.target.metric
    lo, hi = res.bracket
    c0, c1 = res.clear_range
    side = " and ".join(w for w, x in (("low", c0), ("high", c1)) if not math.isfinite(x))
    print(
        f"No answer at {reps} replications: the search narrowed {res.lever} to [{lo:.4g}, "
        f"{hi:.4g}], "
        f"but on the {side} side no value tried is clearly past the target: the 95 % intervals "
        f"of {m} are too "
        f"wide to say where the target is crossed (best value tried {res.value:.4g}: "
        f"{fmt_value(m, res.metric_mean)}, "
        f"interval [{fmt_value(m, res.metric_ci[0])}, {fmt_value(m, res.metric_ci[1])}])."
    )
    print(
        f"What to do: run again with more replications (--reps {max(4 * reps, 50)} makes the "
        "intervals "
        "about half as wide), or widen --low/--high so that both ends are clearly on either "
        "side."
    )


def _print_answer(res: SolveResult, reps: int) -> None:
    """The answer, its interval, the range where the target is not clearly met nor missed,
    the final bracket and any note."""
    from fundsim.cli.tables import fmt_value

    m = res.target.metric
    lo, hi = res.bracket
    c0, c1 = res.clear_range
    print(
        f"Answer: {res.lever} = {res.value:.4g}  ({m} {fmt_value(m, res.metric_mean)}, "
        f"95% interval [{fmt_value(m, res.metric_ci[0])}, {fmt_value(m, res.metric_ci[1])}])"
    )
    print(
        f"  at {reps} replications, {res.lever} between {c0:.4g} and {c1:.4g} neither clearly "
        "meets nor clearly "
        "misses the target (its 95 % interval straddles it); outside that range the answer is clear"
    )
    print(f"  bracket after {len(res.runs)} runs: [{lo:.4g}, {hi:.4g}]")
    if res.message:
        print(f"  note: {res.message}")
