"""The table helpers every part of the budget annex shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundsim.analysis.annex_tables import (
    AnnexPeriod,
    share_formats,
    usd,
    usd_formats,
    with_total,
)


def test_a_totals_row_goes_last_and_stands_alone_under_an_empty_table() -> None:
    frame = pd.DataFrame({"line": ["a", "b"], "2026 (USD)": [1.0, 2.0]})
    total = with_total(frame, ["total", 3.0])
    assert total["line"].tolist() == ["a", "b", "total"]
    assert total["2026 (USD)"].iloc[-1] == 3.0
    assert with_total(frame.iloc[:0], ["total", 0.0])["line"].tolist() == ["total"]


def test_cents_become_dollars_exactly() -> None:
    assert usd(123_456_789) == 1_234_567.89
    assert usd(np.int64(-5)) == -0.05


def test_formats_follow_the_units_in_the_headings() -> None:
    frame = pd.DataFrame(columns=["entity", "share 2026 (share)", "2026 (USD)", "x (USD, period)"])
    assert usd_formats(frame) == {"2026 (USD)": "usd", "x (USD, period)": "usd"}
    assert share_formats(frame) == {"share 2026 (share)": "share"}


def test_a_period_heads_one_usd_column_a_year() -> None:
    period = AnnexPeriod((2026, 2027), ["2026", "2027"], [1.0, 1.02])
    assert period.usd_columns() == ["2026 (USD)", "2027 (USD)"]
