"""The children's account: child support is paid from it, the funded ratio reads it alone,
and each funding policy fills it as documented."""

from __future__ import annotations

from typing import Any

import pytest
from victim_builders import run_world, victim_scenario


def _world(children: dict[str, Any] | None = None, **over: Any):
    return run_world(victim_scenario(None, children=children or {}, **over))


def test_child_support_is_paid_from_the_children_account() -> None:
    world = _world()
    ledger = world.ledger
    ix = ledger.index
    flows = ledger.totals
    paid = int(flows[ix["child_support"], ix["children_account"]])
    assert paid == world.victim_fund.children.paid_cents > 0
    assert int(flows[ix["child_support"], ix["victim_fund"]]) == 0


def test_pay_as_you_go_holds_no_more_than_the_support_falling_due() -> None:
    m = _world().result.metrics
    assert m["children_account_usd"] == 0.0  # nothing is due beyond the horizon
    assert m["funded_ratio"] == 0.0


@pytest.mark.parametrize("funding", ["prefund_at_entry", {"target_ratio": 0.5}])
def test_pre_funding_raises_the_funded_ratio_with_enough_money(funding: Any) -> None:
    rich = {"opening_balance_usd": 5_000_000}
    m = _world({"funding": funding}, funding=rich).result.metrics
    assert m["child_support_missed_usd"] == 0.0
    expected = 0.5 if isinstance(funding, dict) else 1.0
    # Prefunded at entry, the account falls behind the liability by the interest it does not earn.
    assert m["funded_ratio"] == pytest.approx(expected, abs=0.15 if expected == 1.0 else 0.01)


def test_unpaid_services_do_not_raise_the_funded_ratio() -> None:
    """Fewer caseworkers leave services unpaid and cash idle; the children's account is the same."""
    many = _world(caseworkers={"capacity": 8}).result.metrics
    few = _world(caseworkers={"capacity": 1}).result.metrics
    assert few["services_paid_usd"] < many["services_paid_usd"]
    assert few["funded_ratio"] == many["funded_ratio"]


def test_a_partial_paternity_recovery_keeps_the_window_paying_the_rest() -> None:
    full = _world({"paternity_success": 1.0, "paternity_delay_months": 6}).result.metrics
    half = _world(
        {"paternity_success": 1.0, "paternity_delay_months": 6, "paternity_recovery_share": 0.5}
    ).result.metrics
    assert half["child_support_paid_usd"] > full["child_support_paid_usd"]


def test_interim_support_ends_at_the_paternity_resolution() -> None:
    to_18 = _world({"paternity_delay_months": 12}).result.metrics
    interim = _world(
        {"paternity_delay_months": 12, "support_until": "paternity_resolved"}
    ).result.metrics
    assert interim["child_support_paid_usd"] < to_18["child_support_paid_usd"]
    assert interim["obligations_pv_usd"] < to_18["obligations_pv_usd"]


def test_an_account_earning_the_discount_rate_keeps_pace_with_the_liability_to_the_dollar() -> None:
    """Pre-funded at entry and earning the liability's own basis (real discount rate plus
    the year's price change), the account equals the book liability at the horizon."""
    raw = {"costs": {"inflation_annual": 0.03, "inflation_sd": 0.01}}
    children = {
        "funding": "prefund_at_entry",
        "account_return": "discount_rate",
        "paternity_success": 0.0,
        "discount_rate": 0.03,
    }
    for rep in range(3):
        m = run_world(
            victim_scenario(raw, children=children, funding={"opening_balance_usd": 5_000_000}),
            rep=rep,
        ).result.metrics
        assert m["child_support_missed_usd"] == 0.0
        assert m["children_interest_usd"] > 0
        assert m["children_account_usd"] == pytest.approx(m["children_liability_pv_usd"], abs=1.0)


def test_paternity_releases_stay_in_a_prefunded_account_so_it_ends_above_the_liability() -> None:
    children = {
        "funding": "prefund_at_entry",
        "account_return": "discount_rate",
        "paternity_success": 0.3,
    }
    m = _world(children, funding={"opening_balance_usd": 5_000_000}).result.metrics
    without = _world(
        {**children, "account_return": "none"}, funding={"opening_balance_usd": 5_000_000}
    ).result.metrics
    assert m["funded_ratio"] > max(1.0, without["funded_ratio"])


def test_the_account_earns_the_mechanism_s_interest_rate_only_when_told_to() -> None:
    children = {"funding": {"target_ratio": 0.5}}
    rich = {"opening_balance_usd": 5_000_000}
    mech = victim_scenario(None).mechanism.model_dump()
    paying = {"mechanism": {**mech, "interest_rate_annual": 0.04}}
    earns = run_world(
        victim_scenario(
            paying, children={**children, "account_return": "interest_rate"}, funding=rich
        )
    ).result.metrics
    idle = run_world(victim_scenario(paying, children=children, funding=rich)).result.metrics
    # 4 % a year on an account of about half the liability, over ten years
    assert earns["children_interest_usd"] > 0.02 * idle["children_account_usd"]
    assert idle["children_interest_usd"] == 0.0
    assert (
        earns["victim_assessed_usd"] < idle["victim_assessed_usd"]
    )  # the budget counts on the return
