"""The page's answers in words first: one sentence per headline metric, and who pays more
and who less, from the engine's tables (formatting by the metric registry)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from fundsim.analysis.compare import Comparison
from fundsim.app.engine import Bills, interval
from fundsim.results import Run
from fundsim.results.registry import describe, format_difference, format_interval, format_value


def _holds_zero(low: float, high: float) -> bool:
    return not (math.isfinite(low) and math.isfinite(high)) or low <= 0 <= high


def headline(metric: str, whatif: Run, comparison: Comparison) -> str | None:
    """``coverage 93.9% [93.6%, 94.2%], 2.2 pp lower than the baseline [-2.5, -1.9] pp``;
    None when the run has no such metric."""
    m = describe(metric)
    col = m.source_column
    if col not in whatif.replications.columns:
        return None
    mean, lo, hi = interval(whatif.replications[col].to_numpy(dtype=float))
    if math.isnan(mean):
        return None
    if m.is_percent:  # a share or a probability: its interval stays within 0-100 %
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    text = f"{m.label} {format_value(metric, mean)} {format_interval(metric, lo, hi)}"
    try:
        row = comparison.row(metric)
    except KeyError:
        return text
    diff, dlo, dhi = float(row["diff"]), float(row["ci95_low"]), float(row["ci95_high"])
    if np.isnan(diff) or (diff == 0 and dlo == 0 and dhi == 0):
        return f"{text}, the same as the baseline"
    word = "higher" if diff > 0 else "lower"
    size = format_difference(metric, abs(diff)).lstrip("+")
    if not size.strip(" 0.p"):  # rounds to zero as written
        shown = format_interval(metric, dlo, dhi, difference=True)
        return f"{text}, about the same as the baseline {shown}"
    sure = (
        "" if not _holds_zero(dlo, dhi) else " (the interval holds no change: not distinguishable)"
    )
    return (
        f"{text}, {size} {word} than the baseline "
        f"{format_interval(metric, dlo, dhi, difference=True)}{sure}"
    )


def who_pays(bills: Bills, top: int = 3) -> str:
    """Who pays more and who less over the first budget period (deterministic bills)."""
    t = bills.by_entity()
    more = t[t["change_usd"] > 0.5].sort_values("change_usd", ascending=False).head(top)
    less = t[t["change_usd"] < -0.5].sort_values("change_usd").head(top)
    if more.empty and less.empty:
        return "Every entity's bill is as in the baseline."

    def names(rows: pd.DataFrame) -> str:
        return ", ".join(f"{r.entity} ({r.change_usd:+,.0f} USD)" for r in rows.itertuples())

    parts = []
    if not more.empty:
        parts.append(f"pays more: {names(more)}")
    if not less.empty:
        parts.append(f"pays less: {names(less)}")
    total = round(float(t["change_usd"].sum())) + 0.0  # no "-0"
    return (
        "Over the first budget period, "
        + "; ".join(parts)
        + f"; all entities together {total:+,.0f} USD."
    )
