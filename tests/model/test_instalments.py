"""The instalment calendar: every budget year's due months made at once are the very
floats the year-by-year rule gives (the payments' times, and so their order, rest on it)."""

from __future__ import annotations

import numpy as np
import pytest

from fundsim.model.instalments import due_months, due_months_by_year, instalment_cents


@pytest.mark.parametrize("n_inst", [1, 2, 3, 4, 5, 7, 12])
@pytest.mark.parametrize("offset", [None, [0.0, 6.0, 3.0, 9.0]])
def test_every_years_due_months_at_once_are_the_same_floats(n_inst, offset) -> None:
    fiscal = None if offset is None else np.array(offset)
    every = due_months_by_year(15, n_inst, fiscal)
    for year in range(15):
        one = due_months(year, n_inst, fiscal)
        assert every[year].shape == one.shape
        assert every[year].tobytes() == one.tobytes()  # bit for bit


def test_a_bill_is_paid_in_equal_instalments_with_the_odd_cents_last() -> None:
    cents = instalment_cents(np.array([10, 7, 0]), 3)
    np.testing.assert_array_equal(cents, [[3, 3, 4], [2, 2, 3], [0, 0, 0]])
