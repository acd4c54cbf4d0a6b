"""``fundsim explore FILE``: which futures break the fund, and which policy holds across them.

Reads the scenario's ``[explore]`` table (docs/explore.md), samples ``--futures`` futures
(Latin hypercube) and runs every policy in each for ``--reps`` replications with the same
seed (common random numbers). Writes to ``--out DIR`` as it goes, so that ``--resume``
finishes a killed experiment: ``explore.json``, ``futures.csv``, ``parts/``, and at the end
``experiments.csv`` (the tidy table), ``robustness.csv`` and ``robustness.png``; with the
``explore`` extra (the EMA Workbench) also ``prim_trajectory.csv``, ``prim_box.csv``,
``prim_trajectory.png``, ``prim_inspect.csv`` (the box's limits with quasi-p-values),
``feature_scores.csv``, ``prim_pairs.png`` (the box's pairs plot) and ``tree.csv``. The robustness
table carries each design's cost to the entities and the cash it leaves idle.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from fundsim.cli.common_options import add_force, positive_int, seed_int, workers_int


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explore", help="futures x policies: scenario discovery (PRIM) and robustness"
    )
    p.add_argument("file", metavar="FILE", help="scenario TOML file with an [explore] table")
    p.add_argument(
        "--futures", type=positive_int, help="futures to sample (default: [explore] futures)"
    )
    p.add_argument(
        "--reps",
        type=positive_int,
        help="replications per future and policy (default: [explore] reps)",
    )
    p.add_argument(
        "--seed",
        type=seed_int,
        help="root seed, the same in every future (default: the scenario's)",
    )
    p.add_argument(
        "--policy",
        help="discover the futures that break this policy (default: every policy, "
        "levers as inputs)",
    )
    p.add_argument(
        "--threshold", type=float, default=0.8, help="density a PRIM box should reach (default 0.8)"
    )
    p.add_argument("--out", help="output folder (default: results/<scenario>-explore-<time>)")
    p.add_argument(
        "--resume", action="store_true", help="finish an interrupted experiment in --out"
    )
    p.add_argument(
        "--workers", type=workers_int, help="local worker processes (default: up to 4 cores)"
    )
    p.add_argument("--scheduler", help="Dask scheduler: tcp://host:8786, or 'local'")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_force(p)
    p.set_defaults(func=run)


def _finished_parts(out: Path) -> bool:
    """Whether ``out`` holds a finished future of the experiment (worth a ``--resume``)."""
    parts = out / "parts"
    return parts.is_dir() and any(
        p.is_file() and not p.name.startswith(".") for p in parts.iterdir()
    )


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.discovery import INSTALL_HINT, discover, discovery_available
    from fundsim.analysis.explore import ExploreError, run_explore
    from fundsim.analysis.robustness import directed_outcomes, robustness_table
    from fundsim.cli.common_options import new_output_dir
    from fundsim.cli.progress import progress_bar
    from fundsim.cli.tables import table
    from fundsim.results.atomic import write_csv
    from fundsim.results.registry import format_value
    from fundsim.runner.checks import check_file
    from fundsim.scenario.explore import load_explore
    from fundsim.viz.explore_figures import peeling_trajectory, prim_pairs, robustness_ranking
    from fundsim.viz.style import save_figure

    checked = check_file(
        args.file
    )  # bad input stops here, nothing written: the check validate makes
    if checked.explore is None:
        load_explore(args.file)  # refuses a file without [explore] with its hint
    scenario, spec = checked.scenario, checked.explore
    assert spec is not None
    if args.policy is not None and args.policy not in {p.name for p in spec.policies}:
        raise ExploreError(
            f"--policy {args.policy!r}: not a policy of [explore] "
            f"({', '.join(p.name for p in spec.policies)})"
        )
    if not 0 < args.threshold <= 1:
        raise ExploreError(f"--threshold {args.threshold:g}: a density between 0 and 1")
    if args.resume and not args.out:
        raise ExploreError("--resume needs --out (the folder of the experiment to finish)")
    # an existing --out is run_explore's to judge (resume, replace, or refuse with a hint)
    out = Path(args.out) if args.out else new_output_dir(None, scenario.name, "explore")
    new_folder = not os.path.lexists(out)
    try:
        res = run_explore(
            scenario,
            spec,
            futures=args.futures,
            reps=args.reps,
            seed=args.seed,
            out=out,
            resume=args.resume,
            force=args.force,
            workers=args.workers or min(4, os.cpu_count() or 1),
            scheduler=args.scheduler,
            bar=progress_bar(args, "explore"),
        )
    except BaseException:
        if new_folder and not _finished_parts(
            out
        ):  # failed before any future finished: leave nothing
            shutil.rmtree(out, ignore_errors=True)
        raise
    robust = robustness_table(res.experiments, spec)
    write_csv(robust, out / "robustness.csv", index=False)
    directed = directed_outcomes(spec)
    save_figure(
        robustness_ranking(robust, directed[0] if directed else None), out / "robustness.png"
    )
    n = len(res.futures)
    kept = f", {res.kept} kept from before" if res.kept else ""
    print(
        f"{scenario.name}: {n} futures x {len(spec.policies)} policies x {res.reps} replications, "
        f"seed {res.seed} in every future{kept}"
    )
    print(f"fails when: {' or '.join(str(c) for c in spec.fails_when)}")
    print()
    costs = "mean_cost_usd" in robust.columns
    rows = [
        [
            str(r["rank"]),
            r["policy"],
            f"{r['satisficing']:.0%}",
            *(format_value(o, r[f"max_regret_{o}"]) for o in directed),
            *(
                (
                    format_value("assessed_usd", r["mean_cost_usd"]),
                    format_value("assessed_usd", r["extra_cost_usd"]),
                    r["dominated_by"] or "-",
                )
                if costs
                else ()
            ),
        ]
        for _, r in robust.iterrows()
    ]
    cost_heads = ["cost to entities", "extra cost", "dominated by"] if costs else []
    print(
        table(
            rows,
            ["rank", "policy", "meets all", *(f"max regret {o}" for o in directed), *cost_heads],
            align="rl" + "r" * (1 + len(directed)) + "rrl"[: len(cost_heads)],
        )
    )
    print()
    files = ["experiments.csv", "robustness.csv", "robustness.png"]
    if discovery_available():
        found = discover(res.experiments, spec, policy=args.policy, threshold=args.threshold)
        write_csv(found.trajectory, out / "prim_trajectory.csv", index=False)
        write_csv(found.box, out / "prim_box.csv", index=False)
        write_csv(found.tree, out / "tree.csv", index=False)
        write_csv(found.inspect, out / "prim_inspect.csv", index=False)
        write_csv(found.features, out / "feature_scores.csv", index=False)
        files += [
            "prim_trajectory.csv",
            "prim_box.csv",
            "prim_inspect.csv",
            "feature_scores.csv",
            "tree.csv",
        ]
        if len(found.trajectory):
            save_figure(
                peeling_trajectory(found.trajectory, found.chosen), out / "prim_trajectory.png"
            )
            files.append("prim_trajectory.png")
        ranges = found.box.loc[found.box["kind"] == "range", "input"].tolist()
        pairs = (
            prim_pairs(found.prim_box, found.chosen, ranges) if found.chosen is not None else None
        )
        if pairs is not None:
            save_figure(pairs, out / "prim_pairs.png")
            files.append("prim_pairs.png")
        who = f"Policy {args.policy}" if args.policy else "The fund (any policy)"
        print(f"{who}: {found.sentence}")
        if found.warning:
            print(f"Warning: {found.warning}")
    else:
        print(INSTALL_HINT)
    print()
    print(f"Results: {out}/  ({', '.join(files)})")
    return 0
