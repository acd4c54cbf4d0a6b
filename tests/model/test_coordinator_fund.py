"""The coordinator fund alone (no World): the budget and reserve target by its own rule (the
report's reserve line is the same rule), a review's managed cuts, the secretariat and the
fee on expenditure paid from free cash, the lines' year-end lapse, and the pooled fund's
liquidity (the host's advance covers committed salaries, is repaid first, and is not free
cash)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from builders import deterministic_dict
from part_builders import part_context, part_contributors

from fundsim.model.arrangement import arrange
from fundsim.model.coordinator_fund import CoordinatorFund, planned_reserve_targets_usd
from fundsim.model.coordinators import Coordinators
from fundsim.model.fund import Fund
from fundsim.model.ledger import to_cents
from fundsim.model.liquidity import Liquidity
from fundsim.model.shocks import ShockPlan
from fundsim.scenario import scenario_from_dict

#: deterministic_dict's posts: USD 280,000 salary + 100,000 operating a year, four of them.
PLANNED_USD = 4 * 380_000


def _coordinator_fund(
    raw: dict,
    prices: tuple[float, ...] | None = None,
    fee_on_expenditure: float = 0.0,
    **arrangement: object,
) -> CoordinatorFund:
    """A pooled coordinator fund over deterministic_dict's 4 posts, built by hand from its
    parts; ``arrangement``: fields of the scenario's arrangement to replace."""
    scenario = scenario_from_dict(raw)
    ctx = part_context(
        scenario,
        (
            "coordinator_fund",
            "contributions",
            "interest",
            "salaries",
            "operating",
            "admin_fees",
            "opening",
            "secretariat",
            "lapsed",
            "host:A",
        ),
        prices,
    )
    a = dataclasses.replace(arrange(scenario, ctx.static), **arrangement)
    ledger, ix = ctx.ledger, ctx.ledger.index
    fund = Fund(ledger, "coordinator_fund")
    n, years = len(scenario.entities), ctx.years
    plan = ShockPlan(np.zeros((n, years)), np.full(n, years, dtype=np.int64), None)
    contributors = part_contributors(
        ctx, scenario, plan, fund, [None] * n, 0.0, ix["contributions"], ix["admin_fees"]
    )
    coordinators = Coordinators(
        ctx,
        scenario.posts,
        np.random.default_rng(0),
        [fund] * 4,
        salaries_account=ix["salaries"],
        operating_account=ix["operating"],
    )
    lines = {"A": Fund(ledger, "host:A")} if a.lead_entities else {}
    return CoordinatorFund(
        ctx,
        a,
        scenario.mechanism,
        fund,
        lines,
        None,
        coordinators,
        contributors,
        None,
        fee=0.0,
        fee_on_expenditure=fee_on_expenditure,
        accounts=dict(ix),
        expected_inflation=scenario.costs.inflation_annual,
        line_posts=[(e, []) for e in scenario.entity_names],
    )


def test_the_budget_funds_the_year_and_the_reserve_less_the_cash_in_hand() -> None:
    cf = _coordinator_fund(deterministic_dict(opening=200_000.0, reserve_months=6))
    assert cf.fund.cash_cents == 20_000_000  # the opening balance, opened by the fund itself
    assert cf.planned_cost_usd(0) == PLANNED_USD
    assert cf.budget_cents(0) == to_cents(PLANNED_USD * 1.5 - 200_000)
    assert cf.keep_cents(0) == to_cents(PLANNED_USD * 1.5)  # kept back before a surplus transfer


def test_the_reserve_target_is_months_of_next_years_cost_and_the_report_uses_the_same_rule() -> (
    None
):
    raw = deterministic_dict(reserve_months=6)
    raw["costs"] = {"inflation_annual": 0.1}
    prices = (1.0, 1.1, 1.1**2)
    cf = _coordinator_fund(raw, prices)
    targets = [cf.reserve_target_cents(y) for y in range(3)]
    # End of year 0: half of year 1's cost; the last year end: half of its own year's.
    assert targets == [to_cents(PLANNED_USD * p / 2) for p in (1.1, 1.1**2, 1.1**2)]
    planned = planned_reserve_targets_usd(scenario_from_dict(raw))
    assert [to_cents(t) for t in planned] == targets


def test_a_review_freezes_the_lowest_priority_vacant_posts_until_the_rest_fits() -> None:
    raw = deterministic_dict(opening=500_000.0)
    raw["mechanism"]["shortfall_order"] = ["freeze_vacant"]
    cf = _coordinator_fund(raw)
    cf.first_review()  # USD 500,000 free; each vacant post needs USD 380,000 for the year
    coord = cf.coordinators
    assert coord.frozen == set(coord.order[1:])
    assert coord.sustained_by_year[0] == 1


