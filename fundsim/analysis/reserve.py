"""The reserve target of a scenario, year by year, as the budget cycle sets it."""

from __future__ import annotations

import pandas as pd

from fundsim.scenario import Scenario
from fundsim.scenario.costs import network_cost_usd


def reserve_target_by_year(scenario: Scenario) -> pd.DataFrame | None:
    """Reserve target per simulated year (USD): ``reserve_target_months / 12`` times the
    planned cost of every post (salary + operating) at expected prices, as the model's
    budget cycle computes it; ``None`` when the scenario keeps no reserve."""
    months = scenario.mechanism.reserve_target_months
    if months <= 0:
        return None
    sim = scenario.simulation
    per_year = network_cost_usd(scenario)
    rows = [
        {
            "year": sim.start_year + y,
            "reserve_target_usd": per_year * (1 + scenario.costs.inflation_annual) ** y * months / 12,
        }
        for y in range(sim.years)
    ]
    return pd.DataFrame(rows)
