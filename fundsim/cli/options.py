"""``fundsim options FILE``: the options of a decision side by side, each entity's bill, a brief.

Reads the scenario's ``[options]`` table (docs/options.md; without one, the default set:
today, the hybrid and the pooled fund under each host and the main formulas) and runs every
option with the same seed and replications (common random numbers). Writes to ``--out DIR``:
``runs/<option>/`` (one run directory per option, kept as each finishes, so that running the
same command again after a kill resumes), ``options.csv``, ``entity_costs.csv``,
``options.png`` (the trade-off), ``options.xlsx``, ``brief.html`` and ``brief.docx``; for a
ladder (``pairing = "previous"``) also ``decomposition.csv`` and ``waterfall.png``; with
``--stress``, ``stress_ranking.csv`` (the two leading options' order under each shock of the
stress battery, which the brief reports).
"""

from __future__ import annotations

import argparse
import io
import shlex
from pathlib import Path
from typing import Any

from fundsim.cli.common_options import add_force, add_run_options, command_argv

#: Metrics of the printed table.
PRINTED = ("coordinator_coverage", "p_tier1_interrupted", "cost_usd_year", "victims_assisted_share")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "options", help="options side by side: each entity's bill, the trade-off, a one-page brief"
    )
    p.add_argument(
        "file", metavar="FILE", help="scenario TOML file (its [options] table, or the default set)"
    )
    p.add_argument(
        "--out",
        help="output folder (default: results/<scenario>-options-<time>); the same "
        "folder again resumes an interrupted set",
    )
    p.add_argument(
        "--stress",
        action="store_true",
        help="also run the stress battery on the two leading options "
        "and say in the brief under which shocks their order changes (stress_ranking.csv)",
    )
    add_force(p)
    add_run_options(p)
    p.set_defaults(func=run)


def _png(fig: Any) -> bytes:
    from fundsim.viz.style import styled

    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.options import assumptions, bills, ranking, run_options
    from fundsim.cli.progress import progress_bar
    from fundsim.results.atomic import write_csv
    from fundsim.scenario import load_scenario
    from fundsim.scenario.names import folder_name
    from fundsim.scenario.options import load_options_table, parse_options
    from fundsim.viz.brief import brief_content, write_docx, write_html

    scenario = load_scenario(args.file)
    spec = parse_options(load_options_table(args.file), args.file)
    stamp = __import__("datetime").datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (
        Path(args.out)
        if args.out
        else Path("results") / f"{folder_name(scenario.name)}-options-{stamp}"
    )
    argv = command_argv(args)
    res = run_options(
        spec,
        scenario,
        args.file,
        reps=args.reps,
        seed=args.seed,
        out=out,
        workers=args.workers or 1,
        scheduler=args.scheduler,
        force=args.force,
        bar=progress_bar(args, "options"),
        command=shlex.join(argv) if argv else None,
    )
    write_csv(res.table, out / "options.csv", index=False)
    write_csv(res.entity_costs, out / "entity_costs.csv", index=False)
    ladder = spec.pairing == "previous"
    figures = _write_figures(res, out, ladder)
    stress = _write_stress(args, res, out) if args.stress else None
    reference = res.runs[spec.reference].scenario or load_scenario(res.options[0].file)
    marked = assumptions(reference)
    rank = ranking(res)
    leading = list(dict.fromkeys(rank["option"]))
    commands = _commands(args, argv, res, out)
    brief = brief_content(
        res.table,
        bills(res.entity_costs, leading),
        rank,
        name=scenario.name,
        question=(
            scenario.description
            or "Which option funds the coordinators and the victims' window best "
            "for what it costs the entities?"
        ),
        reps=res.reps,
        seed=res.seed,
        reference=spec.reference,
        pairing=spec.pairing,
        commands=commands,
        assumptions=marked,
        decomposition=res.decomposition if ladder else None,
        stress=stress,
        figures=figures,
    )
    write_html(brief, out / "brief.html")
    write_docx(brief, out / "brief.docx")
    reference_name = spec.reference if not ladder else None
    _write_workbook(out, args.file, res, reference_name, brief.title, commands, marked)
    _print_summary(scenario.name, res, reference_name, brief.answer)
    _print_files(out, ladder, stress is not None)
    return 0


