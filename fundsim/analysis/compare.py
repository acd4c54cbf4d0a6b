"""Paired comparison of two runs: the difference B - A of every metric, with its interval.

Two runs of the same seed and replication count share their random draws
(common random numbers, :mod:`fundsim.runner.seeds`), so replication ``r`` of run A
and replication ``r`` of run B differ only by the scenario change. The 95 %
interval of the mean difference is then a t-interval on the per-replication
differences, which is much narrower than the interval that treats the runs as
independent (Welch). Both are reported, with two ratios: ``width_ratio`` (unpaired
width / paired width: how many times narrower pairing makes the interval) and
``variance_ratio`` (its square: how many times more unpaired replications the same
precision would need). The column ``variance_reduction`` is deprecated: it holds the
*width* ratio under its former name, for old readers, and will be removed (see
CHANGELOG.md); read ``width_ratio`` or ``variance_ratio``. Differences are in the
metric's unit (fractions for shares and probabilities: read them in percentage
points, :func:`fundsim.results.registry.format_difference`). Runs with
different seeds or replication counts are compared unpaired (Welch) and say so. Runs over
different horizons, or with no metric in common, are refused with :class:`CompareError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fundsim.errors import BadInput
from fundsim.results import Run
from fundsim.results.registry import (
    ALIASES,
    RENAMED_COLUMNS,
    UnknownMetric,
    describe,
    lookup,
    order,
)

#: Columns of replications.csv that are not metrics.
_NOT_METRICS = ("replication",)
#: 0/1 columns reported under the name of the probability they estimate.
_RENAME = RENAMED_COLUMNS

#: Columns of :attr:`Comparison.table`, in order.
COLUMNS = (
    "metric",
    "unit",
    "mean_a",
    "mean_b",
    "diff",
    "ci95_low",
    "ci95_high",
    "paired",
    "paired_width",
    "unpaired_ci95_low",
    "unpaired_ci95_high",
    "unpaired_width",
    "width_ratio",
    "variance_ratio",
    "variance_reduction",
    "n",
)


class CompareError(BadInput):
    """Two runs that cannot be compared (different horizons, no common metric)."""


@dataclass(frozen=True)
class RunSide:
    """What the comparison needs of one run: its identity and its per-replication table."""

    label: str
    manifest: dict[str, Any]
    replications: pd.DataFrame


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare_runs`.

    ``table`` has one row per metric (columns :data:`COLUMNS`); ``paired`` says
    whether the runs shared seed and replication count; ``reason`` says why not.
    """

    a: str
    b: str
    paired: bool
    reason: str
    table: pd.DataFrame

    def row(self, metric: str) -> pd.Series:
        """One metric's row of :attr:`table`."""
        hit = self.table[self.table["metric"] == metric]
        if hit.empty:
            raise KeyError(metric)
        return hit.iloc[0]


def _side(run: Run | RunSide, label: str | None) -> RunSide:
    """What the comparison needs of a :class:`~fundsim.results.Run` (computed or read back)."""
    if isinstance(run, RunSide):
        return run
    if isinstance(run, Run):
        name = label or (str(run.path) if run.path is not None else run.name)
        return RunSide(name, dict(run.manifest), run.replications)
    raise TypeError(
        f"cannot compare a {type(run).__name__}: give a Run (from fundsim.run or read_run)"
    )


def _pairing(a: RunSide, b: RunSide) -> tuple[bool, str]:
    ma, mb = a.manifest, b.manifest
    for key, what in (("start_year", "start years"), ("years", "horizons")):
        if key in ma and key in mb and ma[key] != mb[key]:
            raise CompareError(
                f"cannot compare {a.label} and {b.label}: different {what} ({ma[key]} vs {mb[key]})"
            )
    reasons = []
    if ma.get("seed") != mb.get("seed"):
        reasons.append(f"seeds differ ({ma.get('seed')} vs {mb.get('seed')})")
    na, nb = len(a.replications), len(b.replications)
    if na != nb:
        reasons.append(f"replication counts differ ({na} vs {nb})")
    elif "replication" in a.replications and not np.array_equal(
        a.replications["replication"].to_numpy(), b.replications["replication"].to_numpy()
    ):
        reasons.append("replication numbers differ")
    if reasons:
        return False, "; ".join(reasons)
    return True, "same seed and replication count: common random numbers"


