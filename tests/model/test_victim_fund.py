"""The victims' fund alone (no World): child support paid first and in part when cash is
short, the December surplus transfer, pledges with the host's fee, the budget assessed."""

from __future__ import annotations

import numpy as np
import pytest
from part_builders import part_context, part_contributors
from victim_builders import victim_scenario

from fundsim.model.allegations import caseload_plan
from fundsim.model.fund import Fund
from fundsim.model.shocks import ShockPlan
from fundsim.model.victim_fund import VICTIM_ACCOUNTS, VictimFund
from fundsim.model.victim_results import victim_metrics
from fundsim.runner.seeds import Streams, replication_seed

NO_INFLATION = {"costs": {"inflation_annual": 0.0}}
#: Two children aged 10, USD 1,200 a year each (10,000 cents a month), no paternity claims.
TWO_CHILDREN = {
    "stock": 2,
    "stock_age_years": 10,
    "new_per_year": 0,
    "support_usd_year": 1200,
    "paternity_success": 0,
}


def _victim_fund(funding: dict, transfers: str = "none", coordinator_cents: int = 0):
    funding = {"opening_balance_usd": 0, **funding}
    scenario = victim_scenario(
        NO_INFLATION, children=TWO_CHILDREN, funding=funding, transfers=transfers
    )
    v = scenario.victims
    accounts = ("coordinator_fund", "opening", "admin_fees", *VICTIM_ACCOUNTS)
    ctx = part_context(scenario, accounts)
    ledger, ix = ctx.ledger, ctx.ledger.index
    coordinator = Fund(ledger, "coordinator_fund")
    ledger.open(coordinator.account, coordinator_cents, ix["opening"])
    fund = Fund(ledger, "victim_fund")
    n, years = len(scenario.entities), ctx.years
    fees = ix["victim_admin_fees"]
    plan = ShockPlan(np.zeros((n, years)), np.full(n, years, dtype=np.int64), None)
    contributors = part_contributors(
        ctx, scenario, plan, fund, [None] * n, v.funding.admin_fee, ix["victim_contributions"], fees
    )
    victim_fund = VictimFund(
        ctx,
        v,
        caseload_plan(scenario),
        fund,
        [],
        coordinator,
        contributors,
        v.funding.admin_fee,
        fees,
        Streams(replication_seed(3, 0)),
    )
    return ctx, victim_fund


def test_child_support_is_paid_in_part_when_cash_is_short_and_the_rest_is_missed() -> None:
    no_pledges = {"opening_balance_usd": 150, "pledges": {"annual_usd": 0}}
    ctx, vf = _victim_fund(no_pledges)
    assert vf.children.due_cents(0) == 20_000
    assert vf.kept_for_children_cents(0) == 12 * 20_000  # the next 12 months kept back
    vf.pay_child_support(0)  # 20,000 due, 15,000 in the fund
    vf.pay_child_support(1)  # 20,000 due, nothing left
    child = ctx.ledger.index["child_support"]
    assert ctx.ledger.balance[child] == 15_000
    assert vf.fund.cash_cents == 0
    assert (vf.children.paid_cents, vf.children.missed_cents) == (15_000, 25_000)


@pytest.mark.parametrize(("transfers", "moved"), [("coordinator_surplus", 400_000), ("none", 0)])
def test_the_december_transfer_moves_only_the_coordinator_surplus(
    transfers: str, moved: int
) -> None:
    _, vf = _victim_fund(
        {"pledges": {"annual_usd": 0}}, transfers=transfers, coordinator_cents=1_000_000
    )
    vf.december(11, coordinator_keep_cents=600_000)
    assert vf.transfers_cents == moved
    assert vf.coordinator_fund.cash_cents == 1_000_000 - moved
    assert vf.fund.cash_cents == moved


def test_a_pledge_arrives_and_pays_the_windows_own_host_its_fee() -> None:
    pledge = {
        "admin_fee": 0.1,
        "pledges": {"annual_usd": 10_000},
    }  # fixed USD 10,000, at a random time in year 1
    ctx, vf = _victim_fund(pledge)
    ctx.env.run(until=12)
    fees = ctx.ledger.index["victim_admin_fees"]
    assert vf.pledged_cents == 1_000_000
    assert ctx.ledger.balance[fees] == 100_000
    assert vf.fund.cash_cents == 900_000


def test_the_budget_is_assessed_on_the_entities_and_paid_into_the_fund() -> None:
    ctx, vf = _victim_fund(
        {"pledges": {"annual_usd": 0}, "admin_fee": 0.0, "entity_cost_share": 1.0}
    )
    budget = vf.budget_cents(0)
    assert budget > 0
    vf.assess(0, largest_payer=0)
    assert vf.contributors.assessed[:, 0].sum() == budget  # split to the cent
    ctx.env.run(until=12)
    paid = int(vf.contributors.paid[:, 0].sum())
    assert vf.fund.cash_cents == paid
    m = victim_metrics(vf)
    assert m["victim_paid_usd"] == paid / 100
