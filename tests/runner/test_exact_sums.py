"""Money summed across replications never wraps.

``posts.annual_cost_usd = 1e14`` at 200 replications used to give a negative
``assessed_usd`` in ``shares.csv`` (an int64 sum of cents across replications). The
schema now bounds money, and the runner sums cents as exact integers besides.
"""

from __future__ import annotations

import numpy as np

from fundsim.runner.montecarlo import _exact_sum, _mean_usd


def test_cents_near_the_int64_limit_sum_exactly() -> None:
    big = np.iinfo(np.int64).max // 2
    cents = np.full((5, 2, 3), big, dtype=np.int64)  # replications x entities x years
    total = _exact_sum(cents)
    assert total.shape == (2, 3)
    assert all(int(t) == 5 * big for t in total.ravel())  # an int64 sum would be negative
    mean = _mean_usd(total, 5)
    assert np.all(mean > 0)
    assert mean[0, 0] == big / 100
