"""``fundsim validate FILE...``: check scenario files without running them."""

from __future__ import annotations

import argparse
import sys

from fundsim.scenario import ScenarioError, load_scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files; exit 0 if all are valid, 2 if not")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario TOML files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    bad = 0
    for file in args.files:
        try:
            scenario = load_scenario(file)
        except ScenarioError as exc:
            print(f"fundsim: {exc}", file=sys.stderr)
            bad += 1
        else:
            print(f"{file}: ok ({scenario.name}: {len(scenario.entities)} entities, "
                  f"{len(scenario.countries)} countries, {scenario.simulation.years} years)")
    return 2 if bad else 0
