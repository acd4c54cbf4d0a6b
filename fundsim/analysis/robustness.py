"""Robustness of each policy across futures: satisficing and regret.

Read from the tidy table of :mod:`fundsim.analysis.explore` (one row per future and policy):

- **satisficing**: the share of futures in which the policy meets every threshold
  (``failed`` is false), the "how often does it hold" of robust decision making;
- **regret** of an outcome in one future: how far the policy falls short of the best
  policy *in that future*, in the outcome's good direction (the registry's ``good``):
  ``best - value`` for a metric where higher is better, ``value - best`` where lower is
  better, so 0 for the best policy and positive for the others, in the metric's unit.
  The table gives the largest regret over the futures (Savage's minimax criterion) and
  its mean.

Every design also carries its **cost** (the cost columns :mod:`fundsim.analysis.explore`
adds to every row): ``mean_cost_usd``, what the entities are invoiced over the horizon
(both windows), averaged over the futures; ``extra_cost_usd``, the mean over futures of
what it costs beyond the cheapest design of the same future (its cost regret); and
``mean_idle_usd``, the cash left idle at the end (a larger reserve sits there).

Policies are ranked first by whether another design **dominates** them (meets every
threshold in at least as many futures for no more money, better in one of the two), the
undominated first; then by satisficing (higher first), then by the largest regret of the
first outcome (lower first). ``dominated_by`` names the cheapest design that dominates a
design (empty if none). So a design that holds up only by charging its members more is not
ranked above a cheaper one that holds up as often.
"""

from __future__ import annotations

import pandas as pd

from fundsim.results.registry import describe
from fundsim.scenario.explore import ExploreSpec

#: The cost columns summed into a row's cost to the entities (those present), and the idle cash.
COST_COLUMNS = ("assessed_usd", "victim_assessed_usd")
IDLE_COLUMN = "closing_balance_usd"


def row_cost(experiments: pd.DataFrame) -> pd.Series | None:
    """Each row's cost to the entities (USD over the horizon: the cost columns present,
    summed), or None when the table has none (an experiment written before costs were kept)."""
    present = [c for c in COST_COLUMNS if c in experiments.columns]
    if not present:
        return None
    return experiments[present].fillna(0.0).sum(axis=1)


def directed_outcomes(spec: ExploreSpec) -> list[str]:
    """The outcomes with a good direction (regret needs one), in the spec's order."""
    return [o for o in spec.outcomes if describe(o).good is not None]


def regret_frame(experiments: pd.DataFrame, spec: ExploreSpec) -> pd.DataFrame:
    """Regret of every directed outcome in every row: columns ``future``, ``policy`` and
    ``regret_<outcome>`` (in the outcome's unit; 0 for the best policy of the future)."""
    out = experiments[["future", "policy"]].copy()
    for name in directed_outcomes(spec):
        by_future = experiments.groupby("future")[name]
        if describe(name).good == "higher":
            out[f"regret_{name}"] = by_future.transform("max") - experiments[name]
        else:
            out[f"regret_{name}"] = experiments[name] - by_future.transform("min")
    return out


def robustness_table(experiments: pd.DataFrame, spec: ExploreSpec) -> pd.DataFrame:
    """One row per policy, ranked: its lever labels, ``satisficing`` (share of futures
    meeting every threshold), ``failed_futures``, and for each directed outcome its mean,
    largest and mean regret across futures."""
    regret = regret_frame(experiments, spec)
    cost = row_cost(experiments)
    extra = (
        cost - cost.groupby(experiments["future"]).transform("min") if cost is not None else None
    )
    rows = []
    for policy in spec.policies:
        mine = experiments["policy"] == policy.name
        row: dict[str, object] = {"policy": policy.name, **policy.choices}
        futures = int(mine.sum())
        failed = int(experiments.loc[mine, "failed"].astype(bool).sum())
        row.update(
            {
                "futures": futures,
                "failed_futures": failed,
                "satisficing": 1.0 - failed / max(1, futures),
            }
        )
        for name in directed_outcomes(spec):
            row[f"mean_{name}"] = float(experiments.loc[mine, name].mean())
            row[f"max_regret_{name}"] = float(regret.loc[mine, f"regret_{name}"].max())
            row[f"mean_regret_{name}"] = float(regret.loc[mine, f"regret_{name}"].mean())
        if cost is not None and extra is not None:
            row["mean_cost_usd"] = float(cost[mine].mean())
            row["extra_cost_usd"] = float(extra[mine].mean())
        if IDLE_COLUMN in experiments.columns:
            row["mean_idle_usd"] = float(experiments.loc[mine, IDLE_COLUMN].mean())
        rows.append(row)
    table = pd.DataFrame(rows)
    keys = ["satisficing"]
    ascending = [False]
    if cost is not None:
        table["dominated_by"] = _dominated_by(table)
        table["_dominated"] = table["dominated_by"] != ""
        keys.insert(0, "_dominated")
        ascending.insert(0, True)
    directed = directed_outcomes(spec)
    if directed:
        keys.append(f"max_regret_{directed[0]}")
        ascending.append(True)
    table = table.sort_values(keys, ascending=ascending, kind="stable").reset_index(drop=True)
    table = table.drop(columns=["_dominated"], errors="ignore")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def _dominated_by(table: pd.DataFrame) -> list[str]:
    """For each design, the cheapest other design that meets every threshold at least as
    often for no more money, strictly better in one of the two ("" if none)."""
    out = []
    sat, cost, names = (
        table["satisficing"].tolist(),
        table["mean_cost_usd"].tolist(),
        table["policy"].tolist(),
    )
    for i in range(len(table)):
        better = [
            j
            for j in range(len(table))
            if j != i
            and sat[j] >= sat[i]
            and cost[j] <= cost[i]
            and (sat[j] > sat[i] or cost[j] < cost[i])
        ]
        out.append(names[min(better, key=lambda j: (cost[j], j))] if better else "")
    return out
