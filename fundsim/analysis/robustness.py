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

Policies are ranked by satisficing (higher first), then by the largest regret of the
first outcome (lower first).
"""

from __future__ import annotations

import pandas as pd

from fundsim.results.registry import describe
from fundsim.scenario.explore import ExploreSpec


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
    rows = []
    for policy in spec.policies:
        mine = experiments["policy"] == policy.name
        row: dict[str, object] = {"policy": policy.name, **policy.choices}
        futures = int(mine.sum())
        failed = int(experiments.loc[mine, "failed"].astype(bool).sum())
        row.update({"futures": futures, "failed_futures": failed, "satisficing": 1.0 - failed / max(1, futures)})
        for name in directed_outcomes(spec):
            row[f"mean_{name}"] = float(experiments.loc[mine, name].mean())
            row[f"max_regret_{name}"] = float(regret.loc[mine, f"regret_{name}"].max())
            row[f"mean_regret_{name}"] = float(regret.loc[mine, f"regret_{name}"].mean())
        rows.append(row)
    table = pd.DataFrame(rows)
    keys = ["satisficing"]
    ascending = [False]
    directed = directed_outcomes(spec)
    if directed:
        keys.append(f"max_regret_{directed[0]}")
        ascending.append(True)
    table = table.sort_values(keys, ascending=ascending, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table
