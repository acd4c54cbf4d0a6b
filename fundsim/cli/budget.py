"""``fundsim budget FILE [--out DIR] [--compare-formula KIND]``: the budget annex.

The deterministic plan for the scenario's first budget period (no random draw): staffing
by grade, post and non-post costs, secretariat lines, fees, the reserve build-up, gross
and net budget by year, and each entity's invoice by year and instalment under the
scenario's formula, with a second formula (a kind or a precedent key: ``undss_2005``,
``jiu``, ``icsc``) beside it. Writes ``budget_annex.xlsx`` and ``budget_annex.html`` to
``DIR`` and prints the gross budget by year. See docs/budget.md.
"""

from __future__ import annotations

import argparse

STEM = "budget_annex"


def register(sub: argparse._SubParsersAction) -> None:
    from fundsim.scenario.vocabulary import FORMULA_KINDS, FORMULA_PRESETS

    p = sub.add_parser(
        "budget",
        help="the budget annex of a scenario's first budget period (XLSX and HTML)",
        description=(
            "Write the deterministic budget annex a finance network approves: staffing by grade, "
            "costs, fees, reserve build-up, gross and net budget by year, and each entity's "
            "invoice by "
            "year and instalment."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario TOML file")
    p.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="output directory (default: results/<scenario name>-budget-<time>)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output folder (only one fundsim wrote, or an empty one)",
    )
    p.add_argument(
        "--compare-formula",
        metavar="KIND",
        default=None,
        help=(
            "a second formula beside the scenario's: "
            f"{', '.join((*FORMULA_KINDS, *FORMULA_PRESETS))}"
        ),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.budget_annex import budget_annex
    from fundsim.cli.common_options import new_output_dir
    from fundsim.results.output_folder import OutputStage
    from fundsim.scenario import load_scenario
    from fundsim.viz.budget_annex import write_annex_html, write_annex_workbook

    scenario = load_scenario(args.file)
    annex = budget_annex(scenario, compare=args.compare_formula)
    out = new_output_dir(args.out, scenario.name, "budget", force=args.force)
    stage = OutputStage(out, force=args.force)
    span = f"{annex.years[0]}-{annex.years[-1]}" if len(annex.years) > 1 else str(annex.years[0])
    title = f"Budget annex: {scenario.name}, {span}"
    facts = [
        ("scenario", scenario.name),
        ("budget period", f"{span} ({len(annex.years)} year(s)), approved at once"),
        ("formula", annex.formula),
        *([("compared with", annex.compare)] if annex.compare else []),
        ("description", scenario.description),
        (
            "basis",
            "deterministic plan: every post filled all year, expected inflation, every entity "
            "paying in full and on time; amounts in USD",
        ),
    ]
    write_annex_workbook(stage.work / f"{STEM}.xlsx", title, facts, annex.tables, annex.notes)
    write_annex_html(stage.work / f"{STEM}.html", title, facts, annex.tables, annex.notes)
    stage.publish()
    print(title)
    for year, gross, fee in zip(annex.years, annex.gross_cents, annex.fee_cents, strict=True):
        print(
            f"  {year}: gross USD {gross / 100:,.2f} (net USD {(gross - fee) / 100:,.2f}, fees USD "
            f"{fee / 100:,.2f})"
        )
    for note in annex.notes:
        print(f"note: {note}")
    print(f"wrote {out / (STEM + '.xlsx')} and {out / (STEM + '.html')}")
    return 0
