"""The instalment arithmetic of an assessment: when each instalment falls due and its cents.

Pure functions, shared by every fund that assesses the entities
(:class:`~fundsim.model.contributors.Contributors`): a budget year's bill is paid in
``n_inst`` equal instalments (the remainder cent in the last), due in equal steps from
the first month of each entity's fiscal year. Months from the start of the simulation;
cents.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def due_months(
    year: int, n_inst: int, fiscal_offset: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """When each instalment of budget ``year`` falls due, months from the start
    (entities x instalments, or one row for all when every fiscal year starts in January):
    equal steps of ``12 / n_inst`` months from each entity's first fiscal month
    (``fiscal_offset``: months after January, per entity; None: all January)."""
    due = np.asarray(12 * year + np.arange(n_inst) * (12 / n_inst), dtype=np.float64)[None, :]
    if fiscal_offset is not None:
        due = due + fiscal_offset[:, None]
    return due


def due_months_by_year(
    years: int, n_inst: int, fiscal_offset: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """:func:`due_months` of every budget year at once (years x entities x instalments, or
    years x 1 x instalments when every fiscal year starts in January): the same values,
    made with the same operations, in one go."""
    steps = np.arange(n_inst) * (12 / n_inst)
    due = (12 * np.arange(years)[:, None] + steps)[:, None, :]
    if fiscal_offset is not None:
        due = due + fiscal_offset[None, :, None]
    return due


def instalment_cents(amounts: NDArray[np.int64], n_inst: int) -> NDArray[np.int64]:
    """Each entity's bill ``amounts`` (cents) in ``n_inst`` equal instalments, the
    remainder cent(s) in the last (entities x instalments, summing to ``amounts``)."""
    part, extra = np.divmod(amounts, n_inst)
    cents = np.repeat(part[:, None], n_inst, axis=1)
    cents[:, -1] += extra
    return cents
