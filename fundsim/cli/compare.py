"""``fundsim compare RUN_A RUN_B [RUN_C ...]``: paired difference B - A of every metric, with
intervals; with three runs or more, each against A side by side (e.g. hosting options)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="difference B - A of every metric between two run directories (paired when they share "
        "seed and reps); "
        "more runs: each against A, side by side",
    )
    p.add_argument("run_a", metavar="RUN_A", help="run directory of the reference (A)")
    p.add_argument("run_b", metavar="RUN_B", help="run directory of the variant (B)")
    p.add_argument(
        "more", metavar="RUN_C", nargs="*", help="further variants, each compared with A"
    )
    p.add_argument("--metric", action="append", help="only this metric (repeatable; default: all)")
    p.add_argument(
        "--all",
        action="store_true",
        help="after the headline sentences, the table of every metric (with --metric: those)",
    )
    p.add_argument("--out", help="also write the table as CSV to this file")
    p.add_argument("--force", action="store_true", help="replace the --out file if it exists")
    p.set_defaults(func=run)


def csv_out(path: str, force: bool) -> Path:
    """The ``--out`` CSV file, its folder made: an existing file only with ``force``, and
    never a folder, a link or a device (one line, exit 2)."""
    from fundsim.errors import BadInput

    out = Path(path)
    if os.path.lexists(out):
        if out.is_symlink() or not out.is_file():
            raise BadInput(f"{out}: exists and is not a plain file; not replacing it")
        if not force:
            raise BadInput(
                f"{out}: already exists (choose another --out, or --force to replace it)"
            )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{out.parent}: cannot create the folder: {exc.strerror or exc}") from None
    return out


def run(args: argparse.Namespace) -> int:
    from fundsim.analysis.compare import compare_runs, headline_sentence
    from fundsim.cli.tables import fmt_diff, fmt_value, table
    from fundsim.results import read_run
    from fundsim.results.registry import HEADLINE_METRICS, format_interval

    if args.more:
        return _side_by_side(args)
    a, b = read_run(args.run_a), read_run(args.run_b)
    cmp = compare_runs(a, b, args.metric)
    ma, mb = a.manifest, b.manifest
    print(
        f"A: {args.run_a}  ({ma.get('scenario')}, seed {ma.get('seed')}, {ma.get('replications')} "
        "replications)"
    )
    print(
        f"B: {args.run_b}  ({mb.get('scenario')}, seed {mb.get('seed')}, {mb.get('replications')} "
        "replications)"
    )
    how = "PAIRED" if cmp.paired else "NOT PAIRED (Welch interval)"
    print(f"{how}: {cmp.reason}")
    print()
    label_a, label_b = f"A ({ma.get('scenario')})", f"B ({mb.get('scenario')})"
    have = list(cmp.table["metric"])
    headline = [m for m in (args.metric or HEADLINE_METRICS) if m in have]
    for m in headline:
        print("- " + headline_sentence(cmp.row(m), label_a=label_a, label_b=label_b) + ".")
    print("\nIntervals are 95 % intervals of the mean change B - A; points: percentage points.")
    rest = [m for m in have if m not in headline]
    if args.all or args.metric:
        rows = []
        for _, r in cmp.table.iterrows():
            m = r["metric"]
            rows.append(
                [
                    m,
                    fmt_value(m, r["mean_a"]),
                    fmt_value(m, r["mean_b"]),
                    fmt_diff(m, r["diff"]),
                    format_interval(m, r["ci95_low"], r["ci95_high"], difference=True),
                ]
            )
        interval = "95% interval (paired)" if cmp.paired else "95% interval"
        print()
        print(table(rows, ["metric", "A mean", "B mean", "B - A", interval], align="lrrrl"))
        print("\nDifferences of percentages are in percentage points (pp); money in USD.")
    elif rest:
        print(
            f"{len(rest)} other metrics: --all lists every metric, --metric NAME one of them"
            f"{', --out FILE writes them as CSV' if not args.out else ''}."
        )
    if args.out:
        from fundsim.results.atomic import write_csv

        out = csv_out(args.out, args.force)
        write_csv(cmp.table, out)
        print(f"\nTable: {out}")
    return 0


def _side_by_side(args: argparse.Namespace) -> int:
    """Three runs or more: each variant's mean and its difference from A (paired interval
    when it shares A's seed and replications), one column group per variant."""
    import pandas as pd

    from fundsim.analysis.compare import compare_runs
    from fundsim.cli.tables import fmt_diff, fmt_value, table
    from fundsim.results import read_run
    from fundsim.results.registry import format_interval

    paths = [args.run_a, args.run_b, *args.more]
    runs = [read_run(p) for p in paths]
    a = runs[0]
    comparisons = [compare_runs(a, b, args.metric) for b in runs[1:]]
    for label, path, run in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", paths, runs, strict=False):
        m = run.manifest
        print(
            f"{label}: {path}  ({m.get('scenario')}, seed {m.get('seed')}, {m.get('replications')} "
            "replications)"
        )
    for label, cmp in zip("BCDEFGHIJKLMNOPQRSTUVWXYZ", comparisons, strict=False):
        print(
            f"{label} - A: {'PAIRED' if cmp.paired else 'NOT PAIRED (Welch interval)'}: "
            f"{cmp.reason}"
        )
    print()
    metrics = [
        m
        for m in comparisons[0].table["metric"]
        if all(m in set(c.table["metric"]) for c in comparisons)
    ]
    heads = ["metric", "A mean"]
    for label in "BCDEFGHIJKLMNOPQRSTUVWXYZ"[: len(comparisons)]:
        heads += [f"{label} mean", f"{label} - A", "95% interval"]
    rows = []
    for metric in metrics:
        first = comparisons[0].row(metric)
        row = [metric, fmt_value(metric, first["mean_a"])]
        for cmp in comparisons:
            r = cmp.row(metric)
            row += [
                fmt_value(metric, r["mean_b"]),
                fmt_diff(metric, r["diff"]),
                format_interval(metric, r["ci95_low"], r["ci95_high"], difference=True),
            ]
        rows.append(row)
    print(table(rows, heads, align="l" + "r" * (len(heads) - 1)))
    print(
        "\nEach variant against A; differences of percentages in percentage points (pp); money in "
        "USD."
    )
    if args.out:
        from fundsim.results.atomic import write_csv

        out = csv_out(args.out, args.force)
        frames = [
            c.table.assign(run_a=paths[0], run_b=path)
            for c, path in zip(comparisons, paths[1:], strict=True)
        ]
        write_csv(pd.concat(frames, ignore_index=True), out)
        print(f"\nTable: {out}")
    return 0
