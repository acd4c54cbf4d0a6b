"""The fund's statements in a run directory: per replication, and as percentiles by year.

The model returns each replication's statements as an integer array, years x lines, in
cents (:mod:`fundsim.model.statements`: the statement of cash flows by year and the
statement of financial position at each year end, per window). Here they become two
tables, written as Parquet:

- ``statements.parquet``: one row per line and year, with the line's labels
  (``statement``, ``window``, ``line``, ``detail``) and its ``mean``, ``p05``, ``p25``,
  ``p50``, ``p75``, ``p95`` across replications, USD. Percentiles are taken line by line,
  so the percentiles of a total are not the sums of its parts' percentiles; the means are.
- ``statements_by_replication.parquet``: one row per replication and year, one column per
  line (``statement/window/line`` or ``statement/window/line/detail``), integer cents: the
  books of every replication, each balancing to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

STATEMENTS = "statements"
BY_REPLICATION = "statements_by_replication"
#: The run directory's tables written as Parquet rather than CSV.
PARQUET_TABLES = (STATEMENTS, BY_REPLICATION)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
LABELS = ("statement", "window", "line", "detail")


def column_name(label: Sequence[str]) -> str:
    """The per-replication column of a line: its labels joined by ``/`` (no empty detail)."""
    return "/".join(part for part in label if part)


def statements_summary(
    labels: Sequence[Sequence[str]], start_year: int, cents: np.ndarray
) -> pd.DataFrame:
    """``statements.parquet``: the mean and percentiles across replications of each line and
    year, USD. ``cents``: replications x years x lines; ``labels``: one (statement, window,
    line, detail) per line."""
    reps, years, n = cents.shape
    usd = cents.astype(np.float64) / 100
    q = np.quantile(usd, QUANTILES, axis=0)  # quantiles x years x lines
    # Exact sums of cents (int64 when they cannot wrap, else Python integers), one division:
    # the means of the parts add up to the mean of their total.
    biggest = int(np.abs(cents).max()) if cents.size else 0
    total = cents.sum(axis=0) if biggest * reps < 2**62 else cents.astype(object).sum(axis=0)
    mean = np.array([t / (reps * 100) for t in total.ravel()], dtype=np.float64).reshape(years, n)
    frame = pd.DataFrame(
        {
            name: np.tile(np.asarray([lab[k] for lab in labels], dtype=object), years)
            for k, name in enumerate(LABELS)
        }
    )
    frame.insert(4, "year", np.repeat(start_year + np.arange(years), n))
    frame["mean"] = mean.ravel()
    for k, p in enumerate(QUANTILES):
        frame[f"p{round(p * 100):02d}"] = q[k].ravel()
    return frame


def statements_by_replication(
    labels: Sequence[Sequence[str]], start_year: int, cents: np.ndarray
) -> pd.DataFrame:
    """``statements_by_replication.parquet``: one row per replication and year, one int64
    column of cents per line (:func:`column_name`)."""
    reps, years, n = cents.shape
    frame = pd.DataFrame(
        cents.reshape(reps * years, n), columns=[column_name(lab) for lab in labels]
    )
    frame.insert(0, "year", np.tile(start_year + np.arange(years), reps))
    frame.insert(0, "replication", np.repeat(np.arange(reps), years))
    return frame


def statement(summary: pd.DataFrame, window: str, kind: str, column: str = "mean") -> pd.DataFrame:
    """One statement of ``statements.parquet`` as a table to read: lines as rows (detail
    lines indented under their line), years as columns, USD (``column``: mean or a percentile)."""
    part = summary[(summary["window"] == window) & (summary["statement"] == kind)]
    label = np.where(part["detail"] == "", part["line"], "  " + part["detail"].astype(str))
    table = part.assign(item=label).pivot_table(
        index="item", columns="year", values=column, sort=False
    )
    table.index.name = None
    return table