def _t_half_width(sd: float, n: int, df: float) -> float:
    if n < 2 or not math.isfinite(sd) or df <= 0:
        return math.nan
    return float(stats.t.ppf(0.975, df) * sd / math.sqrt(n))


def paired_interval(x_a: np.ndarray, x_b: np.ndarray) -> tuple[float, float, float]:
    """Mean of ``x_b - x_a`` (matched by position) and its 95 % t-interval."""
    d = np.asarray(x_b, float) - np.asarray(x_a, float)
    n = d.size
    mean = float(d.mean())
    half = _t_half_width(float(d.std(ddof=1)) if n > 1 else math.nan, n, n - 1)
    return mean, mean - half, mean + half


def welch_interval(x_a: np.ndarray, x_b: np.ndarray) -> tuple[float, float, float]:
    """Difference of means ``mean(x_b) - mean(x_a)`` and its 95 % Welch interval."""
    a, b = np.asarray(x_a, float), np.asarray(x_b, float)
    na, nb = a.size, b.size
    mean = float(b.mean() - a.mean())
    if na < 2 or nb < 2:
        return mean, math.nan, math.nan
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se2 = va + vb
    if se2 == 0:
        return mean, mean, mean
    df = se2**2 / ((va**2 / (na - 1) if va else 0.0) + (vb**2 / (nb - 1) if vb else 0.0))
    half = float(stats.t.ppf(0.975, df) * math.sqrt(se2))
    return mean, mean - half, mean + half


def _factor(unpaired: float, paired: float) -> float:
    if not (math.isfinite(unpaired) and math.isfinite(paired)):
        return math.nan
    if paired > 0:
        return unpaired / paired
    return math.inf if unpaired > 0 else math.nan  # identical in every replication


