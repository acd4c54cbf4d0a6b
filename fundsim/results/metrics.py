"""Summary metrics computed from the per-replication table.

Every metric gets its mean, the 5th, 50th and 95th percentiles across
replications, a 95 % interval for the mean (normal approximation; Wilson
interval for probabilities estimated from a 0/1 column), the number of
replications ``n`` and its ``unit`` from :mod:`fundsim.results.registry`. The
percentiles of a count (lapses, victims) are values some replication had (whole
numbers, written as integers in ``summary.json``), not interpolations between two.
``p_gap`` is the share of replications with a funding interruption (the mean of the
0/1 column ``gap``), ``p_tier1_interrupted`` the mean of the 0/1 column
``tier1_interrupted``. ``liquidity_at_risk_usd`` summarises the per-replication column
``peak_liquidity_need_usd``: the liquidity at risk is its ``p95`` (the mean and the other
percentiles are given beside it, as for every metric).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from fundsim.results.registry import REGISTRY, RENAMED_COLUMNS, describe

#: Columns of replications.csv that are bookkeeping, not metrics.
NON_METRICS = ("replication",)
#: 0/1 columns summarised as probabilities, under the name given here (``gap`` -> ``p_gap``).
PROBABILITIES = {c: m for c, m in RENAMED_COLUMNS.items() if REGISTRY[m].unit == "probability"}


def wilson_interval(successes: float, n: int) -> tuple[float, float]:
    """95 % Wilson score interval for a binomial proportion (``successes`` of ``n``)."""
    if n == 0:
        return (math.nan, math.nan)
    ci = stats.binomtest(round(successes), n).proportion_ci(0.95, method="wilson")
    return (float(ci.low), float(ci.high))


def summarize_column(
    values: Iterable[float], probability: bool = False, count: bool = False
) -> dict[str, float]:
    """mean, p05, p50, p95, ci95_low, ci95_high of one metric (NaNs ignored); with
    ``count``, the percentiles are observed values (the inverse of the empirical
    distribution), not interpolated."""
    x = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.float64)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return {k: math.nan for k in ("mean", "p05", "p50", "p95", "ci95_low", "ci95_high")} | {
            "n": 0
        }
    mean = float(x.mean())
    p05, p50, p95 = (
        float(v)
        for v in np.percentile(x, [5, 50, 95], method="inverted_cdf" if count else "linear")
    )
    if probability:
        lo, hi = wilson_interval(float(x.sum()), n)
    else:
        se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        lo, hi = mean - 1.959964 * se, mean + 1.959964 * se
        if x.min() >= 0:  # the mean of a non-negative metric is not negative (unmet need, counts)
            lo = max(lo, 0.0)
    return {
        "mean": mean,
        "p05": p05,
        "p50": p50,
        "p95": p95,
        "ci95_low": lo,
        "ci95_high": hi,
        "n": n,
    }


def summarize(replications: pd.DataFrame) -> dict[str, dict[str, float | int | str]]:
    """Summary of every metric column of ``replications`` (``gap`` becomes ``p_gap``), each
    with its registry unit (``"USD"``, ``"share"``, ``"count"``...)."""
    out: dict[str, dict[str, float | int | str]] = {}
    for col in replications.columns:
        if col in NON_METRICS:
            continue
        name = RENAMED_COLUMNS.get(col, col)
        unit = describe(name).unit
        row = summarize_column(
            replications[col].to_numpy(), probability=col in PROBABILITIES, count=unit == "count"
        )
        out[name] = {**row, "unit": unit}
    return out


#: Statistics of a count metric that are counts themselves (observed values).
COUNT_STATISTICS = ("p05", "p50", "p95")


def summary_json(frame: pd.DataFrame) -> dict[str, dict[str, float | int | str | None]]:
    """The summary frame as ``summary.json`` holds it: ``n``, and the percentiles of a
    count metric when whole, as integers; the rest as floats; NaN (a metric no
    replication had, so without statistics) as ``None``, written ``null``: JSON has no
    NaN, and a reader of strict JSON would refuse the file."""
    out: dict[str, dict[str, float | int | str | None]] = {}
    for metric, row in frame.iterrows():
        count = row.get("unit") == "count"
        record: dict[str, float | int | str | None] = {}
        for key, value in row.items():
            v = value.item() if hasattr(value, "item") else value
            whole = (
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and math.isfinite(v)
                and float(v).is_integer()
            )
            if whole and (key == "n" or (count and key in COUNT_STATISTICS)):
                v = int(v)
            record[str(key)] = None if isinstance(v, float) and math.isnan(v) else v
        out[str(metric)] = record
    return out


def summary_frame(summary: dict[str, dict[str, float | int | str]]) -> pd.DataFrame:
    """The summary as a DataFrame: one row per metric, columns mean, p05, p50, p95,
    ci95_low, ci95_high, n and unit."""
    frame = pd.DataFrame.from_dict(summary, orient="index")
    frame.index.name = "metric"
    for column in ("mean", "p05", "p50", "p95", "ci95_low", "ci95_high"):
        if column in frame.columns:  # null in summary.json (a metric without data) is NaN here
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame
