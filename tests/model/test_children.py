"""Children born of SEA (Rec 14): monthly support to 18, paternity claims, priority of support."""

from __future__ import annotations

import math

import numpy as np
import pytest
from victim_builders import run_world, victim_scenario

NO_INFLATION = {"costs": {"inflation_annual": 0.0, "inflation_sd": 0.0}}


def _children(**over) -> dict:
    base = {
        "stock": 10,
        "stock_age_years": 17,  # 12 months of support left each
        "new_per_year": 0,
        "support_usd_year": 1200,  # USD 100 a month
        "paternity_success": 0.0,
    }
    return base | over


def test_each_stock_child_is_paid_until_age_18() -> None:
    world = run_world(
        victim_scenario(NO_INFLATION, children=_children(), funding={"opening_balance_usd": 1e7})
    )
    m = world.result.metrics
    assert m["child_support_paid_usd"] == pytest.approx(10 * 100 * 12, abs=0.005)
    assert m["children_supported"] == 10
    assert m["children_owed_at_end"] == 0
    assert m["obligations_pv_usd"] == 0


def test_a_successful_paternity_claim_ends_support_after_its_delay() -> None:
    children = _children(paternity_success=1.0, paternity_delay_months=6)
    m = run_world(
        victim_scenario(NO_INFLATION, children=children, funding={"opening_balance_usd": 1e7})
    ).result.metrics
    assert m["child_support_paid_usd"] == pytest.approx(10 * 100 * 6, abs=0.005)


def test_child_support_is_paid_before_new_service_packages() -> None:
    """With only USD 20,000 and no income, the USD 12,000 of support is paid in full and
    services go short (Rec 14: interim support whatever the context)."""
    funding = {
        "opening_balance_usd": 20_000,
        "entity_cost_share": 0.0,
        "pledges": {"annual_usd": 0},
    }
    m = run_world(
        victim_scenario(NO_INFLATION, children=_children(), funding=funding)
    ).result.metrics
    assert m["child_support_missed_usd"] == 0
    assert m["child_support_paid_usd"] == pytest.approx(12_000, abs=0.005)
    assert m["services_unmet_usd"] > 0


def test_when_money_runs_out_the_missing_support_is_unmet_need() -> None:
    funding = {"opening_balance_usd": 3_000, "entity_cost_share": 0.0, "pledges": {"annual_usd": 0}}
    m = run_world(
        victim_scenario(NO_INFLATION, children=_children(), funding=funding)
    ).result.metrics
    assert m["child_support_paid_usd"] + m["child_support_missed_usd"] == pytest.approx(
        12_000, abs=0.005
    )
    assert m["child_support_paid_usd"] <= 3_000
    assert m["unmet_need_usd"] >= m["child_support_missed_usd"] > 0


def test_new_children_arrive_at_the_yearly_rate() -> None:
    scn = victim_scenario(
        NO_INFLATION,
        children=_children(stock=0, new_per_year=30, stock_age_years=0),
        funding={"opening_balance_usd": 1e7},
    )
    counts = [run_world(scn, rep=r).victim_fund.children.n for r in range(30)]
    expected = 30 * scn.simulation.years
    assert abs(np.mean(counts) - expected) < 3 * math.sqrt(expected / 30)
