"""What one replication returns: the declared list of its output arrays.

Each output is one :class:`Output` entry of :data:`OUTPUTS` (its name, element type,
shape and how the runner aggregates it over replications); the replication's
:class:`ReplicationResult`, the stacking of a chunk of replications
(:mod:`fundsim.runner.chunks`) and the aggregator (:mod:`fundsim.runner.montecarlo`) are
built from the list, so a new output is one entry here and the line that fills it in
:class:`~fundsim.model.world.World`. Besides the arrays a replication returns its metrics
(a name to a float), the number of events processed and, when audited, the ledger's
journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Columns of the ``monthly`` output (one row per month, USD or counts).
MONTHLY_COLUMNS = (
    "balance_usd",
    "committed_usd",
    "available_usd",
    "filled_posts",
    "income_usd",
    "spending_usd",
)

#: How an output is aggregated over replications.
KEEP = "keep"  # one row per replication, kept (quantiles over replications)
SUM = "sum"  # summed over replications (integers)
EXACT_SUM = "exact_sum"  # cents summed as exact Python integers (an int64 sum may wrap)
ORDERED_SUM = "ordered_sum"  # floats summed in replication order (bit-identical on any executor)


@dataclass(frozen=True, slots=True)
class Output:
    """One output array of a replication.

    ``shape``: its axes, in words; ``aggregate``: :data:`KEEP`, :data:`SUM`,
    :data:`EXACT_SUM` or :data:`ORDERED_SUM`; ``count_positive``: also count, over
    replications, where it is positive; ``optional``: absent in some scenarios (None)."""

    name: str
    dtype: type[np.generic]
    shape: str
    aggregate: str
    count_positive: bool = False
    optional: bool = False


OUTPUTS: tuple[Output, ...] = (
    Output("monthly", np.float64, "months x MONTHLY_COLUMNS", KEEP),
    Output("assessed_cents", np.int64, "entities x years", EXACT_SUM),
    Output("paid_cents", np.int64, "entities x years", EXACT_SUM),
    Output("shares", np.float64, "entities x years", ORDERED_SUM, count_positive=True),
    Output("filled_months", np.int32, "countries x years", SUM),
    Output("gap_by_year", np.int32, "years: funding gaps", KEEP),
    Output("tier1_by_year", np.int32, "years: tier-1 interruptions", KEEP),
    Output("sustained_by_year", np.int32, "years: posts the approved budget sustains", KEEP),
    Output(
        "children_liability", np.int64, "years x STATEMENT_COLUMNS (cents)", KEEP, optional=True
    ),
    Output(
        "victims_yearly",
        np.int64,
        "years x (spending, income) of the victims' window (cents)",
        KEEP,
        optional=True,
    ),
    # Receivables of the coordinator fund at each year end by age (cents): entities x year
    # ends x age in years (:meth:`Contributors.receivables_by_age`).
    Output(
        "receivables_cents",
        np.int64,
        "entities x year ends x ages (cents)",
        SUM,
        count_positive=True,
        optional=True,
    ),
    # The fund's statements (:mod:`fundsim.model.statements`).
    Output("statements", np.int64, "years x statement lines (cents)", KEEP, optional=True),
)

#: The outputs by name.
BY_NAME: dict[str, Output] = {o.name: o for o in OUTPUTS}


def monthly_table(columns: Mapping[str, ArrayLike], months: int) -> NDArray[np.float64]:
    """The ``monthly`` output from one array per column of :data:`MONTHLY_COLUMNS`."""
    if set(columns) != set(MONTHLY_COLUMNS):
        raise ValueError(f"monthly columns {sorted(columns)} are not {sorted(MONTHLY_COLUMNS)}")
    table = np.empty((months, len(MONTHLY_COLUMNS)))
    for j, name in enumerate(MONTHLY_COLUMNS):
        table[:, j] = columns[name]
    return table


class ReplicationResult:
    """What one replication returns: metrics and small arrays, no per-event objects.

    ``arrays``: one entry per :data:`OUTPUTS` name (None for an optional output the
    scenario does not have); each output is also an attribute (``result.monthly``)."""

    __slots__ = ("arrays", "events", "journal", "metrics")

    def __init__(
        self,
        metrics: dict[str, float],
        arrays: Mapping[str, NDArray[Any] | None],
        events: int,
        journal: list[tuple[Any, ...]] | None = None,
    ) -> None:
        unknown = set(arrays) - set(BY_NAME)
        missing = [o.name for o in OUTPUTS if not o.optional and arrays.get(o.name) is None]
        if unknown or missing:
            raise ValueError(
                f"replication outputs: undeclared {sorted(unknown)}, missing {missing}"
            )
        self.metrics = metrics
        self.arrays: dict[str, NDArray[Any] | None] = {o.name: arrays.get(o.name) for o in OUTPUTS}
        self.events = events
        self.journal = journal

    def __getattr__(self, name: str) -> Any:
        if name in BY_NAME:
            return self.arrays[name]
        raise AttributeError(name)
