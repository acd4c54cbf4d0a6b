"""``fundsim report RUN``: a self-contained HTML page and an XLSX workbook for a run directory."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write report.html (figures embedded) and report.xlsx for a run directory")
    p.add_argument("run_dir", metavar="RUN", help="run directory (from fundsim run or fundsim stress)")
    p.add_argument("--out", help="folder for report.html and report.xlsx (default: the run directory)")
    p.add_argument("--stress", help="a stress.csv to include (default: RUN/stress.csv when present)")
    p.add_argument(
        "--scenario",
        help="the run's scenario file, to draw the reserve target on the fan chart "
        "(default: the file named in the manifest, when its hash matches)",
    )
    p.set_defaults(func=run)


def _reserve_target(manifest: dict, scenario_file: str | None):
    """Reserve target per year (USD): the budget's reserve for a fully staffed year at
    expected prices, as the model sets it; None when the scenario is not at hand."""
    from fundsim.analysis.reserve import reserve_target_by_year
    from fundsim.errors import BadInput
    from fundsim.scenario import load_scenario, scenario_hash

    path = scenario_file or manifest.get("scenario_file")
    if not path or not Path(path).is_file():
        return None
    scenario = load_scenario(path)
    if scenario_hash(scenario) != manifest.get("scenario_hash"):
        if scenario_file:
            raise BadInput(f"{scenario_file}: is not the scenario of this run (its hash differs from the manifest's)")
        return None
    return reserve_target_by_year(scenario)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from fundsim.errors import BadInput
    from fundsim.results import read_run
    from fundsim.viz.report import write_report

    data = read_run(args.run_dir)
    stress = None
    if args.stress:
        if not Path(args.stress).is_file():
            raise BadInput(f"{args.stress}: no such stress table")
        stress = pd.read_csv(args.stress)
    reserve = _reserve_target(data.manifest, args.scenario)
    html_path, xlsx_path, skipped = write_report(data, args.out, stress=stress, reserve_target=reserve)
    print(f"Report: {html_path}")
    print(f"Workbook: {xlsx_path}")
    if skipped:
        print(f"Not drawn (no data): {', '.join(skipped)}")
    return 0
