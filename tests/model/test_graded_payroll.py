"""Under standard costing each post is paid its own grade's cost: the payroll of a
replication is, to the cent, each post's filled months times its monthly salary."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fundsim.model.ledger import to_cents
from fundsim.model.world import World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import load_scenario
from fundsim.scenario.grades import post_salaries_usd
from fundsim.scenario.overrides import with_overrides

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_each_post_is_paid_its_standard_cost() -> None:
    scenario = with_overrides(
        load_scenario(SCENARIOS / "graded_posts.toml"),
        {"costs.inflation_sd": 0.0, "costs.inflation_annual": 0.0, "simulation.years": 3},
    )
    world = World(scenario, Streams(replication_seed(3, 0)), audit=True)
    result = world.run()
    salaries = world.ledger.flows[:, world.ledger.index["salaries"], world.fund.account].sum()
    monthly = np.array([to_cents(a / 12) for a in post_salaries_usd(scenario)])
    expected = int((result.filled_months.sum(axis=1) * monthly).sum())
    assert int(salaries) == expected
    assert len(set(monthly.tolist())) > 1
