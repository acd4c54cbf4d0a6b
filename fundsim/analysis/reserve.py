"""The reserve target of a scenario, year by year, as the coordinator fund sets it."""

from __future__ import annotations

import pandas as pd

from fundsim.runner.plan import planned_reserve_targets_usd
from fundsim.scenario import Scenario


def reserve_target_by_year(scenario: Scenario) -> pd.DataFrame | None:
    """Reserve target at the end of each simulated year (USD), by the coordinator fund's own
    rule (:func:`fundsim.runner.plan.planned_reserve_targets_usd`): ``reserve_target_months
    / 12`` of the next year's planned cost (every post, salary and operating, and the
    host's secretariat lines the pooled fund pays) at expected prices; ``None`` when the
    scenario keeps no reserve."""
    if scenario.mechanism.reserve_target_months <= 0:
        return None
    start = scenario.simulation.start_year
    targets = planned_reserve_targets_usd(scenario)
    return pd.DataFrame(
        [{"year": start + y, "reserve_target_usd": t} for y, t in enumerate(targets)]
    )
