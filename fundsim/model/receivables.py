"""What the entities owe a fund at each year end, aged by the budget year it belongs to.

A pure function of a :class:`~fundsim.model.contributors.Contributors`' books after the
run (cents, entity x budget year, and receipts by calendar year of receipt), for the
statements' arrears and the ``receivables_cents`` output.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def aged_receivables(
    invoiced: NDArray[np.int64],
    receipts: NDArray[np.int64],
    lost: NDArray[np.int64],
    exit_at: NDArray[np.float64],
    written_off: NDArray[np.int64] | None,
    after_horizon: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Receivables at each year end, aged: cents, entities x year ends x age in years (0:
    the year just ended). ``[i, k, a]`` is what entity ``i`` still owed on 31 December of
    year ``k`` on its invoice for budget year ``k - a``: ``invoiced`` (entity x budget year)
    less ``receipts`` received by then (entity x budget year x calendar year), less the
    instalments ``lost`` at its exit from the year end after it (``exit_at``: months, inf
    for none), less ``written_off`` by then (entity x budget year x year end, cumulative;
    None for none), and at the last year end less what falls due only after the horizon
    (``after_horizon``, entity x budget year)."""
    n, years = invoiced.shape
    received_by = np.cumsum(receipts, axis=2)
    year_end = 12.0 * (np.arange(years) + 1)  # k
    gone = lost[:, :, None] * (exit_at[:, None, None] <= year_end[None, None, :])
    owed = invoiced[:, :, None] - received_by - gone  # i, y, k
    if written_off is not None:
        owed = owed - written_off
    if after_horizon.any():
        # Not yet due at the horizon's last year end: not a receivable of the horizon.
        owed[:, :, -1] -= after_horizon
    out = np.zeros((n, years, years), dtype=np.int64)
    k, y = np.tril_indices(years)  # every year end k and budget year y <= k
    out[:, k, k - y] = owed[:, y, k]
    return out
