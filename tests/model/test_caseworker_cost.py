"""Caseworkers as a costed line: slots paid by the window, "auto" capacity sized to the
expected caseload, and the share of services met outside the fund."""

from __future__ import annotations

import math

import pytest
from victim_builders import run_world, victim_scenario

from fundsim.model.allegations import caseload_plan
from fundsim.model.cases import caseworker_slots
from fundsim.scenario.schema import DAYS_PER_MONTH


def test_auto_capacity_follows_the_expected_caseload() -> None:
    scenario = victim_scenario(None, caseworkers={"capacity": "auto", "target_utilisation": 0.5})
    v = scenario.victims
    plan = caseload_plan(scenario)
    slots = caseworker_slots(v.caseworkers, plan.victims_per_year)
    busy = plan.victims_per_year[0] * 30 / DAYS_PER_MONTH / 12
    assert slots[0] == math.ceil(busy / 0.5)
    surged = victim_scenario(
        None,
        caseworkers={"capacity": "auto", "target_utilisation": 0.5},
        allegations={"scale": 2.0},
    )
    assert (
        caseworker_slots(surged.victims.caseworkers, caseload_plan(surged).victims_per_year)[0]
        >= 2 * slots[0] - 1
    )


def test_slots_are_paid_by_the_window_at_their_yearly_cost() -> None:
    raw = {"costs": {"inflation_annual": 0.0, "inflation_sd": 0.0}}
    world = run_world(
        victim_scenario(
            raw,
            caseworkers={"capacity": 8, "cost_usd_year": 1200},
            funding={"opening_balance_usd": 1_000_000},
        )
    )
    m = world.result.metrics
    assert m["caseworker_cost_usd"] == 8 * 1200 * world.scenario.simulation.years
    assert 0 < m["caseworker_utilisation"] < 1


def test_auto_capacity_turns_a_surge_into_cost_instead_of_dropped_cases() -> None:
    surge = {"scale": 3.0}
    fixed = run_world(
        victim_scenario(
            None,
            caseworkers={"capacity": 4, "cost_usd_year": 1000},
            allegations=surge,
            funding={"opening_balance_usd": 5_000_000},
        )
    ).result.metrics
    auto = run_world(
        victim_scenario(
            None,
            caseworkers={"capacity": "auto", "cost_usd_year": 1000},
            allegations=surge,
            funding={"opening_balance_usd": 5_000_000},
        )
    ).result.metrics
    assert auto["victims_dropped"] < fixed["victims_dropped"]
    assert auto["caseworker_cost_usd"] > fixed["caseworker_cost_usd"]


def test_auto_capacity_needs_one_pool() -> None:
    with pytest.raises(Exception, match="pooling"):
        victim_scenario(None, caseworkers={"capacity": "auto", "pooling": "per_country"})


def test_existing_services_pay_their_share_of_every_package() -> None:
    alone = run_world(
        victim_scenario(None, funding={"opening_balance_usd": 5_000_000})
    ).result.metrics
    helped = run_world(
        victim_scenario(
            None, existing_services_share=0.25, funding={"opening_balance_usd": 5_000_000}
        )
    ).result.metrics
    assert helped["services_paid_usd"] == pytest.approx(0.75 * alone["services_paid_usd"], rel=1e-4)


def test_the_fee_on_expenditure_is_charged_on_what_the_window_spends() -> None:
    funding = {"opening_balance_usd": 5_000_000, "admin_fee": 0.13, "fee_basis": "expenditure"}
    world = run_world(victim_scenario(None, funding=funding))
    ledger, ix = world.ledger, world.ledger.index
    flows = ledger.flows
    # Charged each month on the spending so far: services up to the month before, child support up
    # to now.
    services = int(flows[:-1, ix["victim_services"], ix["victim_fund"]].sum())
    support = int(flows[:, ix["child_support"], ix["children_account"]].sum())
    fees = int(flows[:, ix["victim_admin_fees"], ix["victim_fund"]].sum())
    assert abs(fees - 0.13 * (services + support)) <= 1  # cents
    assert int(flows[:, ix["victim_admin_fees"], ix["pledges"]].sum()) == 0  # nothing on receipts