def compare_runs(
    run_a: Run | RunSide,
    run_b: Run | RunSide,
    metrics: list[str] | None = None,
    *,
    label_a: str | None = None,
    label_b: str | None = None,
) -> Comparison:
    """Compare run B with run A, metric by metric (B - A).

    ``run_a`` and ``run_b`` are :class:`~fundsim.results.Run` objects (from
    ``fundsim.run`` or ``read_run``). ``metrics`` restricts the metrics
    (names as in summary.json; ``p_gap`` is the 0/1 ``gap`` column). Differences
    are in the metric's unit (USD, fractions, counts). Raises
    :class:`CompareError` when the runs cover different years or share no metric,
    or a name in ``metrics`` is not a metric (with a did-you-mean) or not in both runs.
    """
    a, b = _side(run_a, label_a), _side(run_b, label_b)
    paired, reason = _pairing(a, b)
    cols_a = [c for c in a.replications.columns if c not in _NOT_METRICS]
    cols_b = set(b.replications.columns)
    common = sorted(
        (c for c in cols_a if c in cols_b), key=lambda c: order(_RENAME.get(str(c), str(c)))
    )
    if metrics is not None:
        metrics = [ALIASES.get(m, m) for m in metrics]  # dropped_cases is victims_dropped
        wanted = {m: c for c in common for m in (c, _RENAME.get(c, c))}
        missing = [m for m in metrics if m not in wanted]
        if missing:
            try:
                lookup(missing[0])
            except UnknownMetric as exc:
                raise CompareError(str(exc)) from None
            raise CompareError(f"metric {missing[0]!r} is not in both runs")
        common = [wanted[m] for m in metrics]
    if not common:
        raise CompareError(f"cannot compare {a.label} and {b.label}: they share no metric")
    rows = []
    for col in common:
        xa = a.replications[col].to_numpy(dtype=float)
        xb = b.replications[col].to_numpy(dtype=float)
        _, ulo, uhi = welch_interval(xa[~np.isnan(xa)], xb[~np.isnan(xb)])
        if paired:
            ok = ~(np.isnan(xa) | np.isnan(xb))
            diff, lo, hi = paired_interval(xa[ok], xb[ok])
            n = int(ok.sum())
        else:
            diff, lo, hi = float(np.nanmean(xb) - np.nanmean(xa)), ulo, uhi
            n = min(int((~np.isnan(xa)).sum()), int((~np.isnan(xb)).sum()))
        uw = uhi - ulo
        pw = hi - lo if paired else math.nan
        width_ratio = _factor(uw, pw) if paired else math.nan
        name = _RENAME.get(col, col)
        rows.append(
            {
                "metric": name,
                "unit": describe(name).unit,
                "mean_a": float(np.nanmean(xa)),
                "mean_b": float(np.nanmean(xb)),
                "diff": diff,
                "ci95_low": lo,
                "ci95_high": hi,
                "paired": paired,
                "paired_width": pw,
                "unpaired_ci95_low": ulo,
                "unpaired_ci95_high": uhi,
                "unpaired_width": uw,
                "width_ratio": width_ratio,
                "variance_ratio": width_ratio**2,
                # Deprecated: the WIDTH ratio under its former name (two notebooks still read it).
                "variance_reduction": width_ratio,
                "n": n,
            }
        )
    return Comparison(a.label, b.label, paired, reason, pd.DataFrame(rows, columns=list(COLUMNS)))


def headline_sentence(
    row: pd.Series | dict[str, Any], label_a: str = "A", label_b: str = "B"
) -> str:
    """One comparison row in words: ``"coordinator coverage is 2.2 points lower [1.9, 2.5]
    under B than under A"``, or ``"... does not change detectably: +0.1 points [-0.2, +0.4]"``
    when the 95 % interval includes 0. Points for metrics read in %, USD for money, the
    metric's own unit otherwise; the interval is of the change's size, in the same unit."""
    metric = str(row["metric"])
    info = describe(metric)
    diff, lo, hi = float(row["diff"]), float(row["ci95_low"]), float(row["ci95_high"])
    if not all(math.isfinite(v) for v in (diff, lo, hi)):
        return f"{info.label}: no difference can be computed"

    def size(v: float, signed: bool = False) -> str:
        sign = "+" if signed and v > 0 else ""
        if info.is_percent:
            return f"{sign}{100 * v:.1f}"
        if info.fmt == "usd":
            return f"{sign}{v:,.0f}"
        return f"{sign}{v:,.1f}" if abs(v) < 100 else f"{sign}{v:,.0f}"

    if diff == lo == hi == 0:
        return f"{info.label} is the same under {label_b} as under {label_a} in every replication"
    unit = {"percent": " points", "days": " days"}.get(info.fmt, "")
    money = "USD " if info.fmt == "usd" else ""
    if lo <= 0 <= hi:
        return (
            f"{info.label} does not change detectably under {label_b} against {label_a}: "
            f"{money}{size(diff, True)}{unit} [{size(lo, True)}, {size(hi, True)}]"
        )
    word = "higher" if diff > 0 else "lower"
    if info.fmt == "days":
        word = "longer" if diff > 0 else "shorter"
    a, b = sorted((abs(lo), abs(hi)))
    verdict = ""
    if info.good:
        verdict = " (better)" if (diff > 0) == (info.good == "higher") else " (worse)"
    return (
        f"{info.label} is {money}{size(abs(diff))}{unit} {word} [{size(a)}, {size(b)}] under "
        f"{label_b} "
        f"than under {label_a}{verdict}"
    )
