"""The budget annex's victims' window: its first-year budget and invoices are what a
simulated run assesses, to the cent, and its lines add up to the gross."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fundsim.analysis.budget_annex import budget_annex
from fundsim.model.world import World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module", params=["baseline.toml", "victims_rights_advocates.toml"])
def scenario(request):
    full = load_scenario(SCENARIOS / request.param)
    return full.model_copy(update={"simulation": full.simulation.model_copy(update={"years": 2})})


def test_the_invoices_are_the_simulated_runs_to_the_cent(scenario) -> None:
    annex = budget_annex(scenario)
    world = World(scenario, Streams(replication_seed(scenario.simulation.seed, 0)))
    world.run()
    assessed = world.victim_fund.contributors.assessed[:, 0]
    year = f"{scenario.simulation.start_year} (USD)"
    inv = annex.table("victims_invoices")
    annex_cents = np.rint(inv[year].iloc[:-1].to_numpy() * 100).astype(np.int64)
    np.testing.assert_array_equal(annex_cents, assessed)
    assert round(inv[year].iloc[-1] * 100) == int(assessed.sum()) > 0


def test_the_lines_add_up_to_the_gross(scenario) -> None:
    budget = budget_annex(scenario).table("victims_budget").set_index("line").iloc[:, 0]
    parts = budget.iloc[:7].sum()
    assert parts == pytest.approx(budget.iloc[7], abs=0.01)  # the need
    net, fees, gross = budget.iloc[8], budget.iloc[9], budget.iloc[10]
    assert net + fees == pytest.approx(gross, abs=1e-6)
    fee = scenario.victims.funding.admin_fee
    assert gross == pytest.approx(
        net / (1 - fee), abs=0.01
    )  # the fee on receipts grosses the net up
    assert budget.iloc[1] > 0  # case management costs money


def test_the_advocates_table_is_empty_when_the_function_is_paid_elsewhere(scenario) -> None:
    advocates = budget_annex(scenario).table("victims_advocates")
    lines = advocates.iloc[:-1]
    if scenario.victims.advocates.enabled:
        assert lines.iloc[:, -1].sum() == pytest.approx(2_735_000)
    else:
        assert lines.empty
