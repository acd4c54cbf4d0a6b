"""Shortfalls stay with the entity that caused them: arrears aged, written off after the
set years (then recovered if paid late), billed to nobody else under the ``arrears`` policy;
a July fiscal year's instalment after the horizon is neither unpaid nor assessed; the
largest year-on-year change of a bill; a cut that names one window."""

from __future__ import annotations

import numpy as np
import pytest
from builders import deterministic_dict
from part_builders import part_context, part_contributors

from fundsim.model.bills import max_bill_change
from fundsim.model.budget import BudgetRule
from fundsim.model.fund import Fund
from fundsim.model.shocks import ShockPlan, plan_shocks
from fundsim.scenario import scenario_from_dict

ACCOUNTS = ("fund", "contributions", "admin_fees")


def _contributors(
    cut: np.ndarray | None = None,
    fiscal_start_months: list[int] | None = None,
    write_off_years: int | None = None,
    years: int = 3,
    delay: float = 0.0,
):
    raw = deterministic_dict()  # 4 entities A-D, equal shares
    raw["simulation"]["years"] = years
    raw["payments"] = {"instalments_per_year": 2, "delay_months": delay}
    scenario = scenario_from_dict(raw)
    ctx = part_context(scenario, ACCOUNTS)
    n = len(scenario.entities)
    plan = ShockPlan(
        cut=np.zeros((n, years)) if cut is None else cut,
        exit_year=np.full(n, years, dtype=np.int64),
        exit_largest_year=None,
    )
    fund = Fund(ctx.ledger, "fund")
    ix = ctx.ledger.index
    contributors = part_contributors(
        ctx,
        scenario,
        plan,
        fund,
        [None] * n,
        0.0,
        ix["contributions"],
        ix["admin_fees"],
        fiscal_start_months=fiscal_start_months,
        write_off_years=write_off_years,
    )
    return ctx, fund, contributors


def _rule(policy: str, fee: float = 0.0, credit_periods: int = 1) -> BudgetRule:
    return BudgetRule(
        "pooled",
        fee,
        3.0,
        2,
        "cash",
        None,
        0.03,
        shortfall_policy=policy,
        surplus_credit_periods=credit_periods,
    )


def test_an_entity_paying_80_percent_owes_the_rest_as_arrears_aged_by_budget_year() -> None:
    cut = np.zeros((4, 3))
    cut[0, 1:] = 0.2
    ctx, _, contributors = _contributors(cut)
    contributors.assess(0, 400_000)
    ctx.env.run(until=11.5)
    contributors.assess(1, 400_000)
    ctx.env.run(until=23.5)
    # A paid 80 % of its 100,000-cent bill for year 1: 20,000 cents are its arrears, nobody else's.
    np.testing.assert_array_equal(contributors.arrears_by_entity(2), [20_000, 0, 0, 0])
    assert contributors.arrears_cents(2) == 20_000
    contributors.assess(2, 400_000)
    ctx.env.run(until=36)
    by_age = contributors.receivables_by_age()
    assert by_age[0, 2, 1] == 20_000  # at the end of year 2, A's year-1 arrears are one year old
    assert by_age[0, 2, 0] == 20_000  # and its year-2 cut is this year's
    np.testing.assert_array_equal(contributors.for_others, 0)


def test_arrears_past_the_write_off_years_are_written_off_and_late_payment_recovers_them() -> None:
    cut = np.zeros((4, 3))
    cut[1, 0] = 0.5
    ctx, _, contributors = _contributors(cut, write_off_years=1)
    contributors.assess(0, 400_000)
    ctx.env.run(until=11.5)
    contributors.assess(1, 400_000)  # writes off nothing yet: year 0's invoice is not a year old
    assert contributors.written_off_by_year().sum() == 0
    ctx.env.run(until=23.5)
    # At the end of year 1, B's 50,000 cents unpaid on its year-0 invoice are written off.
    assert contributors.arrears_cents(2) == 0
    np.testing.assert_array_equal(contributors.written_off_by_year()[:, 1], [0, 50_000, 0, 0])
    assert contributors.receivables_by_age()[1, 1, 1] == 0


def test_a_july_fiscal_year_instalment_after_the_horizon_is_neither_unpaid_nor_assessed() -> None:
    ctx, _, contributors = _contributors(fiscal_start_months=[7, 1, 1, 1], years=2)
    contributors.assess(0, 400_000)
    ctx.env.run(until=11.5)
    contributors.assess(1, 400_000)
    ctx.env.run(until=24)
    # A's second instalment of year 1 falls due in January of year 2, after the horizon.
    np.testing.assert_array_equal(contributors.after_horizon[:, 1], [50_000, 0, 0, 0])
    paid, assessed = contributors.paid.sum(axis=1), contributors.assessed_in_horizon.sum(axis=1)
    np.testing.assert_array_equal(paid, assessed)  # everyone paid 100 % of what fell due
    np.testing.assert_array_equal(
        contributors.assessed[:, 1], [100_000] * 4
    )  # the bill itself is whole
    assert contributors.receivables_by_age()[:, -1].sum() == 0  # nothing owed at the horizon


