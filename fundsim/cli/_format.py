"""Plain-text tables for the terminal (no colour, fixed-width, readable in a log), and
the default output folder of the commands that write one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from fundsim.scenario.names import folder_name


def fmt_value(metric: str, value: float) -> str:
    """Format one number for a person: dollars with thousands separators, ratios as %."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if metric.endswith("_usd"):
        return f"{value:,.0f}"
    if metric in ("share", "coverage") or metric.startswith("p_") or metric.endswith(("_share", "_coverage", "_ratio")):
        return f"{100 * value:.1f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def table(rows: Sequence[Sequence[str]], header: Sequence[str], align: str | None = None) -> str:
    """A text table; ``align`` is one letter per column, ``l`` or ``r`` (default: first left)."""
    align = align or "l" + "r" * (len(header) - 1)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if a == "l" else str(c).rjust(w) for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def summary_table(summary: pd.DataFrame, metrics: Sequence[str] | None = None) -> str:
    """Metric x (mean, p05, p50, p95) as text."""
    names = [m for m in (metrics or summary.index) if m in summary.index]
    rows = [
        [m, *(fmt_value(m, float(summary[c].astype(float)[m])) for c in ("mean", "p05", "p50", "p95"))]
        for m in names
    ]
    return table(rows, ["metric", "mean", "p05", "p50", "p95"])


def new_output_dir(out: str | None, scenario_name: str, kind: str = "") -> Path:
    """``--out`` if given, else ``results/<scenario>[-<kind>]-<time>``; refuses an existing
    folder (raises ``fundsim.cli.BadInput``: exit 2, nothing overwritten)."""
    from fundsim.cli import BadInput

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = f"-{kind}" if kind else ""
    path = Path(out) if out else Path("results") / f"{folder_name(scenario_name)}{suffix}-{stamp}"
    if path.exists():
        raise BadInput(f"{path}: already exists (choose another --out)")
    return path
