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
from typing import Any

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


def _checked(args: argparse.Namespace) -> tuple[Any, Any]:
    """The scenario and its ``[explore]`` table, with the options checked against them;
    bad input stops here, before anything is written (the check ``validate`` makes)."""
    from fundsim.analysis.explore import ExploreError
    from fundsim.runner.checks import check_file
    from fundsim.scenario.explore import load_explore

    checked = check_file(args.file)
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
    return scenario, spec


def _experiment(args: argparse.Namespace, scenario: Any, spec: Any, out: Path) -> Any:
    """Run (or resume) the experiment into ``out``; a new folder that a failure left without
    any finished future is removed."""
    from fundsim.analysis.explore import run_explore
    from fundsim.cli.progress import progress_bar

    new_folder = not os.path.lexists(out)
    try:
        return run_explore(
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
        if new_folder and not _finished_parts(out):
            shutil.rmtree(out, ignore_errors=True)
        raise


def _robustness(robust: Any, directed: list[str]) -> str:
    """The robustness ranking as a terminal table (regrets, and costs when there are any)."""
    from fundsim.cli.tables import table
    from fundsim.results.registry import format_value

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
    return table(
        rows,
        ["rank", "policy", "meets all", *(f"max regret {o}" for o in directed), *cost_heads],
        align="rl" + "r" * (1 + len(directed)) + "rrl"[: len(cost_heads)],
    )


def _discovery(args: argparse.Namespace, res: Any, spec: Any, out: Path) -> list[str]:
    """PRIM, its inspection, feature scores and the tree written to ``out`` (with the
    ``explore`` extra); prints the box's sentence and returns the files written."""
    from fundsim.analysis.discovery import INSTALL_HINT, discover, discovery_available
    from fundsim.results.atomic import write_csv
    from fundsim.viz.explore_figures import peeling_trajectory, prim_pairs
    from fundsim.viz.style import save_figure

    if not discovery_available():
        print(INSTALL_HINT)
        return []
    found = discover(res.experiments, spec, policy=args.policy, threshold=args.threshold)
    tables = {
        "prim_trajectory.csv": found.trajectory,
        "prim_box.csv": found.box,
        "tree.csv": found.tree,
        "prim_inspect.csv": found.inspect,
        "feature_scores.csv": found.features,
    }
    for name, frame in tables.items():
        write_csv(frame, out / name, index=False)
    files = ["prim_trajectory.csv", "prim_box.csv", "prim_inspect.csv", "feature_scores.csv"]
    files.append("tree.csv")
    if len(found.trajectory):
        save_figure(peeling_trajectory(found.trajectory, found.chosen), out / "prim_trajectory.png")
        files.append("prim_trajectory.png")
    ranges = found.box.loc[found.box["kind"] == "range", "input"].tolist()
    pairs = prim_pairs(found.prim_box, found.chosen, ranges) if found.chosen is not None else None
    if pairs is not None:
        save_figure(pairs, out / "prim_pairs.png")
        files.append("prim_pairs.png")
    who = f"Policy {args.policy}" if args.policy else "The fund (any policy)"
    print(f"{who}: {found.sentence}")
    if found.warning:
        print(f"Warning: {found.warning}")
    return files


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.robustness import directed_outcomes, robustness_table
    from fundsim.cli.common_options import new_output_dir
    from fundsim.results.atomic import write_csv
    from fundsim.viz.explore_figures import robustness_ranking
    from fundsim.viz.style import save_figure

    scenario, spec = _checked(args)
    # an existing --out is run_explore's to judge (resume, replace, or refuse with a hint)
    out = Path(args.out) if args.out else new_output_dir(None, scenario.name, "explore")
    res = _experiment(args, scenario, spec, out)
    robust = robustness_table(res.experiments, spec)
    write_csv(robust, out / "robustness.csv", index=False)
    directed = directed_outcomes(spec)
    save_figure(
        robustness_ranking(robust, directed[0] if directed else None), out / "robustness.png"
    )
    kept = f", {res.kept} kept from before" if res.kept else ""
    print(
        f"{scenario.name}: {len(res.futures)} futures x {len(spec.policies)} policies x "
        f"{res.reps} replications, seed {res.seed} in every future{kept}"
    )
    print(f"fails when: {' or '.join(str(c) for c in spec.fails_when)}")
    print()
    print(_robustness(robust, directed))
    print()
    files = ["experiments.csv", "robustness.csv", "robustness.png"]
    files += _discovery(args, res, spec, out)
    print()
    print(f"Results: {out}/  ({', '.join(files)})")
    return 0
