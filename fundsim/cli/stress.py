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

from fundsim.cli.common_options import add_force, add_run_options, command_argv, default_workers

#: Terminal width the printed table fits (shocks as rows, chosen metrics as columns).
WIDTH = 120
#: Short column headings for the terminal (the full label is in stress.csv and the report).
SHORT = {
    "coordinator_coverage": "coverage",
    "p_tier1_interrupted": "tier-1 int.",
    "funding_lost_share": "fund. lost",
    "missed_payments_usd": "missed pay",
    "assessed_usd": "assessed",
    "victim_assessed_usd": "v.assessed",
    "victims_assisted_share": "v.assisted",
    "p_gap": "p(gap)",
    "closing_balance_usd": "closing cash USD",
    "median_wait_days": "wait days",
    "unmet_need_usd": "unmet need USD",
    "interruptions_per_post_year": "interr./post-yr",
    "liquidity_at_risk_usd": "liquidity at risk",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stress", help="standard stress tests (IMF-style battery), each paired with the baseline"
    )
    p.add_argument("file", metavar="FILE", help="scenario TOML file (the baseline of the battery)")
    p.add_argument("--out", help="output folder (default: results/<scenario>-stress-<time>)")
    p.add_argument(
        "--metrics",
        help="comma-separated metrics of the printed table and the heat map "
        "(default: coverage, tier-1 interruptions, funding lost, assessed in each window, victims "
        "assisted; stress.csv always has every metric)",
    )
    add_force(p)
    add_run_options(p)
    p.set_defaults(func=run)


def compact_difference(metric: str, value: float) -> str:
    """A difference for a narrow column: pp for metrics in %, USD in k/M, else the
    registry's signed number."""
    from fundsim.cli.tables import fmt_diff
    from fundsim.results.registry import describe

    if describe(metric).fmt == "usd" and abs(value) >= 1e3:
        return f"{value / 1e6:+.2f}M" if abs(value) >= 1e6 else f"{value / 1e3:+.0f}k"
    return fmt_diff(metric, value).replace(" pp", "pp")


def _cell(metric: str, r) -> str:
    if not math.isfinite(r["diff"]):
        return "-"
    text = compact_difference(metric, float(r["diff"]))
    return text if r["significant"] else f"({text})"


def _largest(sub) -> str:
    """The largest change of one entity's bill under a shock: ``WFP +92k +4.1%``."""
    r = sub.iloc[0]
    usd, pct = r.get("largest_change_usd"), r.get("largest_change_pct")
    if usd is None or not math.isfinite(float(usd)):
        return "-"
    return (
        f"{str(r['largest_change_entity'])[:8]} {compact_difference('assessed_usd', float(usd))} "
        f"{100 * float(pct):+.1f}%"
    )


def chosen_metrics(text: str | None, available: set[str]) -> list[str]:
    """The metrics of ``--metrics`` (checked against the registry, exit 2 with a
    did-you-mean on a typo), or the battery's headline metrics the run has."""
    from fundsim.analysis.stress import HEADLINE_METRICS
    from fundsim.cli.tables import check_metric

    if text:
        return [check_metric(name.strip()) for name in text.split(",") if name.strip()]
    return [m for m in HEADLINE_METRICS if m in available]


def shock_table(st, metrics: list[str]) -> tuple[str, list[str]]:
    """The terminal table: one row per shock, the chosen metrics' changes as columns, and
    the largest change of one entity's bill; with the shocks not run (and why)."""
    from fundsim.cli.tables import fmt_value, table

    ran = st[st["metric"].fillna("") != ""]
    shown = [m for m in metrics if m in set(ran["metric"])]
    base = ran.drop_duplicates("metric").set_index("metric")["baseline_mean"]
    rows = [["baseline (level)", *(fmt_value(m, base[m]) for m in shown), ""]]
    skipped = []
    for shock in dict.fromkeys(st["shock"]):
        sub = st[st["shock"] == shock]
        if (sub["metric"].fillna("") == "").all():
            skipped.append(f"{shock}: {sub['note'].iloc[0]}")
            continue
        by = sub.set_index("metric")
        rows.append([shock[:26], *(_cell(m, by.loc[m]) for m in shown), _largest(sub)])
    header = ["shock", *(SHORT.get(m, m[:16]) for m in shown), "largest bill"]
    return table(rows, header), skipped


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.stress import stress_test
    from fundsim.cli.common_options import new_output_dir
    from fundsim.cli.progress import progress_bar
    from fundsim.runner import Provenance
    from fundsim.scenario import load_scenario
    from fundsim.viz.figures import MissingData, stress_heatmap
    from fundsim.viz.style import save_figure

    scenario = load_scenario(args.file)
    from fundsim.scenario.explore import check_explore

    check_explore(args.file)  # an [explore] table validate refuses is refused here too
    reps = args.reps or scenario.simulation.replications
    from fundsim.analysis.stress import DEFAULT_METRICS

    metrics = chosen_metrics(args.metrics, set(DEFAULT_METRICS))
    from fundsim.results.atomic import write_csv
    from fundsim.results.output_folder import OutputStage

    out = new_output_dir(args.out, scenario.name, "stress", force=args.force)
    stage = OutputStage(out, force=args.force)  # claimed now; written aside, swapped in at the end
    result = stress_test(
        scenario,
        reps=reps,
        metrics=list(dict.fromkeys([*DEFAULT_METRICS, *metrics])),
        seed=args.seed,
        workers=args.workers or default_workers(reps),
        scheduler=args.scheduler,
        bar=progress_bar(args, "stress battery"),
        provenance=Provenance.of_file(args.file, scenario, command_argv(args)),
    )
    st = result.table
    write_csv(st, stage.work / "stress.csv")
    base_dir = result.baseline.save(stage.work / "baseline")
    write_csv(st, base_dir / "stress.csv")
    with contextlib.suppress(MissingData):  # no shock applied: the table says why, no picture
        save_figure(
            stress_heatmap(
                st, f"Stress tests of {scenario.name}: change against the baseline", metrics=metrics
            ),
            stage.work / "stress.png",
        )
    stage.publish()
    result.baseline.path = out / "baseline"
    print(
        f"{scenario.name}: stress battery, {reps} replications per run, seed "
        f"{result.baseline.seed} "
        "(every shock paired with the baseline: common random numbers)"
    )
    print()
    text, skipped = shock_table(st, metrics)
    from textwrap import fill

    print(
        fill(
            "Change against the baseline, shocked - baseline (pp: percentage points; USD in k or "
            "M; "
            "(bracketed): the paired 95 % interval includes 0; assessed: coordinator fund, "
            "v.assessed: "
            "victims' window, USD over the horizon; largest bill: the entity whose "
            "coordinator-fund bill "
            "changes most, in USD and %; every metric is in stress.csv):",
            WIDTH,
        )
    )
    print(text)
    for line in skipped:
        print(line)
    for shock in ("allegations_+50%", "allegations_+50%_other_caseworkers"):  # which caseworkers
        notes = st.loc[st["shock"] == shock, "note"].dropna()
        if len(notes) and "caseworkers" in str(notes.iloc[0]):
            print(fill(f"{shock}: {notes.iloc[0]}", WIDTH))
    print()
    print(f"Results: {out}/  (stress.csv, stress.png, baseline/ run directory)")
    print(f"Report:  fundsim report {out / 'baseline'}")
    return 0
