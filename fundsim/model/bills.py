"""Statistics of the entities' yearly bills after the run: how much they swing.

Pure functions of a ``bills`` array (cents, entities x budget years: what each entity
was assessed each year, :attr:`~fundsim.model.contributors.Contributors.assessed`), for
the per-replication metrics ``invoice_cv``, ``max_bill_change`` and its entity.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def invoice_cv(bills: NDArray[np.int64]) -> float:
    """Each entity's coefficient of variation (population standard deviation over mean)
    of its yearly bill across the years it was billed, mean across billed entities."""
    values = bills.astype(np.float64)
    billed = values > 0
    count = billed.sum(axis=1)
    has = count > 0
    if not has.any():
        return 0.0
    values, billed, count = values[has], billed[has], count[has]
    mean = values.sum(axis=1) / count
    dev = np.where(billed, values - mean[:, None], 0.0)
    sd = np.sqrt((dev**2).sum(axis=1) / count)
    return float((sd / mean).mean())


def max_bill_change(bills: NDArray[np.int64]) -> tuple[float, int]:
    """The largest year-on-year change of an entity's bill (a fraction of the earlier
    year's bill, in size: a rise or a fall) over the pairs of years in which the entity
    was billed both years, and the entity it belongs to (its index; ``(0.0, -1)`` when
    no entity was billed two years running)."""
    values = bills.astype(np.float64)
    if values.shape[1] < 2:
        return 0.0, -1
    before, after = values[:, :-1], values[:, 1:]
    both = (before > 0) & (after > 0)
    if not both.any():
        return 0.0, -1
    change = np.where(both, (after - before) / np.where(both, before, 1.0), 0.0)
    flat = int(np.argmax(np.abs(change)))
    i, y = divmod(flat, change.shape[1])
    return float(abs(change[i, y])), i
