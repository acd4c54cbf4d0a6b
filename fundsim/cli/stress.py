"""``fundsim stress FILE``: the standard stress battery, each shock paired with the baseline.

Writes to ``--out DIR``: ``stress.csv`` (one row per shock and metric: baseline and
shocked means, the paired difference and its 95 % interval, the relative change, a
note on how the shock was applied or why it was not run), ``stress.png`` (the heat
map) and ``baseline/``, the baseline's run directory with a copy of ``stress.csv``,
so that ``fundsim report DIR/baseline`` includes the stress table.
"""

from __future__ import annotations

import argparse
import contextlib
import math

from fundsim.cli.run import add_force, add_run_options, command_argv, default_workers

#: Metrics shown in the printed table (all of them go to stress.csv): the post metrics of
#: the fund's rules first, then coverage, cash and the victims' window. The funded ratio is
#: left to stress.csv: under pay-as-you-go it is 0 at the horizon whatever the shock.
SHOWN = (
    "funding_lost_share", "interruptions_per_post_year", "p_tier1_interrupted", "p_gap",
    "liquidity_at_risk_usd", "invoice_cv", "coordinator_coverage", "closing_balance_usd",
    "victims_assisted_share",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stress", help="standard stress tests (IMF-style battery), each paired with the baseline")
    p.add_argument("file", metavar="FILE", help="scenario TOML file (the baseline of the battery)")
    p.add_argument("--out", help="output folder (default: results/<scenario>-stress-<time>)")
    add_force(p)
    add_run_options(p)
    p.set_defaults(func=run)


def _cell(metric: str, r) -> str:
    from fundsim.cli._format import fmt_diff

    if not math.isfinite(r["diff"]):
        return "-"
    mark = "" if r["significant"] else "~"
    return f"{mark}{fmt_diff(metric, r['diff'])}"


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.stress import stress_test
    from fundsim.cli._format import fmt_value, new_output_dir, table
    from fundsim.cli.progress import progress_bar
    from fundsim.runner import Provenance
    from fundsim.scenario import load_scenario
    from fundsim.viz.figures import MissingData, stress_heatmap
    from fundsim.viz.style import save_figure

    scenario = load_scenario(args.file)
    from fundsim.scenario.explore import check_explore

    check_explore(args.file)  # an [explore] table validate refuses is refused here too
    reps = args.reps or scenario.simulation.replications
    from fundsim.results.atomic import write_csv
    from fundsim.results.outdir import OutputStage

    out = new_output_dir(args.out, scenario.name, "stress", force=args.force)
    stage = OutputStage(out, force=args.force)  # claimed now; written aside, swapped in at the end
    result = stress_test(
        scenario, reps=reps, seed=args.seed, workers=args.workers or default_workers(reps),
        scheduler=args.scheduler, bar=progress_bar(args, "stress battery"),
        provenance=Provenance.of_file(args.file, scenario, command_argv(args)),
    )
    st = result.table
    write_csv(st, stage.work / "stress.csv")
    base_dir = result.baseline.save(stage.work / "baseline")
    write_csv(st, base_dir / "stress.csv")
    with contextlib.suppress(MissingData):  # no shock applied: the table says why, no picture
        save_figure(stress_heatmap(st, f"Stress tests of {scenario.name}: change against the baseline"),
                    stage.work / "stress.png")
    stage.publish()
    result.baseline.path = out / "baseline"
    print(f"{scenario.name}: stress battery, {reps} replications per run, seed {result.baseline.seed} "
          "(every shock paired with the baseline: common random numbers)")
    print()
    ran = st[st["metric"].fillna("") != ""]
    shown = [m for m in SHOWN if m in set(ran["metric"])]
    base = ran.drop_duplicates("metric").set_index("metric")["baseline_mean"]
    rows = [["baseline (level)", *(fmt_value(m, base[m]) for m in shown)]]
    skipped = []
    for shock in dict.fromkeys(st["shock"]):
        sub = st[st["shock"] == shock]
        if (sub["metric"].fillna("") == "").all():
            skipped.append(f"{shock}: {sub['note'].iloc[0]}")
            continue
        by = sub.set_index("metric")
        rows.append([shock, *(_cell(m, by.loc[m]) for m in shown)])
    print("Change against the baseline (shocked - baseline; fractions in percentage points; "
          "~ = the 95 % interval includes 0):")
    print(table(rows, ["shock", *shown]))
    for line in skipped:
        print(line)
    print()
    print(f"Results: {out}/  (stress.csv, stress.png, baseline/ run directory)")
    print(f"Report:  fundsim report {out / 'baseline'}")
    return 0