def test_the_secretariat_is_paid_from_free_cash_then_missed_and_the_fee_is_on_spending() -> None:
    # USD 120,000 a year: 1,000,000 cents a month; 10 % on what the fund spends.
    cf = _coordinator_fund(
        deterministic_dict(opening=15_000.0), fee_on_expenditure=0.1, secretariat_usd=120_000.0
    )
    ledger, ix = cf.fund.ledger, cf.fund.ledger.index
    cf.pay_running_costs(0)
    cf.pay_running_costs(1)  # 400,000 cents left: the secretariat is missed
    assert (cf.secretariat_paid_cents, cf.secretariat_missed_cents) == (1_000_000, 1_000_000)
    assert ledger.balance[ix["admin_fees"]] == 100_000
    assert cf.fund.cash_cents == 1_500_000 - 1_100_000
    assert cf.fee_owed_cents == 0
    assert cf.host_metrics() == {}  # no [host] table: nothing to report


def test_what_a_line_has_not_committed_lapses_at_year_end_when_lines_do_not_carry_over() -> None:
    cf = _coordinator_fund(deterministic_dict(), lead_entities=("A",), lapse_lines=True)
    line = cf.lines["A"]
    line.ledger.open(line.account, 1_000_000, line.ledger.index["opening"])
    line.committed = 300_000
    cf.lapse_lines(11)
    assert line.cash_cents == 300_000
    assert line.ledger.balance[line.ledger.index["lapsed"]] == 700_000
    kept = _coordinator_fund(deterministic_dict(), lead_entities=("A",), lapse_lines=False)
    kept.lines["A"].ledger.open(
        kept.lines["A"].account, 1_000_000, kept.lines["A"].ledger.index["opening"]
    )
    kept.lapse_lines(11)
    assert kept.lines["A"].cash_cents == 1_000_000


# ---------------------------------------------------------------- the pooled fund's liquidity


def _liquidity(cash: int, limit: int, authority: int | None = None) -> Liquidity:
    scenario = scenario_from_dict(deterministic_dict())
    ctx = part_context(scenario, ("coordinator_fund", "prefinancing", "salaries", "opening"))
    fund = Fund(ctx.ledger, "coordinator_fund")
    ctx.ledger.open(fund.account, cash, ctx.ledger.index["opening"])
    return Liquidity(
        ctx,
        fund,
        limit,
        ctx.ledger.index["prefinancing"],
        authority=(lambda month: authority) if authority is not None else None,
    )


def test_the_hosts_advance_covers_committed_salaries_and_is_repaid_first() -> None:
    liq = _liquidity(cash=1_000, limit=5_000)
    shed_calls: list[int] = []
    paid = liq.cover_committed(
        0, 4_000, lambda month, total, limit: shed_calls.append(limit) or total
    )
    assert (paid, liq.advanced, liq.peak_need, shed_calls) == (4_000, 3_000, 3_000, [])
    ledger = liq.fund.ledger
    ledger.post(0, ledger.index["salaries"], liq.fund.account, 4_000)
    ledger.post(0, liq.fund.account, ledger.index["opening"], 2_000)  # receipts arrive
    liq.repay(1)
    assert (liq.advanced, liq.fund.cash_cents) == (1_000, 0)


def test_salaries_beyond_cash_and_the_limit_are_shed() -> None:
    liq = _liquidity(cash=1_000, limit=2_000)
    # 5,000 due, 3,000 coverable: the posts' side drops salaries down to the limit it is given.
    paid = liq.cover_committed(0, 5_000, lambda month, total, limit: limit)
    assert (paid, liq.advanced, liq.peak_need) == (3_000, 2_000, 4_000)


def test_an_outstanding_advance_is_not_free_cash_but_authority_on_receivables_is() -> None:
    liq = _liquidity(cash=10_000, limit=0, authority=4_000)
    assert liq.headroom_cents(0) == 14_000
    assert liq.can_commit(14_000, 0) and not liq.can_commit(14_001, 0)
    liq.advanced = 3_000
    assert liq.headroom_cents(0) == 11_000
    # Free cash pays; beyond cash only what the limit allows (none here).
    assert not liq.try_pay_free(0, liq.fund.ledger.index["salaries"], 10_001, "x")
    assert liq.try_pay_free(0, liq.fund.ledger.index["salaries"], 7_000, "x")


@pytest.mark.parametrize("months", [0.0, 3.0])
def test_the_reports_reserve_line_is_absent_without_a_reserve(months: float) -> None:
    from fundsim.analysis.reserve import reserve_target_by_year

    table = reserve_target_by_year(scenario_from_dict(deterministic_dict(reserve_months=months)))
    if months == 0:
        assert table is None
    else:
        assert table is not None
        assert table["reserve_target_usd"].tolist() == pytest.approx([PLANNED_USD / 4] * 3)
