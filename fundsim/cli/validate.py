"""``fundsim validate FILE...``: check scenario files without running them."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files; exit 0 if all are valid, 2 if not")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario TOML files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.scenario import ScenarioError
    from fundsim.scenario.explore import has_explore, load_explore
    from fundsim.scenario.loader import load_sweep

    bad = 0
    for file in args.files:
        try:
            variants = load_sweep(file)  # a sweep file: every variant is checked
            spec = load_explore(file)[1] if has_explore(file) else None  # and an [explore] table
        except ScenarioError as exc:
            print(f"fundsim: {exc}", file=sys.stderr)
            bad += 1
        else:
            _, scenario, params = variants[0]
            sweep = f", sweep of {len(variants)} variants" if params else ""
            if spec is not None:
                sweep += (f", [explore]: {len(spec.uncertainties)} uncertainties, "
                          f"{len(spec.policies)} policies")
            name = scenario.name.split("__")[0] if params else scenario.name
            print(f"{file}: ok ({name}: {len(scenario.entities)} entities, "
                  f"{len(scenario.countries)} countries, {scenario.simulation.years} years{sweep})")
    return 2 if bad else 0
