"""The tables of an option set, from its finished runs: the options table (each headline
metric with its interval and its paired difference), each entity's bill, dominance, a
ladder's decomposition and the ranking; and the data they are built from
(:class:`BuiltOption`, :class:`OptionsResult`). :mod:`fundsim.analysis.options` runs the
set and builds these tables."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundsim.analysis.compare import compare_runs, paired_interval
from fundsim.results import Run
from fundsim.results.metrics import summarize_column
from fundsim.results.registry import RENAMED_COLUMNS, describe
from fundsim.scenario import Scenario
from fundsim.scenario.options import OptionsSpec

#: The derived per-replication metric: invoices of both windows a year (USD).
COST = "cost_usd_year"
#: Headline metrics of the options table, in order (those a run emits).
METRICS: tuple[str, ...] = (
    "coordinator_coverage",
    "funding_lost_share",
    "p_tier1_interrupted",
    "interruptions_per_post_year",
    "liquidity_at_risk_usd",
    COST,
    "admin_fees_usd",
    "max_bill_change",
    "victims_assisted_share",
    "median_wait_days",
)
# : What the trade-off is judged on: cost (lower is better) against these, each with its good
# direction.
RISKS: tuple[tuple[str, str], ...] = (
    ("coordinator_coverage", "higher"),
    ("funding_lost_share", "lower"),
    ("p_tier1_interrupted", "lower"),
    ("victims_assisted_share", "higher"),
)


#: A metric's column in replications.csv where the two names differ (p_gap is column gap).
_SOURCE = {name: column for column, name in RENAMED_COLUMNS.items()}


@dataclass(frozen=True)
class BuiltOption:
    """One option ready to run: its name, folder, scenario, and what it changes."""

    name: str
    folder: str
    scenario: Scenario
    file: Path
    change: str


@dataclass
class OptionsResult:
    """A finished option set: its tables, its runs (by option name), and how it ran."""

    spec: OptionsSpec
    options: list[BuiltOption]
    runs: dict[str, Run]
    table: pd.DataFrame
    entity_costs: pd.DataFrame
    reps: int
    seed: int
    out: Path | None
    kept: int = 0
    decomposition: pd.DataFrame = field(default_factory=pd.DataFrame)


def cost_per_year(run: Run) -> np.ndarray:
    """Invoices of both windows a year, per replication (USD): ``assessed_usd`` plus
    ``victim_assessed_usd`` where present, over the horizon's years."""
    reps = run.replications
    total = reps["assessed_usd"].to_numpy(dtype=float).copy()
    if "victim_assessed_usd" in reps:
        total += np.nan_to_num(reps["victim_assessed_usd"].to_numpy(dtype=float))
    return total / int(run.manifest.get("years") or _years(run))


def _years(run: Run) -> int:
    return int(run.shares["year"].nunique()) if len(run.shares) else 1


def replication_column(run: Run, metric: str) -> np.ndarray | None:
    """``metric``'s value in each replication of ``run`` (its unit; the cost a year in USD
    derived), or ``None`` when the run does not emit it."""
    if metric == COST:
        return cost_per_year(run)
    reps = run.replications
    col = _SOURCE.get(metric, metric) if metric not in reps else metric
    return reps[col].to_numpy(dtype=float) if col in reps else None


