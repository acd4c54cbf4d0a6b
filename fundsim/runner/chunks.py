"""Run a chunk of replications and stack their arrays: the unit of work sent to workers.

A chunk returns a :class:`ChunkResult` of numpy arrays (a few kilobytes per
replication), never Python objects per event, so results travel cheaply between
processes or Dask workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fundsim.model import simulate
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario.schema import Scenario


@dataclass
class ChunkResult:
    """Stacked outputs of the replications ``indices`` (first axis: replication)."""

    indices: NDArray[np.int64]
    metric_names: tuple[str, ...]
    metrics: NDArray[np.float64]  # reps x metrics
    monthly: NDArray[np.float64]  # reps x months x columns
    assessed_cents: NDArray[np.int64]  # reps x entities x years
    paid_cents: NDArray[np.int64]
    shares: NDArray[np.float64]
    filled_months: NDArray[np.int32]  # reps x countries x years
    gap_by_year: NDArray[np.int32]  # reps x years
    events: int
    journals: list | None = None
    tier1_by_year: NDArray[np.int32] | None = None  # reps x years: tier-1 interruptions
    sustained_by_year: NDArray[np.int32] | None = None  # reps x years: posts the budget sustains
    children_liability: NDArray[np.int64] | None = None  # reps x years x statement columns
    victims_yearly: NDArray[np.int64] | None = None  # reps x years x (spending, income) of the victims' window
    receivables_cents: NDArray[np.int64] | None = None  # reps x entities x year ends x ages
    statements: NDArray[np.int64] | None = None  # reps x years x statement lines (cents)


def _stacked_liability(lines: list[NDArray[np.int64] | None]) -> NDArray[np.int64] | None:
    """The replications' children's liability statements (or the victims' window's yearly
    flows) stacked (None without victims)."""
    present = [x for x in lines if x is not None]
    return np.stack(present) if present and len(present) == len(lines) else None


def run_chunk(scenario: Scenario, seed: int, indices: Sequence[int], audit: bool = False) -> ChunkResult:
    """Run replications ``indices`` of ``scenario`` seeded ``seed`` and stack the results."""
    results = [simulate(scenario, Streams(replication_seed(seed, int(r))), audit=audit) for r in indices]
    names = tuple(results[0].metrics)
    return ChunkResult(
        indices=np.asarray(indices, dtype=np.int64),
        metric_names=names,
        metrics=np.array([[r.metrics[k] for k in names] for r in results], dtype=np.float64),
        monthly=np.stack([r.monthly for r in results]),
        assessed_cents=np.stack([r.assessed_cents for r in results]),
        paid_cents=np.stack([r.paid_cents for r in results]),
        shares=np.stack([r.shares for r in results]),
        filled_months=np.stack([r.filled_months for r in results]),
        gap_by_year=np.stack([r.gap_by_year for r in results]),
        events=sum(r.events for r in results),
        journals=[r.journal for r in results] if audit else None,
        tier1_by_year=np.stack([r.tier1_by_year for r in results if r.tier1_by_year is not None]),
        sustained_by_year=np.stack([r.sustained_by_year for r in results if r.sustained_by_year is not None]),
        children_liability=_stacked_liability([r.children_liability for r in results]),
        victims_yearly=_stacked_liability([r.victims_yearly for r in results]),
        receivables_cents=_stacked_receivables([r.receivables_cents for r in results]),
        statements=_stacked_receivables([r.statements for r in results]),
    )


def _stacked_receivables(arrays: list[NDArray[np.int64] | None]) -> NDArray[np.int64] | None:
    """The replications' receivables tables stacked (None when the model gave none)."""
    present = [a for a in arrays if a is not None]
    return np.stack(present) if len(present) == len(arrays) and present else None