def test_the_largest_bill_change_names_the_entity_and_its_size() -> None:
    _, _, contributors = _contributors(years=3)
    contributors.assessed[:] = [[100, 110, 121], [100, 100, 100], [200, 150, 150], [0, 10, 10]]
    change, who = max_bill_change(contributors.assessed)
    assert who == 2 and change == 0.25  # C's bill fell by a quarter; D's first bill is not a change


def test_under_arrears_the_budget_counts_arrears_as_an_asset_so_others_are_not_billed() -> None:
    plan = [1_000_000.0, 1_030_000.0]
    paid_in_full = _rule("arrears").approved_cents(2, plan, 50_000_000, 0.0, 0)
    one_paid_less = _rule("arrears").approved_cents(2, plan, 50_000_000 - 2_000_000, 0.0, 2_000_000)
    assert one_paid_less == paid_in_full
    rebilled = _rule("reapportion").approved_cents(2, plan, 50_000_000 - 2_000_000, 0.0, 2_000_000)
    assert sum(rebilled) - sum(paid_in_full) == 2_000_000  # the 20,000 USD billed again to all
    assert _rule("reapportion").reapportioned_cents(2, plan, 48_000_000, 0.0, 2_000_000) == [
        1_000_000,
        1_000_000,
    ]
    assert _rule("arrears").reapportioned_cents(2, plan, 48_000_000, 0.0, 2_000_000) == [0, 0]


def test_arrears_count_net_of_the_fee_their_collection_will_pay() -> None:
    plan = [1_000_000.0, 1_000_000.0]
    rule = _rule("arrears", fee=0.1)
    # Receiving 2,000,000 cents would leave 1,800,000 after the fee: the same budget as the cash.
    assert rule.approved_cents(2, plan, 48_000_000, 0.0, 2_000_000) == rule.approved_cents(
        2, plan, 49_800_000, 0.0, 0
    )


def test_a_surplus_is_credited_over_the_stated_number_of_budget_periods() -> None:
    plan = [1_000_000.0, 1_000_000.0]
    reserve = 250_000.0  # 3 months of 1M
    surplus = 400_000.0
    cash = round((reserve + surplus) * 100)
    once = _rule("arrears").approved_cents(2, plan, cash, 0.0)
    halves = _rule("arrears", credit_periods=2).approved_cents(2, plan, cash, 0.0)
    assert once == [round((1_000_000 - surplus / 2) * 100)] * 2
    assert halves == [round((1_000_000 - surplus / 4) * 100)] * 2


def test_the_budget_plans_a_vacancy_factor_and_first_year_vacancies_build_the_reserve() -> None:
    def rule(fill: float) -> BudgetRule:
        return BudgetRule(
            "pooled", 0.0, 3.0, 1, "cash", None, 0.0, vacancy_factor=0.05, first_year_fill=fill
        )

    # 1M planned, 5 % vacancies: 950k spent; the reserve target is 3 months of 1M = 250k.
    assert rule(1.0).approved_cents(1, [1_000_000.0], 0, 0.0) == [120_000_000]  # 950k + 250k
    # Filled 60 % of the first year: 350k of vacancies cover the reserve; the bill is the posts'
    # cost.
    assert rule(0.6).approved_cents(0, [1_000_000.0], 0, 0.0) == [95_000_000]
    # Filled 90 %: 50k of vacancies; the bill adds the other 200k of the reserve.
    assert rule(0.9).approved_cents(0, [1_000_000.0], 0, 0.0) == [115_000_000]


def test_a_cut_naming_one_window_spares_the_other() -> None:
    raw = deterministic_dict()
    raw["cuts"] = [
        {
            "year": raw["simulation"]["start_year"] + 1,
            "fraction": 0.2,
            "entity": "A",
            "windows": "coordinators",
        }
    ]
    scenario = scenario_from_dict(raw)
    plan = plan_shocks(scenario, np.random.default_rng(0))
    assert plan.cut_for("coordinators")[0, 1] == pytest.approx(0.2)
    assert plan.cut_for("victims")[0, 1] == 0.0
    raw["cuts"][0].pop("windows")
    both = plan_shocks(scenario_from_dict(raw), np.random.default_rng(0))
    assert both.cut_for("victims")[0, 1] == pytest.approx(0.2) and both.victim_cut is None


def test_on_the_plan_reference_the_bills_follow_the_plan_whatever_the_cash() -> None:
    from fundsim.model.budget import BudgetBook

    rule = BudgetRule(
        "pooled", 0.0, 3.0, 2, "cash", None, 0.0, shortfall_policy="arrears", reference="plan"
    )
    plan = [1_000_000.0, 1_000_000.0]
    books = []
    for cash in (0, 0):
        book = BudgetBook(rule, 0)
        book.approve(0, plan, cash, 0.0, 0, 0)
        books.append(book)
    # Two funds with the same plan and different realised cash at the second period's start.
    books[0].approve(2, plan, 40_000_000, 0.0, 0, 0)
    books[1].approve(2, plan, 10_000_000, 0.0, 3_000_000, 0)
    assert books[0].approved == books[1].approved
    # A write-off is a loss the plan records: the next budget replenishes it (no fee here).
    books[1].approve(4, plan, 10_000_000, 0.0, 0, 1_000_000)
    books[0].approve(4, plan, 10_000_000, 0.0, 0, 0)
    assert books[1].approved[4] - books[0].approved[4] == 500_000
