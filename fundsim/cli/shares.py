"""``fundsim shares FILE [--formula NAME...] [--out DIR]``: who pays what under each formula.

Prints the shares side by side (entities x formulas, % of the annual network
cost) and a fairness summary, and writes to ``DIR``: ``formula_shares.csv`` (long:
``formula, entity, share, amount_usd, burden_ratio``), ``formula_shares.xlsx`` (one
sheet per view) and ``formula_shares.png`` (share bars).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fundsim.errors import BadInput
from fundsim.scenario.errors import did_you_mean
from fundsim.scenario.vocabulary import CAPACITY_KEY, FORMULA_KINDS, FORMULA_PRESETS

if TYPE_CHECKING:
    from fundsim.analysis.share_tables import ShareTables

#: Column labels short enough for a terminal, where the kind's name is not.
_LABELS = {"proportional": "prop", "base_plus_variable": "base+var", "risk_adjusted": "risk"}

STEM = "formula_shares"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "shares",
        help="per-entity shares of the coordinator network cost under each formula",
        description="Apply each cost-sharing formula to a scenario; print the shares side by "
        "side and write a long CSV, an XLSX workbook and a share-bar figure.",
    )
    p.add_argument("file", metavar="FILE", help="scenario TOML file")
    p.add_argument(
        "--formula",
        dest="formulas",
        action="extend",
        nargs="+",
        metavar="NAME",
        default=None,
        help=(
            f"formulas to show (default: all): {', '.join(FORMULA_KINDS)}; precedent keys: "
            f"{', '.join(FORMULA_PRESETS)}"
        ),
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="output directory (default: results/<scenario name>-shares-<time>)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output folder (only one fundsim wrote, or an empty one)",
    )
    p.add_argument(
        "--capacity-key",
        default=CAPACITY_KEY,
        metavar="COLUMN",
        help=(
            f"entity column measuring capacity to pay, for burden ratios (default: {CAPACITY_KEY})"
        ),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.share_tables import share_tables
    from fundsim.scenario import load_scenario
    from fundsim.viz.share_report import share_bar_figure, write_share_workbook

    for name in args.formulas or ():
        if name not in (*FORMULA_KINDS, *FORMULA_PRESETS):
            raise BadInput(
                "--formula: unknown formula "
                f"'{name}'{did_you_mean(name, (*FORMULA_KINDS, *FORMULA_PRESETS))}"
            )
    scenario = load_scenario(args.file)
    tables = share_tables(scenario, args.formulas, args.capacity_key, precedents=True)
    if tables.long.empty:
        raise BadInput(f"{args.file}: no formula could be applied ({'; '.join(tables.notes)})")
    from fundsim.cli.common_options import new_output_dir
    from fundsim.results.atomic import write_csv
    from fundsim.results.output_folder import OutputStage

    out = new_output_dir(args.out, scenario.name, "shares", force=args.force)
    stage = OutputStage(out, force=args.force)  # claimed now; written aside, swapped in at the end
    print(format_tables(tables, len(scenario.countries)))
    write_csv(tables.long, stage.work / f"{STEM}.csv")
    png = share_bar_figure(tables.shares, stage.work / f"{STEM}.png", title=scenario.name)
    notes = (
        f"Scenario {scenario.name}: annual network cost USD {tables.total_usd:,.0f} "
        f"({len(scenario.countries)} countries x (post + operating cost)).",
        f"Burden ratio = share of cost / share of '{tables.capacity_key}'.",
        *(f"{name}: {_describe(tables, name)}" for name in tables.formulas),
        *tables.notes,
    )
    write_share_workbook(
        stage.work / f"{STEM}.xlsx",
        shares=tables.shares,
        amounts_usd=tables.amounts_usd,
        burden_ratios=tables.burden_ratios,
        fairness=tables.fairness,
        long=tables.long,
        notes=notes,
        figure_png=png,
        scenario=scenario.name,
    )
    stage.publish()
    csv_path, xlsx, png = out / f"{STEM}.csv", out / f"{STEM}.xlsx", out / f"{STEM}.png"
    print(f"\nwrote {csv_path}, {xlsx} and {png}")
    return 0


def _describe(tables: ShareTables, name: str) -> str:
    return str(tables.fairness.loc[name, "parameters"])


def format_tables(tables: ShareTables, countries: int) -> str:
    """The terminal view: shares side by side, then fairness, then notes."""
    names = list(tables.shares.columns)
    labels = [_LABELS.get(n, n) for n in names]
    width = max(11, *(len(label) + 2 for label in labels))
    first = max(8, *(len(str(e)) for e in tables.shares.index)) + 1
    lines = [
        f"{tables.scenario}: annual network cost USD {tables.total_usd:,.0f} "
        f"({countries} countries); shares in % of that cost",
        "",
        "entity".ljust(first) + "".join(label.rjust(width) for label in labels),
    ]
    for entity, row in tables.shares.iterrows():
        lines.append(str(entity).ljust(first) + "".join(f"{100 * v:{width}.2f}" for v in row))
    lines.append(
        "total".ljust(first) + "".join(f"{100 * v:{width}.2f}" for v in tables.shares.sum())
    )
    lines += ["", "fairness".ljust(first) + "".join(label.rjust(width) for label in labels)]
    rows = [
        ("suits_index", "Suits index", "{:.3f}"),
        ("hhi", "HHI", "{:.3f}"),
        ("top3_share", "top-3 %", "{:.1%}"),
        ("burden_ratio_max", "max burden", "{:.2f}"),
        ("exit_max_change", "exit max pp", "pp"),
        ("exit_max_relative", "exit max %", "{:.1%}"),
        ("usd_min", "min USD", "{:,.0f}"),
        ("usd_max", "max USD", "{:,.0f}"),
    ]
    first_fair = max(first, *(len(r[1]) + 1 for r in rows))
    lines[-1] = "fairness".ljust(first_fair) + "".join(label.rjust(width) for label in labels)
    for column, title, fmt in rows:
        cells = []
        for name in names:
            value = float(tables.fairness[column].astype(float)[name])
            if value != value:  # nan
                text = "-"
            elif fmt == "pp":
                text = f"{100 * value:.2f}"
            else:
                text = fmt.format(value).replace("%", "")
            cells.append(text.rjust(width))
        lines.append(title.ljust(first_fair) + "".join(cells))
    if tables.notes:
        lines += ["", *(f"note: {n}" for n in tables.notes)]
    return "\n".join(lines)
