"""``fundsim validate FILE...``: check scenario files without running them."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files; exit 0 if all are valid, 2 if not")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario TOML files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.errors import BadInput
    from fundsim.runner.checks import check_file

    bad = 0
    for file in args.files:
        try:
            checked = check_file(file)  # the one check run, batch and explore make too
        except BadInput as exc:
            print(f"fundsim: {' '.join(str(exc).split())}", file=sys.stderr)
            bad += 1
        else:
            variants, spec = checked.variants, checked.explore
            _, scenario, params = variants[0]
            sweep = f", sweep of {len(variants)} variants" if params else ""
            if spec is not None:
                sweep += (
                    f", [explore]: {len(spec.uncertainties)} uncertainties, "
                    f"{len(spec.policies)} policies"
                )
            name = scenario.name.split("__")[0] if params else scenario.name
            print(
                f"{file}: ok ({name}: {len(scenario.entities)} entities, "
                f"{len(scenario.countries)} countries, {scenario.simulation.years} years{sweep})"
            )
    return 2 if bad else 0
