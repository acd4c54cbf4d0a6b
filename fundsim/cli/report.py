"""``fundsim report RUN``: a self-contained HTML page and an XLSX workbook for a run directory."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


#: Columns a stress table must have to be drawn (what ``fundsim stress`` writes).
STRESS_COLUMNS = ("shock", "metric")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report", help="write report.html (figures embedded) and report.xlsx for a run directory"
    )
    p.add_argument(
        "run_dir", metavar="RUN", help="run directory (from fundsim run or fundsim stress)"
    )
    p.add_argument(
        "--out", help="folder for report.html and report.xlsx (default: the run directory)"
    )
    p.add_argument(
        "--force", action="store_true", help="replace an existing report.html / report.xlsx"
    )
    p.add_argument(
        "--stress", help="a stress.csv to include (default: RUN/stress.csv when present)"
    )
    p.add_argument(
        "--scenario",
        help="the run's scenario file, to draw the reserve target on the fan chart "
        "(default: the file named in the manifest, when its hash matches)",
    )
    p.set_defaults(func=run)


def _scenario_of_run(path: str, manifest: dict[str, Any]) -> Any:
    """The scenario in ``path`` whose hash is the manifest's (the file itself, or one of
    its sweep variants), or ``None``."""
    from fundsim.scenario import scenario_hash
    from fundsim.scenario.loader import load_sweep

    wanted = manifest.get("scenario_hash")
    return next((s for _, s, _ in load_sweep(path) if scenario_hash(s) == wanted), None)


def run_scenario_file(manifest: dict[str, Any], scenario_file: str | None) -> tuple[Any, str]:
    """The run's scenario, loaded from ``scenario_file`` or else the file the manifest
    names; or ``None`` and why not.

    A ``scenario_file`` given by the user that is not the run's scenario is bad input;
    a file named by the manifest that is missing, broken or changed is only a reason."""
    from fundsim.errors import BadInput
    from fundsim.scenario import ScenarioError

    if scenario_file:
        scenario = _scenario_of_run(scenario_file, manifest)
        if scenario is None:
            raise BadInput(
                f"{scenario_file}: is not the scenario of this run (its hash differs from the "
                "manifest's)"
            )
        return scenario, ""
    path = manifest.get("scenario_file")
    if not path:
        return (
            None,
            "the manifest names no scenario file (a run started from Python); pass --scenario FILE",
        )
    if not Path(path).is_file():
        return None, f"{path} (named in the manifest) is not found from here; pass --scenario FILE"
    try:
        scenario = _scenario_of_run(path, manifest)
    except ScenarioError as exc:
        return None, f"the scenario file named in the manifest does not load: {exc}"
    if scenario is None:
        return None, f"{path} has changed since the run (its hash differs from the manifest's)"
    return scenario, ""


def reserve_target(
    manifest: dict[str, Any], scenario_file: str | None
) -> tuple[pd.DataFrame | None, str]:
    """Reserve target per year (USD) as the model's budget sets it, from the run's scenario
    (``scenario_file``, else the file the manifest names); or ``None`` and why not."""
    scenario, why = run_scenario_file(manifest, scenario_file)
    return reserve_target_of(scenario, why)


def reserve_target_of(scenario: Any, why: str = "") -> tuple[pd.DataFrame | None, str]:
    """Reserve target per year (USD) of a loaded ``scenario``; or ``None`` and why not."""
    from fundsim.analysis.reserve import reserve_target_by_year

    if scenario is None:
        return None, why
    target = reserve_target_by_year(scenario)
    if target is None:
        return None, "the scenario keeps no reserve (mechanism.reserve_target_months = 0)"
    return target, ""


def run(args: argparse.Namespace) -> int:

    from fundsim.errors import BadInput
    from fundsim.results import read_run
    from fundsim.results.run_files import read_csv_checked
    from fundsim.viz.report import HTML_NAME, XLSX_NAME, write_report

    data = read_run(args.run_dir)
    where = Path(args.out) if args.out else Path(args.run_dir)
    if os.path.lexists(where) and (where.is_symlink() or not where.is_dir()):
        raise BadInput(
            f"{where}: exists and is not a folder (--out is the folder for report.html and "
            "report.xlsx)"
        )
    existing = [n for n in (HTML_NAME, XLSX_NAME) if os.path.lexists(where / n)]
    if existing and not args.force:
        raise BadInput(
            f"{where / existing[0]}: already exists (--force to replace it, or choose another "
            "--out)"
        )
    stress = None
    if args.stress:
        if not os.path.lexists(args.stress):
            raise BadInput(f"{args.stress}: no such stress table")
        stress = read_csv_checked(Path(args.stress), columns=STRESS_COLUMNS)
    scenario, missing = run_scenario_file(data.manifest, args.scenario)
    target, why = reserve_target_of(scenario, missing)
    if target is None:
        print(f"fundsim report: no reserve line on the fan chart: {why}", file=sys.stderr)
    html_path, xlsx_path, skipped = write_report(
        data,
        args.out,
        stress=stress,
        reserve_target=target,
        reserve_note=why or None,
        scenario=scenario,
        scenario_note=f"The scenario's description and assumptions are not shown: {missing}"
        if missing
        else "",
    )
    print(f"Report: {html_path}")
    print(f"Workbook: {xlsx_path}")
    if skipped:
        print(f"Not drawn: {', '.join(skipped)}")
    return 0
