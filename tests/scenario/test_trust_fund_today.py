"""trust_fund_today reproduces the Trust Fund's reported spending: started in 2022, the
window's simulated spending in 2022 and 2023 has each reported figure inside its 90 % band
and its mean within the reported range (docs/data.md, calibration table)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import fundsim
from fundsim.analysis.victims_tables import trust_fund_calibration

ROOT = Path(__file__).resolve().parents[2]


def calibration_table(reps: int = 200, seed: int = 20260712) -> pd.DataFrame:
    """Reported expenses against the simulated spending of trust_fund_today started in 2022
    (scenarios/trust_fund_2022.toml), as docs/data.md builds its calibration table."""
    run = fundsim.run(ROOT / "scenarios" / "trust_fund_2022.toml", reps=reps, seed=seed, workers=1)
    return trust_fund_calibration(run, ROOT / "scenarios" / "data" / "trust_fund_reported.csv")


def test_the_reported_2022_and_2023_spending_lies_in_the_simulated_band() -> None:
    table = calibration_table(reps=100).set_index("year")
    low, high = table.loc[[2022, 2023], "reported_usd"].agg(["min", "max"])
    for year in (2022, 2023):
        row = table.loc[year]
        assert row["p05_usd"] <= row["reported_usd"] <= row["p95_usd"], table
        assert row["in_band"]
        assert low <= row["simulated_mean_usd"] <= high, table
    assert pd.isna(table.loc[2024, "in_band"])  # not reported
