"""Builders for the unit tests of one model part alone (no World): a shared context
over a ledger with just the accounts the test names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import simpy

from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.formula_shares import FormulaShares
from fundsim.model.fund import Fund
from fundsim.model.ledger import Ledger
from fundsim.model.shocks import ShockPlan
from fundsim.model.static import static_for
from fundsim.scenario import Scenario


def part_context(
    scenario: Scenario, accounts: Sequence[str], price_index: Sequence[float] | None = None
) -> Context:
    """A fresh clock and an audited ledger of ``accounts`` over ``scenario``'s horizon, its
    static data, and ``price_index`` (default: no inflation)."""
    sim = scenario.simulation
    prices = tuple(price_index) if price_index is not None else (1.0,) * sim.years
    ledger = Ledger(accounts, sim.months, audit=True)
    return Context(simpy.Environment(), ledger, static_for(scenario), prices, sim.months, sim.years)


def part_contributors(
    ctx: Context,
    scenario: Scenario,
    plan: ShockPlan,
    fund: Fund,
    lines: Sequence[Fund | None],
    fee: float,
    contributions_account: int,
    fees_account: int,
    **more: Any,
) -> Contributors:
    """The entities of ``scenario`` paying into ``fund`` (and their own ``lines``) under the
    shocks of ``plan``, with the scenario's payments, participation and formula, and a fixed
    random stream; ``more``: Contributors' other keyword arguments."""
    return Contributors(
        ctx,
        scenario.entity_names,
        scenario.payments,
        scenario.participation,
        FormulaShares(scenario.mechanism.formula, ctx.static),
        plan,
        np.random.default_rng(0),
        fund=fund,
        lines=list(lines),
        fee=fee,
        contributions_account=contributions_account,
        fees_account=fees_account,
        **more,
    )
