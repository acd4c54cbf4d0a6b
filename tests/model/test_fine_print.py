"""The rules' fine print, as docs/model.md writes it ("Order of things within a month" and
"Rounding"): each statement there is pinned by one test here.

- the fee on expenditure is rounded on the running total, not month by month;
- a recruitment lag of 0 or 1 both pay from the month after recruiting starts, 2 and 3
  from the second and third;
- a review comes after the month's recruitment and covers the months after it;
- the statements' reserve line caps at the *next* year's reserve target;
- the budget (and its annex) grosses the fee on expenditure up on the reserve build-up too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from builders import deterministic_dict
from conftest import SCENARIOS

from fundsim.analysis.budget_annex import budget_annex
from fundsim.analysis.variants import with_overrides
from fundsim.model.statements import statement_lines
from fundsim.model.world import World
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import load_scenario, scenario_from_dict
from fundsim.scenario.host import gross_up


def _world(raw: dict[str, Any]) -> World:
    return World(scenario_from_dict(raw), Streams(replication_seed(1, 0)))


def _rich(raw: dict[str, Any]) -> dict[str, Any]:
    """Enough opening money that nothing is ever short (and no contribution is asked)."""
    raw["mechanism"]["opening_balance_usd"] = 50_000_000.0
    return raw


def test_the_fee_on_expenditure_is_rounded_on_the_running_total() -> None:
    raw = _rich(deterministic_dict(years=2))
    # USD 10,000.01 a month per post, no operating cost: 7 % of it is 70,000.07 cents.
    raw["posts"].update(annual_cost_usd=120_000.12, operating_cost_usd=0.0)
    raw["mechanism"].update(admin_fee=0.07, fee_basis="expenditure")
    world = _world(raw)
    result = world.run()
    ledger = world.ledger
    fund = ledger.index["coordinator_fund"]
    spent = int(ledger.totals[ledger.index["salaries"], fund])
    fees = int(ledger.totals[ledger.index["admin_fees"], fund])
    months_paid = spent // 1_000_001
    assert spent == months_paid * 1_000_001 and months_paid > 11
    # round(rate x expenditure to date), not the sum of each month's rounded fee.
    assert fees == round(0.07 * spent)
    assert fees != months_paid * round(0.07 * 1_000_001)
    assert result.metrics["admin_fees_usd"] == fees / 100


def test_the_issues_example_eleven_months_of_one_post() -> None:
    """One post-month of USD 10,000.01 eleven times at 7 %: USD 7,700.01, not 7,700.00."""
    owed, paid = 0.0, 0
    for _ in range(11):  # the rule of World._pay_running_costs, cash ample
        owed += 1_000_001 * 0.07
        pay = round(owed)
        paid, owed = paid + pay, owed - pay
    assert paid == 770_001


@pytest.mark.parametrize(("lag", "first_month"), [(0, 1), (1, 1), (2, 2), (3, 3)])
def test_the_recruitment_lag_convention(lag: int, first_month: int) -> None:
    raw = _rich(deterministic_dict(years=1))
    raw["posts"]["recruitment_lag_months"] = lag
    result = _world(raw).run()
    filled = result.monthly[:, 3]
    assert int(np.argmax(filled > 0)) == first_month
    assert filled[first_month] == 4 and filled[:first_month].sum() == 0


def test_a_review_comes_after_the_months_recruitment_and_covers_the_months_after(
    monkeypatch,
) -> None:
    raw = _rich(deterministic_dict(years=2))
    raw["mechanism"]["shortfall_order"] = ["freeze_vacant", "decline_renewals"]
    raw["mechanism"]["review_months"] = [11, 5]
    world = _world(raw)
    calls: list[tuple[Any, ...]] = []
    fund = world.coordinator_fund
    recruit, review = world.coordinators.start_recruitment, fund.review
    monkeypatch.setattr(
        world.coordinators,
        "start_recruitment",
        lambda m: (calls.append(("recruit", m)), recruit(m))[1],
    )
    monkeypatch.setattr(
        fund,
        "review",
        lambda y, s, e, *a: (calls.append(("review", y, s, e)), review(y, s, e, *a))[1],
    )
    world.run()
    # Before the clock: the first year's review; then June's after June's recruitment,
    # covering July to December; December's after December's recruitment, covering next year.
    assert calls[0] == ("review", 0, 0, 12)
    june = calls.index(("review", 0, 6, 12))
    assert calls[june - 1] == ("recruit", 5) and calls[june + 1] == ("recruit", 6)
    december = calls.index(("review", 1, 12, 24))
    assert calls[december - 1] == ("recruit", 11) and calls[december + 1] == ("recruit", 12)


def test_the_statements_reserve_caps_at_next_years_target() -> None:
    raw = _rich(deterministic_dict(years=3, reserve_months=3.0))
    raw["costs"] = {"inflation_annual": 0.10}
    world = _world(raw)
    result = world.run()
    targets = [world.coordinator_fund.reserve_target_cents(y) for y in range(3)]
    planned = [world.coordinator_fund.planned_cost_usd(y) for y in range(3)]
    assert planned[0] < planned[1] < planned[2]
    assert targets[0] == round(planned[1] * 3 / 12 * 100)  # next year's plan, not this year's
    assert targets[2] == round(planned[2] * 3 / 12 * 100)  # the last year: its own
    lines = statement_lines("coordinators", world.scenario.entity_names, 3)
    col = lines.index(
        next(ln for ln in lines if ln.statement == "position" and ln.line == "reserve")
    )
    assert result.statements is not None
    # Cash is ample: the reserve line is the target itself, year by year.
    assert result.statements[:, col].tolist() == targets


def test_the_annex_grosses_the_fee_on_expenditure_up_on_the_reserve_build_up() -> None:
    # Without phased recruitment: the first year's vacancies no longer build the reserve,
    # so the budget carries a reserve build-up line for the fee to be grossed up on.
    scenario = with_overrides(
        load_scenario(SCENARIOS / "host_secretariat.toml"), {"posts.phased_recruitment": False}
    )
    annex = budget_annex(scenario)
    budget = annex.table("budget").set_index("line")
    year = budget.columns[0]
    planned = budget.loc["planned cost: posts, non-post and fixed lines", year]
    build_up = budget.loc[next(i for i in budget.index if i.startswith("reserve build-up")), year]
    net = budget.loc["net requirement (net budget)", year]
    assert build_up > 0
    # 13 % on expenditure, grossed up on the whole net requirement, reserve build-up included.
    assert annex.gross_cents[0] / 100 == pytest.approx(gross_up(net, 0.0, 0.13), abs=0.01)
    assert annex.fee_cents[0] / 100 == pytest.approx(0.13 * net, abs=0.02)
    assert annex.fee_cents[0] / 100 > 0.13 * planned + 0.12 * build_up
