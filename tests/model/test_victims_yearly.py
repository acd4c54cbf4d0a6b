"""The victims' window by year (victims_yearly.csv): its yearly spending and income add up
to the window's money out and money in over the horizon."""

from __future__ import annotations

import pytest
from victim_builders import run_world, victim_scenario


@pytest.mark.parametrize("windows", ["separate", "shared_host"])
def test_the_years_add_up_to_the_window_s_flows_over_the_horizon(windows: str) -> None:
    world = run_world(victim_scenario(None, windows=windows, transfers="coordinator_surplus"))
    yearly = world.result.victims_yearly
    m = world.result.metrics
    assert yearly.shape == (world.scenario.simulation.years, 2)
    assert yearly[:, 0].sum() / 100 == pytest.approx(m["victim_outflows_usd"], abs=0.005)
    assert yearly[:, 1].sum() / 100 == pytest.approx(m["victim_inflows_usd"], abs=0.005)
    assert (yearly > 0).all()
