"""Plain-text tables for the terminal (no colour, fixed-width, readable in a log), and
the check of a metric named on the command line. Numbers are written by the
metric registry (:mod:`fundsim.results.registry`), the one formatter of every output."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fundsim.results.registry import (
    describe,
    format_difference,
    format_interval,
    format_unit,
    format_value,
    lookup,
    not_applicable,
)

__all__ = [
    "check_metric",
    "fmt_diff",
    "fmt_unit",
    "fmt_value",
    "summary_table",
    "table",
]

#: The registry's formatters under the names the commands use.
fmt_value = format_value
fmt_diff = format_difference
fmt_unit = format_unit


def table(rows: Sequence[Sequence[str]], header: Sequence[str], align: str | None = None) -> str:
    """A text table; ``align`` is one letter per column, ``l`` or ``r`` (default: first left)."""
    align = align or "l" + "r" * (len(header) - 1)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if a == "l" else str(c).rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def summary_table(
    summary: pd.DataFrame, metrics: Sequence[str] | None = None, scenario: object | None = None
) -> str:
    """Metric x (mean, 95 % interval of the mean, p05, p50, p95, what it is) as text, for
    the metrics of ``metrics`` (default: all) that ``summary`` has. A metric zero by
    construction under ``scenario`` reads "not applicable (why)" instead of numbers."""
    names = [m for m in (metrics or summary.index) if m in summary.index]
    rows = []
    for m in names:
        na = not_applicable(m, scenario)
        if na is not None:
            rows.append([m, na, "", "", "", "", describe(m).heading])
            continue
        s = summary.loc[m].to_dict()
        rows.append(
            [
                m,
                format_value(m, float(s["mean"])),
                format_interval(m, float(s["ci95_low"]), float(s["ci95_high"])),
                *(format_value(m, float(s[c])) for c in ("p05", "p50", "p95")),
                describe(m).heading,
            ]
        )
    header = ["metric", "mean", "95% interval of mean", "p05", "p50", "p95", "what it is"]
    return table(rows, header, align="lrlrrrl")


def check_metric(name: str, scenario: object | None = None) -> str:
    """``name`` if the registry knows it (and ``scenario``, when given, has the part that
    emits it); else ``fundsim.cli.BadInput`` (exit 2) with a did-you-mean, before anything
    runs."""
    from fundsim.cli import BadInput
    from fundsim.results.registry import UnknownMetric

    try:
        metric = lookup(name)
    except UnknownMetric as exc:
        raise BadInput(str(exc)) from None
    if (
        scenario is not None
        and metric.requires == "victims"
        and getattr(scenario, "victims", None) is None
    ):
        raise BadInput(
            f"metric {name!r} needs a victim-assistance window, and this scenario has none"
        )
    return metric.name
