"""The instalment calendar: every budget year's due months made at once are the very
floats the year-by-year rule gives (the payments' times, and so their order, rest on it)."""

from __future__ import annotations

import numpy as np
import pytest

from fundsim.model.instalments import (
    due_months,
    due_months_by_year,
    instalment_calendar,
    instalment_cents,
    instalment_payments,
)


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


def test_payments_go_entity_by_entity_with_the_fee_rounded_half_to_even() -> None:
    cents = np.array([[250, 0], [150, 350]])
    at = np.array([[1.5, 7.5], [0.5, 6.25]])
    delays, values = instalment_payments(
        3, cents, at, 1.0, [7, 8], [0.01, 0.03], ["A", "B"], pooled=True
    )
    assert delays == [0.5, 0.0, 5.25]  # from now (1.0), never negative
    assert list(values) == [
        (0, 3, 250, 2, 7, "A", True),  # 2.5 cents of fee: to the even 2
        (1, 3, 150, 4, 8, "B", True),  # 4.5: to 4
        (1, 3, 350, 10, 8, "B", True),  # 10.5: to 10
    ]


def test_an_entity_without_an_account_cannot_be_paid_for() -> None:
    with pytest.raises(ValueError, match="does not have"):
        instalment_payments(0, np.array([[5]]), np.array([[1.0]]), 0.0, [None], [0.0], ["A"], False)


def test_the_calendar_marks_the_instalments_due_at_or_after_an_exit_and_after_the_horizon() -> None:
    exit_at = np.array([np.inf, 18.0])
    due, lost, late = instalment_calendar(3, 2, None, exit_at, 30.0)
    assert due[2].tolist() == [[24.0, 30.0]]  # January fiscal years: one row for all
    assert lost[0] is None  # nobody has left in the first year
    np.testing.assert_array_equal(lost[1], [[False, False], [False, True]])  # due at 18: lost
    np.testing.assert_array_equal(lost[2], [[False, False], [True, True]])
    assert late == [False, False, True]  # the third year's second instalment is due at 30
