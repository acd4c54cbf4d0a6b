"""The present value of child-support obligations against its closed form."""

from __future__ import annotations

import pytest
from victim_builders import run_world, victim_scenario

NO_INFLATION = {"costs": {"inflation_annual": 0.0, "inflation_sd": 0.0}}


def _pv_closed_form(monthly: float, months: int, rate: float) -> float:
    """Payments of ``monthly`` at months 0.5 ... months - 0.5, discounted at ``rate`` a year."""
    if rate == 0:
        return monthly * months
    v = (1 + rate) ** (-1 / 12)
    return monthly * v**0.5 * (1 - v**months) / (1 - v)


@pytest.mark.parametrize("rate", [0.0, 0.03, 0.1])
def test_pv_of_a_newborn_stock_matches_the_annuity_formula(rate: float) -> None:
    """5 children aged 0 at the start of a 5-year run are owed 216 - 60 = 156 more months."""
    children = {
        "stock": 5,
        "stock_age_years": 0,
        "support_usd_year": 1200,
        "discount_rate": rate,
        "new_per_year": 0,
        "paternity_success": 0.0,
    }
    world = run_world(
        victim_scenario(NO_INFLATION, children=children, funding={"opening_balance_usd": 1e7})
    )
    m = world.result.metrics
    months_left = 216 - 12 * world.scenario.simulation.years
    assert m["children_owed_at_end"] == 5
    assert m["obligations_pv_usd"] == pytest.approx(
        5 * _pv_closed_form(100.0, months_left, rate), rel=1e-12
    )
    # No paternity claim to credit: the book liability is the same present value.
    assert m["children_liability_pv_usd"] == pytest.approx(m["obligations_pv_usd"], abs=0.01)
    cash = world.victim_fund.children_fund.cash_cents / 100
    assert m["funded_ratio"] == pytest.approx(cash / m["children_liability_pv_usd"])


def test_pv_is_at_last_year_prices() -> None:
    children = {
        "stock": 1,
        "stock_age_years": 0,
        "support_usd_year": 1200,
        "discount_rate": 0.0,
        "new_per_year": 0,
        "paternity_success": 0.0,
    }
    raw = {"costs": {"inflation_annual": 0.05, "inflation_sd": 0.0}}
    world = run_world(victim_scenario(raw, children=children, funding={"opening_balance_usd": 1e7}))
    last_price = world.price_index[-1]
    assert last_price == pytest.approx(1.05 ** (world.scenario.simulation.years - 1))
    assert world.result.metrics["obligations_pv_usd"] == pytest.approx(
        100.0 * last_price * 156, rel=1e-12
    )