def _interval(metric: str, x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % interval as every summary computes them (a probability's is Wilson's)."""
    probability = metric != COST and describe(metric).unit == "probability"
    s = summarize_column(x, probability=probability)
    return s["mean"], s["ci95_low"], s["ci95_high"]


def options_table(
    options: Sequence[BuiltOption],
    runs: dict[str, Run],
    spec: OptionsSpec,
    metrics: Sequence[str] = METRICS,
) -> pd.DataFrame:
    """One row per option (columns ``option``, ``against``, ``change``, then per metric
    ``<m>``, ``<m>_low``, ``<m>_high`` (95 % interval of the mean) and ``<m>_diff``,
    ``<m>_diff_low``, ``<m>_diff_high`` (paired difference option minus ``against``)).
    Registered metrics are differenced by :func:`~fundsim.analysis.compare.compare_runs`;
    ``cost_usd_year`` by the same paired interval on its per-replication values."""
    names = [o.name for o in options]
    rows = []
    for i, o in enumerate(options):
        run = runs[o.name]
        against = (
            (names[i - 1] if i else None)
            if spec.pairing == "previous"
            else (None if o.name == spec.reference else spec.reference)
        )
        row: dict[str, Any] = {
            "option": o.name,
            "against": against or "",
            "change": o.change,
            "countries": len(o.scenario.countries),
        }
        other = runs[against] if against else None
        registered = [
            m
            for m in metrics
            if m != COST
            and replication_column(run, m) is not None
            and (other is None or replication_column(other, m) is not None)
        ]
        cmp = compare_runs(other, run, registered) if other is not None and registered else None
        for m in metrics:
            x = replication_column(run, m)
            mean, lo, hi = _interval(m, x) if x is not None else (math.nan,) * 3
            row.update({m: mean, f"{m}_low": lo, f"{m}_high": hi})
            d = (math.nan,) * 3
            if other is not None and x is not None:
                if m == COST:
                    d = paired_interval(cost_per_year(other), x)
                elif cmp is not None and m in registered:
                    r = cmp.row(m)
                    d = (float(r["diff"]), float(r["ci95_low"]), float(r["ci95_high"]))
            row.update({f"{m}_diff": d[0], f"{m}_diff_low": d[1], f"{m}_diff_high": d[2]})
        rows.append(row)
    frame = pd.DataFrame(rows)
    networks = [tuple(c.code for c in o.scenario.countries) for o in options]
    frame["dominated_by"] = dominated(frame, runs, networks)
    return frame


def holds_zero(d: tuple[float, float, float]) -> bool:
    """Whether a paired difference is not distinguishable from 0 (its interval holds 0, or
    it is 0 in every replication)."""
    mean, lo, hi = d
    if not math.isfinite(mean):
        return True
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return mean == 0
    return lo <= 0 <= hi


def dominated(
    table: pd.DataFrame, runs: dict[str, Run] | None = None, networks: Sequence[Any] | None = None
) -> list[str]:
    """For each option, an option that dominates it (``""`` when none): no worse on cost
    (lower is better) and on every risk metric (:data:`RISKS`), and better on at least one.
    With ``runs``, "worse" and "better" are paired differences whose 95 % interval excludes
    0 (a difference within the noise is neither); without, the means decide. With
    ``networks`` (one per row, e.g. the countries' codes), only options over the same
    network are compared: coverage of 14 countries is not coverage of 24."""
    out = []
    judged = [(COST, "lower"), *((m, g) for m, g in RISKS if m in table and table[m].notna().all())]
    names = list(table["option"])
    for i, a in enumerate(names):
        by = ""
        for j, b in enumerate(names):
            if a == b or (networks is not None and networks[i] != networks[j]):
                continue
            better = worse = False
            for m, good in judged:
                if runs is not None:
                    d = total_interval(runs, a, b, m)  # b - a
                    if holds_zero(d):
                        continue
                    diff = d[0]
                else:
                    ra, rb = (
                        table.loc[table["option"] == a, m].iloc[0],
                        table.loc[table["option"] == b, m].iloc[0],
                    )
                    diff = float(rb - ra)
                    if diff == 0:
                        continue
                if (diff > 0) == (good == "higher"):
                    better = True
                else:
                    worse = True
            if better and not worse:
                by = b
                break
        out.append(by)
    return out


def entity_costs(options: Sequence[BuiltOption], runs: dict[str, Run]) -> pd.DataFrame:
    """Option x entity x year: ``invoice_usd`` and ``paid_usd`` (mean over replications)
    of the coordinator window (``window = "coordinators"``, from ``shares.csv``)."""
    frames = []
    for o in options:
        s = runs[o.name].shares
        frames.append(
            pd.DataFrame(
                {
                    "option": o.name,
                    "window": "coordinators",
                    "entity": s["entity"],
                    "year": s["year"],
                    "invoice_usd": s["assessed_usd"].astype(float),
                    "paid_usd": s["paid_usd"].astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def bills(costs: pd.DataFrame, options: Sequence[str]) -> pd.DataFrame:
    """Each entity's mean invoice a year under ``options`` (entities as rows, USD), largest
    first."""
    sub = costs[costs["option"].isin(options)]
    wide = sub.groupby(["entity", "option"])["invoice_usd"].mean().unstack("option")
    wide = wide.reindex(columns=list(options))
    return wide.sort_values(next(iter(options)), ascending=False)


#: The metrics of a ladder's decomposition.
LADDER_METRICS: tuple[str, ...] = (
    "coordinator_coverage",
    "interruptions_per_post_year",
    "p_tier1_interrupted",
    COST,
)


def decomposition(
    table: pd.DataFrame, runs: dict[str, Run] | None = None, metrics: Sequence[str] = LADDER_METRICS
) -> pd.DataFrame:
    """A ladder's steps: for each option after the first, its change against the one before
    in each metric (paired, 95 % interval), then a ``total`` row (last minus first, the sum of
    the steps; with ``runs``, its 95 % interval is the paired interval of last minus
    first). Columns ``step``, ``from``, ``to``, ``change``, ``metric``, ``level_from``,
    ``level_to``, ``diff``, ``diff_low``, ``diff_high``."""
    rows = []
    for i in range(1, len(table)):
        a, b = table.iloc[i - 1], table.iloc[i]
        for m in metrics:
            if m not in table:
                continue
            rows.append(
                {
                    "step": i,
                    "from": a["option"],
                    "to": b["option"],
                    "change": b["change"],
                    "metric": m,
                    "level_from": a[m],
                    "level_to": b[m],
                    "diff": b[f"{m}_diff"],
                    "diff_low": b[f"{m}_diff_low"],
                    "diff_high": b[f"{m}_diff_high"],
                }
            )
    frame = pd.DataFrame(rows)
    if len(table) > 1 and len(frame):
        first, last = table.iloc[0], table.iloc[-1]
        totals = []
        for m in (m for m in metrics if m in table):
            d = (
                total_interval(runs, first["option"], last["option"], m)
                if runs is not None
                else (frame.loc[frame["metric"] == m, "diff"].sum(), math.nan, math.nan)
            )
            totals.append(
                {
                    "step": len(table),
                    "from": first["option"],
                    "to": last["option"],
                    "change": "total",
                    "metric": m,
                    "level_from": first[m],
                    "level_to": last[m],
                    "diff": d[0],
                    "diff_low": d[1],
                    "diff_high": d[2],
                }
            )
        frame = pd.concat([frame, pd.DataFrame(totals)], ignore_index=True)
    return frame


def total_interval(
    runs: dict[str, Run], first: str, last: str, metric: str
) -> tuple[float, float, float]:
    """The paired difference ``last - first`` of one metric and its 95 % interval (the
    ladder's total, measured directly rather than summed)."""
    a, b = replication_column(runs[first], metric), replication_column(runs[last], metric)
    if a is None or b is None:
        return (math.nan,) * 3
    ok = ~(np.isnan(a) | np.isnan(b))
    return paired_interval(a[ok], b[ok])


def ranking(
    result: OptionsResult, metrics: Sequence[str] = ("coordinator_coverage", COST)
) -> pd.DataFrame:
    """The leading options (``spec.leading`` of them) and how far apart they are.

    The options whose coverage is not distinguishable from the highest (paired 95 %
    interval holding 0) come first, the least costly of them first; the others follow by
    coverage. For each leading option after the first, its paired difference from the one
    ranked above it in ``metrics``. Columns ``rank``, ``option``, ``above``, ``metric``,
    ``diff``, ``diff_low``, ``diff_high``, ``distinguishable``, ``tied_on_coverage`` (how
    many options share the highest coverage within the noise)."""
    t = result.table.sort_values(
        ["coordinator_coverage", COST], ascending=[False, True], kind="stable"
    )
    top = str(t["option"].iloc[0])
    cov = "coordinator_coverage"
    tied = [
        o for o in t["option"] if o == top or holds_zero(total_interval(result.runs, top, o, cov))
    ]
    cost = t.set_index("option")[COST]
    order = sorted(tied, key=lambda o: cost[o]) + [o for o in t["option"] if o not in tied]
    names = order[: result.spec.leading]
    rows = []
    for k, name in enumerate(names):
        for m in metrics:
            d = (math.nan,) * 3 if k == 0 else total_interval(result.runs, names[k - 1], name, m)
            rows.append(
                {
                    "rank": k + 1,
                    "option": name,
                    "above": names[k - 1] if k else "",
                    "metric": m,
                    "diff": d[0],
                    "diff_low": d[1],
                    "diff_high": d[2],
                    "distinguishable": k == 0 or not holds_zero(d),
                    "tied_on_coverage": len(tied),
                }
            )
    return pd.DataFrame(rows)
