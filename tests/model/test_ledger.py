"""The ledger's sums after the run equal the dense month-by-account table, to the cent."""

from __future__ import annotations

import numpy as np
import pytest

from fundsim.model.ledger import Ledger


def _ledger_with_postings(seed: int = 3) -> Ledger:
    rng = np.random.default_rng(seed)
    ledger = Ledger(("fund", "contributions", "salaries", "fees"), 24)
    for _ in range(500):
        to, frm = rng.choice(4, size=2, replace=False).tolist()
        ledger.post(int(rng.integers(24)), to, frm, int(rng.integers(0, 10**9)))
    return ledger


def test_totals_yearly_and_monthly_series_match_the_dense_table() -> None:
    ledger = _ledger_with_postings()
    open_flows = ledger.flows.copy()  # read before closing: built from the postings so far
    ledger.close()
    flows = ledger.flows
    assert np.array_equal(flows, open_flows)
    assert np.array_equal(ledger.totals, flows.sum(axis=0))
    assert np.array_equal(ledger.yearly, flows.reshape(2, 12, 4, 4).sum(axis=1))
    series = ledger.monthly_between([0, 3], [1, 2])
    assert series.dtype == np.int64
    assert np.array_equal(series, flows[:, [0, 3]][:, :, [1, 2]].sum(axis=(1, 2)))


def test_a_posting_after_close_is_an_error() -> None:
    ledger = _ledger_with_postings()
    ledger.close()
    with pytest.raises((AttributeError, TypeError)):
        ledger.post(0, 0, 1, 5)
