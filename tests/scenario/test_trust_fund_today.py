"""trust_fund_today reproduces the Trust Fund's reported spending: started in 2022, the
window's simulated spending in 2022 and 2023 has each reported figure inside its 90 % band
and its mean within the reported range (docs/data.md, calibration table)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fundsim.analysis.variants import with_overrides
from fundsim.model.world import World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def window_spending_usd(scenario: Scenario, reps: int, seed: int) -> np.ndarray:
    """Replications x years: everything the victims' window paid out (services, child
    support, caseworkers, fees), USD."""
    out = []
    for r in range(reps):
        world = World(scenario, Streams(replication_seed(seed, r)))
        world.run()
        ledger, fund = world.ledger, world.victim_fund
        assert fund is not None
        inside = [f.account for f in fund.window_funds]
        outside = [i for i in range(len(ledger.accounts)) if i not in inside]
        monthly = ledger.flows[:, outside][:, :, inside].sum(axis=(1, 2))
        out.append(monthly.reshape(-1, 12).sum(axis=1) / 100)
    return np.array(out)


def calibration_table(reps: int = 200, seed: int = 20260712) -> pd.DataFrame:
    """Reported expenses against the simulated spending of trust_fund_today started in 2022."""
    scenario = with_overrides(
        load_scenario(ROOT / "scenarios" / "trust_fund_today.toml"),
        {"simulation.start_year": 2022, "simulation.years": 3},
    )
    spent = window_spending_usd(scenario, reps, seed)
    reported = pd.read_csv(ROOT / "scenarios" / "data" / "trust_fund_reported.csv").set_index("year")["expenses_usd"]
    years = [2022, 2023, 2024]
    return pd.DataFrame({
        "year": years,
        "reported_usd": [reported.get(y, np.nan) for y in years],
        "simulated_mean_usd": spent.mean(axis=0),
        "p05_usd": np.quantile(spent, 0.05, axis=0),
        "p95_usd": np.quantile(spent, 0.95, axis=0),
    })


def test_the_reported_2022_and_2023_spending_lies_in_the_simulated_band() -> None:
    table = calibration_table(reps=100).set_index("year")
    low, high = table.loc[[2022, 2023], "reported_usd"].agg(["min", "max"])
    for year in (2022, 2023):
        row = table.loc[year]
        assert row["p05_usd"] <= row["reported_usd"] <= row["p95_usd"], table
        assert low <= row["simulated_mean_usd"] <= high, table
    assert np.isnan(table.loc[2024, "reported_usd"])  # not found: docs/data.md says so
