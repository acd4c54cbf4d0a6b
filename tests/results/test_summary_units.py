"""summary.json: each metric carries its registry unit, and an interval of the mean of a
metric that cannot be negative does not dip below zero."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundsim.results import summarize


def test_each_metric_carries_its_unit_and_p_gap_is_the_gap_column():
    reps = pd.DataFrame(
        {
            "replication": range(4),
            "gap": [0.0, 1.0, 0.0, 0.0],
            "lapses": [3.0, 5.0, 0.0, 1.0],
            "closing_balance_usd": [1.0e6, 2.0e6, 1.5e6, 0.5e6],
        }
    )
    s = summarize(reps)
    assert set(s) == {"p_gap", "lapses", "closing_balance_usd"}
    assert s["p_gap"]["unit"] == "probability" and s["p_gap"]["mean"] == 0.25
    assert s["lapses"]["unit"] == "count"
    assert s["closing_balance_usd"]["unit"] == "USD"
    assert isinstance(s["lapses"]["n"], int)


def test_interval_of_a_non_negative_mean_stays_at_or_above_zero():
    unmet = np.zeros(20)
    unmet[3] = 1352.0  # one replication with unmet need: the normal interval would reach below 0
    s = summarize(pd.DataFrame({"unmet_need_usd": unmet}))["unmet_need_usd"]
    assert s["ci95_low"] == 0.0 and s["ci95_high"] > s["mean"] > 0


def test_counts_are_integers_in_summary_json(tmp_path):
    from fundsim.results.metrics import summary_frame, summary_json

    reps = pd.DataFrame(
        {"lapses": [3.0, 5.0, 0.0, 1.0, 2.0, 8.0], "closing_balance_usd": [1.0e6] * 6}
    )
    s = summarize(reps)
    # a percentile of a count is a count some replication had, not 5.6 lapses
    assert {s["lapses"][k] for k in ("p05", "p50", "p95")} <= {3.0, 5.0, 0.0, 1.0, 2.0, 8.0}
    written = summary_json(summary_frame(s))
    assert all(type(written["lapses"][k]) is int for k in ("p05", "p50", "p95", "n"))
    assert type(written["lapses"]["mean"]) is float
    assert type(written["closing_balance_usd"]["p50"]) is float  # money stays a float
