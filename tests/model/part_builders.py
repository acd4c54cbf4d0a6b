"""Builders for the unit tests of one model part alone (no World): a shared context
over a ledger with just the accounts the test names."""

from __future__ import annotations

from collections.abc import Sequence

import simpy

from fundsim.model.context import Context
from fundsim.model.ledger import Ledger
from fundsim.model.static import static_for
from fundsim.scenario import Scenario


def part_context(scenario: Scenario, accounts: Sequence[str], price_index: Sequence[float] | None = None) -> Context:
    """A fresh clock and an audited ledger of ``accounts`` over ``scenario``'s horizon, its
    static data, and ``price_index`` (default: no inflation)."""
    sim = scenario.simulation
    prices = tuple(price_index) if price_index is not None else (1.0,) * sim.years
    ledger = Ledger(accounts, sim.months, audit=True)
    return Context(simpy.Environment(), ledger, static_for(scenario), prices, sim.months, sim.years)
