"""Victim assistance (Rec 12) in a whole replication: waiting for money, priority, metrics,
the draws, bad sections (the cases alone: ``test_cases.py``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import DATA, mini_dict
from victim_builders import run_world, victim_scenario

from fundsim.model import simulate
from fundsim.model.allegations import draw_victims
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import ScenarioError, scenario_from_dict

VICTIM_METRICS = (
    "victims_assisted_share",
    "median_wait_days",
    "unmet_need_usd",
    "funded_ratio",
    "obligations_pv_usd",
    "children_supported",
)


def test_scenario_without_victims_emits_no_victim_metrics(mini) -> None:
    result = simulate(mini, Streams(replication_seed(3, 0)))
    assert not set(VICTIM_METRICS) & set(result.metrics)


def test_a_separate_victim_window_leaves_the_coordinator_fund_untouched() -> None:
    """Same seed, same coordinator results with or without the victims window (separate
    hosts, no transfers): its draws come from its own streams."""
    raw = mini_dict()
    without = simulate(scenario_from_dict(raw, base_dir=DATA), Streams(replication_seed(5, 2)))
    with_v = simulate(victim_scenario(), Streams(replication_seed(5, 2)))
    for key, value in without.metrics.items():
        assert with_v.metrics[key] == value, key
    np.testing.assert_array_equal(without.monthly, with_v.monthly)
    for key in VICTIM_METRICS:
        assert key in with_v.metrics


def test_with_plenty_of_money_every_victim_is_assisted_and_nothing_is_unmet() -> None:
    scn = victim_scenario(funding={"opening_balance_usd": 1e9})
    m = run_world(scn).result.metrics
    assert m["victims_assisted_share"] == 1.0
    assert m["unmet_need_usd"] == 0.0
    assert m["victims_dropped"] == 0.0
    # Waits are intake plus at most the month to the next tick, in days.
    assert 0 < m["median_wait_days"] < 30 * 3


def test_without_money_nobody_is_assisted_and_the_need_is_unmet() -> None:
    scn = victim_scenario(
        funding={"opening_balance_usd": 0, "entity_cost_share": 0.0, "pledges": {"annual_usd": 0}},
        allegations={"ip_payer": "fund"},
    )
    world = run_world(scn)
    m = world.result.metrics
    a = world.cases
    assisted = ~np.isnan(a.first_assist)
    # Only cases that need no paid service at all get through (their package costs nothing).
    assert (a.draws.package_cents[assisted] == 0).all()
    assert m["victims_assisted_share"] < 0.2
    assert m["victims_dropped"] > 0
    assert m["unmet_need_usd"] > 0
    assert m["child_support_paid_usd"] == 0.0


def test_children_first_serves_child_victims_before_adults_when_money_is_short() -> None:
    short = {"opening_balance_usd": 0, "entity_cost_share": 0.3, "reserve_target_months": 0}
    shares = {}
    for rule in ("children_first", "fifo"):
        world = run_world(
            victim_scenario(
                funding=short, priority={"rule": rule}, children={"stock": 0, "new_per_year": 0}
            )
        )
        a = world.cases
        child = a.draws.child
        assisted = ~np.isnan(a.first_assist)
        shares[rule] = (assisted[child].mean(), assisted[~child].mean())
    child_cf, adult_cf = shares["children_first"]
    assert child_cf > adult_cf  # children first
    assert child_cf > shares["fifo"][0]  # ... and more of them than first come, first served


def test_partner_paid_cases_cost_the_fund_nothing() -> None:
    fund = run_world(victim_scenario(allegations={"ip_payer": "fund"})).result.metrics
    partner = run_world(victim_scenario(allegations={"ip_payer": "partner"})).result.metrics
    assert fund["partner_paid_usd"] == 0.0
    assert partner["partner_paid_usd"] > 0
    assert partner["services_paid_usd"] < fund["services_paid_usd"]


def test_a_surge_adds_allegations_and_keeps_the_earlier_ones() -> None:
    base = victim_scenario()
    surge = victim_scenario(allegations={"surges": [{"year": 2028, "factor": 1.5, "years": 2}]})
    d0 = draw_victims(base, Streams(replication_seed(9, 0)))
    d1 = draw_victims(surge, Streams(replication_seed(9, 0)))
    before = d0.alleg_time < 24
    np.testing.assert_array_equal(d0.alleg_time[before], d1.alleg_time[: before.sum()])
    in_surge0 = ((d0.alleg_time >= 24) & (d0.alleg_time < 48)).sum()
    in_surge1 = ((d1.alleg_time >= 24) & (d1.alleg_time < 48)).sum()
    assert in_surge1 > in_surge0


def test_arrival_rate_matches_the_countries_table() -> None:
    scn = victim_scenario(allegations={"victims_per_allegation": 1})
    n = [draw_victims(scn, Streams(replication_seed(1, r))).alleg_time.size for r in range(40)]
    expected = sum(c.allegations_per_year for c in scn.countries) * scn.simulation.years
    assert abs(np.mean(n) - expected) < 3 * math.sqrt(expected / 40)


def test_package_costs_add_up_to_the_services_drawn() -> None:
    d = draw_victims(victim_scenario(), Streams(replication_seed(2, 0)))
    assert (d.by_month.sum(axis=0) == d.package_cents).all()
    assert (d.package_cents >= 0).all()
    # psychosocial is a fixed USD 600 over 6 months: whoever needs it pays 10,000 cents a month
    assert set(np.unique(d.by_month[2:6])) <= {0, 10_000}


@pytest.mark.parametrize(
    ("victims", "key"),
    [
        ({"funding": {"shared_admin_fee": 0.05}}, "victims.funding.shared_admin_fee"),
        (
            {"funding": {"formula": {"kind": "proportional", "key": "expenditure"}}},
            "victims.funding.formula.key",
        ),
        (
            {"allegations": {"surges": [{"year": 2050, "factor": 2}]}},
            "victims.allegations.surges[0].year",
        ),
        (
            {
                "services": [
                    {"name": "a", "share": 1, "cost_usd": 1},
                    {"name": "a", "share": 1, "cost_usd": 1},
                ]
            },
            "victims.services[1].name",
        ),
        ({"priority": {"rule": "richest_first"}}, "victims.priority.rule"),
    ],
)
def test_bad_victim_sections_give_one_line_errors(victims: dict, key: str) -> None:
    with pytest.raises(ScenarioError) as err:
        victim_scenario(**victims)
    assert key in str(err.value)
    assert "\n" not in str(err.value)
