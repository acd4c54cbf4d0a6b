"""Summary metrics computed from the per-replication table.

Every metric gets its mean, the 5th, 50th and 95th percentiles across
replications, and a 95 % interval for the mean (normal approximation; Wilson
interval for probabilities). ``p_gap`` is the share of replications with a
funding gap (the mean of the 0/1 column ``gap``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Columns of replications.csv that are bookkeeping, not metrics.
NON_METRICS = ("replication",)
#: 0/1 columns summarised as probabilities, under the name given here.
PROBABILITIES = {"gap": "p_gap"}


def wilson_interval(successes: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarize_column(values: Iterable[float], probability: bool = False) -> dict[str, float]:
    """mean, p05, p50, p95, ci95_low, ci95_high of one metric (NaNs ignored)."""
    x = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.float64)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return {k: math.nan for k in ("mean", "p05", "p50", "p95", "ci95_low", "ci95_high")} | {"n": 0}
    mean = float(x.mean())
    p05, p50, p95 = (float(v) for v in np.percentile(x, [5, 50, 95]))
    if probability:
        lo, hi = wilson_interval(float(x.sum()), n)
    else:
        se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        lo, hi = mean - 1.959964 * se, mean + 1.959964 * se
    return {"mean": mean, "p05": p05, "p50": p50, "p95": p95, "ci95_low": lo, "ci95_high": hi, "n": n}


def summarize(replications: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Summary of every metric column of ``replications`` (``gap`` becomes ``p_gap``)."""
    out: dict[str, dict[str, float]] = {}
    for col in replications.columns:
        if col in NON_METRICS:
            continue
        if col in PROBABILITIES:
            out[PROBABILITIES[col]] = summarize_column(replications[col].to_numpy(), probability=True)
        else:
            out[col] = summarize_column(replications[col].to_numpy())
    return out


def summary_frame(summary: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The summary as a DataFrame: one row per metric, columns mean, p05, p50, p95, ci95_low, ci95_high."""
    frame = pd.DataFrame.from_dict(summary, orient="index")
    frame.index.name = "metric"
    return frame
