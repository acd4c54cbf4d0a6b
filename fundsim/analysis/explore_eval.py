"""One evaluation of an exploratory experiment: the outcomes of every policy in one future.

This is what a worker process (or a Dask worker) runs for :mod:`fundsim.analysis.explore`,
so it reads only what exploration keeps: each replication's metrics. It stacks none of a
replication's tables (monthly balances, statements, shares) and imports neither pandas nor
matplotlib: a worker that only evaluates futures loads the model, numpy and SimPy, and
returns plain rows (dicts) that the parent process turns into the experiment's table.

:func:`outcomes_at` is the one evaluation both ``fundsim explore`` and the EMA Workbench
adapter (:mod:`fundsim.analysis.ema_adapter`) call, so that they give identical numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from fundsim.results.registry import lookup
from fundsim.runner.chunks import _replication  # one replication, the collector paused
from fundsim.scenario import Scenario
from fundsim.scenario.explore import ExploreSpec
from fundsim.scenario.overrides import with_overrides

#: What a design costs, an outcome of every row whatever the spec lists: the entities' bills
#: (both windows) and the cash left idle at the end of the horizon.
COST_OUTCOMES = ("assessed_usd", "victim_assessed_usd")
IDLE_OUTCOME = "closing_balance_usd"


def cost_outcomes(scenario: Scenario) -> list[str]:
    """The cost columns of every row: what the entities are invoiced (``assessed_usd``, and
    ``victim_assessed_usd`` with a victims' window), USD over the horizon."""
    return [
        o for o in COST_OUTCOMES if scenario.victims is not None or lookup(o).requires != "victims"
    ]


def evaluated_outcomes(scenario: Scenario, spec: ExploreSpec) -> list[str]:
    """Every outcome a row holds: the spec's, then the costs and the idle cash it does not list."""
    extra = [o for o in (*cost_outcomes(scenario), IDLE_OUTCOME) if o not in spec.outcomes]
    return [*spec.outcomes, *extra]


def future_values(spec: ExploreSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario values of one future (dotted key -> value; labels become their levels)."""
    return {u.key: u.value(row[u.key]) for u in spec.uncertainties}


def _mean(values: list[float]) -> float:
    """The mean of the replications that emitted a number (NaN left out, as in
    ``summary.json``); NaN when none did. Summed in replication order as numpy sums a
    float64 vector of that length, so the bytes equal those of ``numpy.mean``."""
    import numpy as np

    x = np.asarray([v for v in values if not math.isnan(v)], dtype=np.float64)
    return float(x.mean()) if x.size else math.nan


def outcomes_at(
    scenario: Scenario, overrides: Mapping[str, Any], outcomes: Sequence[str], reps: int, seed: int
) -> dict[str, float]:
    """The mean over ``reps`` replications (seed ``seed``, replications 0..reps-1) of each
    outcome metric, for ``scenario`` with ``overrides`` (dotted key -> value) applied.

    NaN replications are left out of a mean, as in ``summary.json``; an outcome no
    replication emits is NaN. Only the replications' metrics are kept: none of their
    tables is stacked.
    """
    variant = with_overrides(scenario, overrides)
    rows = [_replication(variant, seed, r, False, metrics_only=True) for r in range(reps)]
    out = {}
    for name in outcomes:
        column = lookup(name).source_column
        if column not in rows[0]:
            out[name] = math.nan
            continue
        out[name] = _mean([float(m[column]) for m in rows])
    return out


def future_rows(
    scenario: Scenario, spec: ExploreSpec, future: int, row: Mapping[str, Any], reps: int, seed: int
) -> list[dict[str, Any]]:
    """The rows of one future: every policy, the future's inputs, the policy's lever labels,
    its outcomes and whether it failed (one dict per policy, the table's column order).

    Module-level and free of pandas so that worker processes (and Dask) run it light."""
    values = future_values(spec, row)
    outcomes = evaluated_outcomes(scenario, spec)
    rows = []
    for policy in spec.policies:
        result = outcomes_at(
            scenario, {**values, **spec.lever_values(policy)}, outcomes, reps, seed
        )
        failed = any(c.holds(result[c.metric]) for c in spec.fails_when)
        rows.append(
            {
                "future": future,
                "policy": policy.name,
                **{u.key: row[u.key] for u in spec.uncertainties},
                **policy.choices,
                **result,
                "failed": failed,
            }
        )
    return rows
