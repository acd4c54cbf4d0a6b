"""The liability to children rolled forward year by year: it balances to the cent, and its
closing line is the book value of what is still owed (against an independent valuation)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from victim_builders import run_world, victim_scenario

from fundsim.model.children import annuity_factor
from fundsim.model.liability import STATEMENT_COLUMNS

COL = {name: i for i, name in enumerate(STATEMENT_COLUMNS)}

POLICIES: list[dict[str, Any]] = [
    {},
    {"paternity_recovery_share": 0.6},
    {"support_until": "paternity_resolved", "paternity_recovery_share": 0.7},
    {"support_until": {"years": 3}},
    {"discount_rate": 0.0},
]


@pytest.mark.parametrize("children", POLICIES)
@pytest.mark.parametrize("replication", range(4))
def test_the_roll_forward_balances_to_the_cent_every_year(
    children: dict[str, Any], replication: int
) -> None:
    raw = {"costs": {"inflation_annual": 0.03, "inflation_sd": 0.01}}
    world = run_world(
        victim_scenario(raw, children={"paternity_success": 0.4, **children}), rep=replication
    )
    lines = world.victim_fund.statement.lines
    flows = (
        lines[:, COL["opening"]]
        + lines[:, COL["new_children"]]
        + lines[:, COL["interest_unwind"]]
        - lines[:, COL["payments"]]
        - lines[:, COL["release_paternity"]]
        - lines[:, COL["release_interim_end"]]
        + lines[:, COL["revaluation"]]
    )
    np.testing.assert_array_equal(flows, lines[:, COL["closing"]])
    np.testing.assert_array_equal(lines[1:, COL["opening"]], lines[:-1, COL["closing"]])
    # Payments are the support falling due, in that year's prices (within half a cent a month).
    due = np.array(world.victim_fund.children._due).reshape(-1, 12).sum(axis=1)
    assert np.all(np.abs(lines[:, COL["payments"]] - due) <= 6)


def test_the_closing_liability_is_the_book_value_of_what_is_still_owed() -> None:
    """Each child supported at the horizon is owed its current monthly amount until the
    latest end its policy allows (no credit for a claim not yet resolved)."""
    children = {"paternity_success": 0.4, "paternity_recovery_share": 0.5, "discount_rate": 0.03}
    world = run_world(victim_scenario(None, children=children), rep=1)
    c = world.victim_fund.children
    n = c.n_months
    active = (c.start < n) & (c.end >= n) & (c.cap > n)
    amount = np.where(c.change[active] >= n, c.monthly_cents[active], c.after_cents[active])
    book = float((amount * annuity_factor(c.cap[active] - n, 0.03)).sum()) * world.price_index[-1]
    assert world.result.metrics["children_liability_pv_usd"] == pytest.approx(book / 100, abs=0.01)


def test_the_opening_liability_is_today_s_children_at_the_decision_date() -> None:
    children = {
        "stock": 10,
        "stock_age_years": 0,
        "support_usd_year": 1200,
        "new_per_year": 0,
        "paternity_success": 0.0,
        "discount_rate": 0.0,
    }
    world = run_world(
        victim_scenario(
            {"costs": {"inflation_annual": 0.0, "inflation_sd": 0.0}}, children=children
        )
    )
    lines = world.victim_fund.statement.lines
    assert lines[0, COL["opening"]] == 10 * 100_00 * 216
    assert world.result.metrics["children_liability_at_start_usd"] == 10 * 100 * 216
    assert lines[-1, COL["closing"]] == 10 * 100_00 * (216 - 12 * world.scenario.simulation.years)