def _write_workbook(
    out: Path,
    file: str,
    res: Any,
    reference: str | None,
    title: str,
    commands: list[str],
    marked: Any,
) -> None:
    """options.xlsx: the options table, each entity's bill and the facts of the run
    (``reference``: the option each is paired against, ``None`` for a ladder)."""
    from fundsim.analysis.options import METRICS
    from fundsim.viz.brief_workbook import write_options_workbook

    ladder = reference is None
    facts = [
        ("scenario file", str(file)),
        ("options", len(res.options)),
        ("replications", res.reps),
        ("seed", res.seed),
        ("paired against", "the option before" if ladder else reference),
        ("command", commands[0]),
    ]
    write_options_workbook(
        out / "options.xlsx",
        res.table,
        res.entity_costs,
        title=title,
        facts=facts,
        metrics=METRICS,
        decomposition=res.decomposition if ladder else None,
        assumptions=marked,
    )


def _write_figures(res: Any, out: Path, ladder: bool) -> list[tuple[str, bytes]]:
    """Write options.png (the trade-off) and, for a ladder, waterfall.png and
    decomposition.csv; return the brief's figures as (caption, PNG) pairs."""
    from fundsim.results.atomic import write_bytes, write_csv
    from fundsim.viz.brief_figures import tradeoff, waterfall

    trade_png = _png(tradeoff(res.table))
    write_bytes(out / "options.png", trade_png)
    figures = [
        (
            "Cost to the entities a year against coordinator coverage, one point per option "
            f"(bars: 95 % intervals of {res.reps} replications; colour: P(a tier-1 post "
            "interrupted); hollow: dominated).",
            trade_png,
        )
    ]
    if ladder:
        write_csv(res.decomposition, out / "decomposition.csv", index=False)
        fall = _png(waterfall(res.decomposition))
        write_bytes(out / "waterfall.png", fall)
        figures.append(
            (
                f"Coordinator coverage from the first option to the last, one change per step "
                f"(paired differences of {res.reps} replications, bars: 95 % intervals).",
                fall,
            )
        )
    return figures


def _write_stress(args: argparse.Namespace, res: Any, out: Path) -> Any:
    """The stress battery on the two leading options, written to stress_ranking.csv."""
    from fundsim.analysis.options import ranking_under_stress
    from fundsim.cli.progress import progress_bar
    from fundsim.results.atomic import write_csv

    stress = ranking_under_stress(
        res,
        workers=args.workers or 1,
        scheduler=args.scheduler,
        bar=progress_bar(args, "stress of the leading options"),
    )
    write_csv(stress, out / "stress_ranking.csv", index=False)
    return stress


def _commands(args: argparse.Namespace, argv: list[str] | None, res: Any, out: Path) -> list[str]:
    """The commands that reproduce the brief: this one, then the first paired comparisons."""
    runs = out / "runs"
    commands = [shlex.join(argv) if argv else f"fundsim options {args.file}"]
    folders = {o.name: o.folder for o in res.options}
    pairs = [(r["against"], r["option"]) for _, r in res.table.iterrows() if r["against"]]
    commands += [
        f"fundsim compare {shlex.quote(str(runs / folders[a]))} "
        f"{shlex.quote(str(runs / folders[b]))}"
        for a, b in pairs[:3]
    ]
    if len(pairs) > 3:
        commands.append(f"(and likewise for the other {len(pairs) - 3} pairs under {runs}/)")
    return commands


def _print_summary(name: str, res: Any, reference: str | None, answer: str) -> None:
    """The printed table of options and the brief's answer (``reference``: the option
    each is paired against, ``None`` for a ladder, paired against the option before)."""
    from fundsim.cli.tables import table
    from fundsim.viz.brief import fv

    kept = f", {res.kept} kept from before" if res.kept else ""
    against = "the option before" if reference is None else reference
    print(
        f"{name}: {len(res.options)} options x {res.reps} replications, seed {res.seed} "
        f"(common random numbers{kept}); paired against {against}"
    )
    print()
    rows = []
    for _, r in res.table.iterrows():
        diff = r["coordinator_coverage_diff"]
        rows.append(
            [
                str(r["option"]),
                *(fv(m, r[m]) for m in PRINTED),
                ""
                if diff != diff
                else f"{100 * diff:+.1f} pp [{100 * r['coordinator_coverage_diff_low']:+.1f}, "
                f"{100 * r['coordinator_coverage_diff_high']:+.1f}]",
                "dominated" if r["dominated_by"] else "",
            ]
        )
    print(table(rows, ["option", *PRINTED, "coverage change", ""]))
    print()
    print(answer)
    print()


def _print_files(out: Path, ladder: bool, stressed: bool) -> None:
    """The line naming the files written into ``out``."""
    files = [
        "options.csv",
        "entity_costs.csv",
        "options.png",
        "options.xlsx",
        "brief.html",
        "brief.docx",
    ]
    if ladder:
        files += ["decomposition.csv", "waterfall.png"]
    if stressed:
        files.append("stress_ranking.csv")
    print(f"Results: {out}/  ({', '.join(files)}, runs/)")
