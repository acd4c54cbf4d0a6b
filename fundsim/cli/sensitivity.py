"""``fundsim sensitivity FILE``: Sobol or Morris indices of a metric to the uncertain inputs.

The inputs are the scenario's ``[uncertainties]`` (dotted key = ``{low, high}``) and
any ``--range KEY=LOW:HIGH``. Writes to ``--out DIR``: ``sensitivity.csv`` (indices
with 95 % intervals), ``sensitivity_samples.csv`` (every point and its output) and
``sensitivity.png`` (bars).
"""

from __future__ import annotations

import argparse
import os

from fundsim.cli.common_options import add_force, positive_int, seed_int, workers_int


def _range(text: str) -> tuple[str, tuple[float, float]]:
    try:
        key, span = text.split("=", 1)
        lo, hi = span.split(":", 1)
        return key.strip(), (float(lo), float(hi))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write KEY=LOW:HIGH, e.g. posts.annual_cost_usd=230000:330000"
        ) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity of a metric to the scenario's uncertainties",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="scenario TOML file (with an [uncertainties] table, or use --range)",
    )
    p.add_argument(
        "--metric",
        default="coordinator_coverage",
        help="output metric (default coordinator_coverage)",
    )
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol", help="default sobol")
    p.add_argument(
        "--samples",
        type=positive_int,
        default=32,
        help="base sample size N (Sobol: N x (inputs + 2) points, a power of 2; "
        "Morris: N trajectories); default 32",
    )
    p.add_argument(
        "--reps", type=positive_int, default=20, help="replications per point (default 20)"
    )
    p.add_argument(
        "--seed", type=seed_int, help="root seed, the same at every point (default: the scenario's)"
    )
    p.add_argument(
        "--range",
        action="append",
        type=_range,
        default=[],
        metavar="KEY=LOW:HIGH",
        help="an uncertain input (repeatable; adds to or overrides [uncertainties])",
    )
    p.add_argument(
        "--workers", type=workers_int, help="local worker processes (default: up to 4 cores)"
    )
    p.add_argument("--scheduler", help="Dask scheduler: tcp://host:8786, or 'local'")
    p.add_argument("--out", help="output folder (default: results/<scenario>-sensitivity-<time>)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_force(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.sensitivity import sensitivity
    from fundsim.cli.common_options import new_output_dir
    from fundsim.cli.progress import progress_bar
    from fundsim.cli.tables import check_metric
    from fundsim.scenario import load_scenario
    from fundsim.viz.figures import sensitivity_bars
    from fundsim.viz.style import save_figure

    scenario = load_scenario(args.file)
    check_metric(args.metric, scenario)  # a wrong name stops here, before any replication
    from fundsim.results.atomic import write_csv
    from fundsim.results.output_folder import OutputStage

    out = new_output_dir(args.out, scenario.name, "sensitivity", force=args.force)
    stage = OutputStage(out, force=args.force)  # claimed now; written aside, swapped in at the end
    res = sensitivity(
        scenario,
        args.metric,
        method=args.method,
        samples=args.samples,
        reps=args.reps,
        seed=args.seed,
        ranges=dict(args.range),
        workers=args.workers or min(4, os.cpu_count() or 1),
        scheduler=args.scheduler,
        bar=progress_bar(args, f"{args.method} points"),
    )
    write_csv(res.table, stage.work / "sensitivity.csv")
    write_csv(res.samples, stage.work / "sensitivity_samples.csv")
    save_figure(
        sensitivity_bars(
            res.table,
            res.metric,
            f"Sensitivity of {res.metric} ({res.method}, "
            f"{len(res.samples)} points x {res.reps} replications)",
        ),
        stage.work / "sensitivity.png",
    )
    stage.publish()
    print(
        f"{scenario.name}: {res.method} sensitivity of {res.metric}, {len(res.samples)} points x "
        f"{res.reps} replications, seed {res.seed} at every point"
    )
    print()
    print(ranking_table(res.table, res.method, res.metric))
    print()
    for line in ranking_words(res.table, res.method, res.metric):
        print(line)
    print()
    print(f"Results: {out}/  (sensitivity.csv, sensitivity_samples.csv, sensitivity.png)")
    return 0


def _index(metric: str, method: str, value: float) -> str:
    """A sensitivity index in its unit: Sobol indices as % of the output's variance,
    Morris effects as a change of the metric (pp for metrics in %)."""
    from fundsim.results.registry import format_difference

    if method == "sobol":
        return f"{100 * value:.0f}%"
    return format_difference(metric, value).lstrip("+")


def ranking_table(frame, method: str, metric: str) -> str:
    """The indices per input, ranked, each with its unit in the heading."""
    from fundsim.cli.tables import table

    cols: tuple[tuple[str, str | None, str], ...]
    if method == "sobol":
        key, cols = (
            "ST",
            (
                ("S1", "S1_conf", "alone (S1, % of variance)"),
                ("ST", "ST_conf", "in all (ST, % of variance)"),
            ),
        )
    else:
        key, cols = (
            "mu_star",
            (
                ("mu_star", "mu_star_conf", f"mean |effect| on {metric} (mu*)"),
                ("sigma", None, "spread of the effect (sigma)"),
            ),
        )
    ranked = frame.sort_values(key, ascending=False)
    rows = [
        [
            str(i + 1),
            r["input"],
            f"{r['low']:g} to {r['high']:g}",
            *(
                _index(metric, method, r[c]) + (f" +/- {_index(metric, method, r[k])}" if k else "")
                for c, k, _ in cols
            ),
        ]
        for i, (_, r) in enumerate(ranked.iterrows())
    ]
    return table(
        rows,
        ["rank", "input", "range tried", *(h for _, _, h in cols)],
        align="rll" + "r" * len(cols),
    )


def ranking_words(frame, method: str, metric: str) -> list[str]:
    """The ranking in sentences: what matters most, and which inputs cannot be told from
    no effect at this sample size (their interval reaches 0)."""
    from fundsim.results.registry import describe

    label = describe(metric).label
    key, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    ranked = frame.sort_values(key, ascending=False)
    clear = ranked[ranked[key] - ranked[conf] > 0]
    unclear = ranked[ranked[key] - ranked[conf] <= 0]
    if method == "sobol":
        what = "of the variance of"
        say = [
            f"{r['input']} ({_index(metric, method, r[key])} {what} {label}, alone or with others)"
            for _, r in clear.iterrows()
        ]
    else:
        say = [
            f"{r['input']} (moving it over its range changes {label} by "
            f"{_index(metric, method, r[key])} "
            "on average)"
            for _, r in clear.iterrows()
        ]
    lines = []
    if say:
        lines.append(f"What moves {label} most, in order: " + "; ".join(say) + ".")
    else:
        lines.append(f"No input's effect on {label} can be told from none at this sample size.")
    if len(unclear):
        lines.append(
            "Cannot be told from no effect (interval reaches 0; more --samples or --reps to "
            "decide): " + ", ".join(unclear["input"]) + "."
        )
    return lines
