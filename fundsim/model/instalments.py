"""The instalment arithmetic of an assessment: when each instalment falls due and its cents.

Pure functions, shared by every fund that assesses the entities
(:class:`~fundsim.model.contributors.Contributors`): a budget year's bill is paid in
``n_inst`` equal instalments (the remainder cent in the last), due in equal steps from
the first month of each entity's fiscal year. Months from the start of the simulation;
cents.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import repeat

import numpy as np
from numpy.typing import NDArray

#: Each budget year's instalments: due months (years x entities or 1 x instalments), the
#: instalments lost at an exit (None for a year with none), whether any falls due after
#: the horizon.
Calendar = tuple[NDArray[np.float64], list[NDArray[np.bool_] | None], list[bool]]

#: One instalment paid: entity, budget year, cents, the host's fee (cents), the account
#: paid into, the entity's name, whether that is the pooled fund (not the entity's line).
Payment = tuple[int, int, int, int, int, str, bool]


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


def instalment_calendar(
    years: int,
    n_inst: int,
    fiscal_offset: NDArray[np.float64] | None,
    exit_at: NDArray[np.float64],
    horizon: float,
) -> Calendar:
    """Every budget year's instalments at once: when they fall due
    (:func:`due_months_by_year`), which fall due at or after their entity's exit
    (``exit_at``: months, per entity; inf for none), and whether any falls due at or after
    the ``horizon`` (months)."""
    due = due_months_by_year(years, n_inst, fiscal_offset)
    lost: list[NDArray[np.bool_] | None] = [None] * years
    if np.isfinite(exit_at).any():
        every = due >= exit_at[None, :, None]
        for y in np.flatnonzero(every.any(axis=(1, 2))).tolist():
            lost[y] = every[y]
    return due, lost, (due[:, :, -1].max(axis=1) >= horizon).tolist()


def instalment_payments(
    year: int,
    cents: NDArray[np.int64],
    at: NDArray[np.float64],
    now: float,
    accounts: Sequence[int | None],
    rates: Sequence[float],
    names: Sequence[str],
    pooled: bool,
) -> tuple[list[float], Iterator[Payment]]:
    """The instalments of budget ``year`` to pay (``cents`` > 0; entities x instalments), entity
    by entity, instalment by instalment: each one's delay from ``now`` (months, at least 0:
    it falls at ``at``) and its :data:`Payment`, with the host's fee at the entity's rate
    (``rates``) rounded to the cent (half to even), into the entity's ``accounts`` (None
    where it has none: then it must pay nothing)."""
    paid = cents > 0
    entity: list[int] = np.nonzero(paid)[0].tolist()
    amounts: list[int] = cents[paid].tolist()
    delays: list[float] = np.maximum(at[paid] - now, 0.0).tolist()
    fees = [round(c * rates[i]) if rates[i] else 0 for i, c in zip(entity, amounts, strict=True)]
    into = [accounts[i] for i in entity]
    if None in into:
        raise ValueError("an entity pays into an account it does not have")
    values = zip(
        entity,
        repeat(year),
        amounts,
        fees,
        into,
        [names[i] for i in entity],
        repeat(pooled),
        strict=False,
    )
    return delays, values
