"""The fund-management rules (reserve, reviews, lapses, fees) on deterministic scenarios,
against hand computation.

4 posts (A, B tier 1; C, D tier 2), a 2-month recruitment lag, 4 entities paying equal
shares on time, no inflation, no shocks (``tests/builders.deterministic_dict``).
"""

from __future__ import annotations

from typing import Any

from builders import deterministic_dict

from fundsim.model import simulate
from fundsim.model.budget import structural_float_usd
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import scenario_from_dict

SALARY = round(280_000 / 12 * 100)  # cents a month: 2,333,333
OPERATING = round(100_000 / 12 * 100)  # cents a month: 833,333
POST_MONTH = SALARY + OPERATING


def _practice(**mechanism: Any) -> dict[str, Any]:
    """Budget-year contracts, commitment-basis budget, commitments against receivables."""
    raw = deterministic_dict(fee=0.1, opening=0.0, reserve_months=1.0)
    raw["posts"]["contract_alignment"] = "budget_year"
    raw["payments"]["instalments_per_year"] = 2
    raw["mechanism"].update(
        budget_basis="commitments",
        commitment_basis="receivables",
        collection_haircut=0.05,
        shortfall_order=["freeze_vacant", "decline_renewals"],
        **mechanism,
    )
    return raw


def test_on_time_payment_under_budget_year_and_commitment_basis_interrupts_nothing() -> None:
    # By hand: each post starts recruiting at month 0 (the first contract, months 2-11, is
    # committed against the year's receivables: half the invoice is in cash, the other half
    # due in July), is filled at month 2 and renewed every 1 January. No review finds a
    # shortfall: resources = free cash + 0.95 x the next invoice >= 0.95 x 13/12 x the plan.
    raw = _practice()
    scenario = scenario_from_dict(raw)
    r = simulate(scenario, Streams(replication_seed(1, 0)))
    assert r.metrics["gap"] == 0
    assert r.metrics["lapses"] == 0
    assert r.metrics["funding_lost_share"] == 0
    assert r.metrics["tier1_interrupted"] == 0
    assert r.metrics["missed_payments_usd"] == 0
    assert r.metrics["peak_liquidity_need_usd"] == 0  # the receipts always came before the payroll
    assert r.metrics["coordinator_coverage"] == 34 / 36  # the start-up ceiling: months 2..35 of 36
    assert list(r.sustained_by_year) == [4, 4, 4]
    # The structural float: nothing is committed beyond 31 December under budget_year...
    assert structural_float_usd(scenario) == 0.0
    # ... and, with rolling contracts, each post's renewal at month 14 (and 26) commits two
    # months of salary into the next year: 4 posts x 2 months x USD 23,333.33.
    raw["posts"]["contract_alignment"] = "rolling"
    assert (
        round(structural_float_usd(scenario_from_dict(raw)) * 100) == 4 * 2 * SALARY == 18_666_664
    )


def test_budget_year_contracts_pay_every_post_month_and_the_budget_nets_cash() -> None:
    # The money, by hand: the budget of each year is (plan + 1 month of reserve - cash) / 0.9,
    # split in 4 equal parts and 2 instalments, the host's 10 % fee charged on each.
    r = simulate(scenario_from_dict(_practice()), Streams(replication_seed(1, 0)))
    plan = 4 * 380_000 * (1 + 1 / 12)
    cash = 0
    for months_paid in (10, 12, 12):
        gross = round(max(0.0, plan - cash / 100) / 0.9 * 100)
        for e in range(4):
            part = gross // 4 + (1 if e < gross % 4 else 0)
            for inst in (part // 2, part - part // 2):
                cash += inst - round(inst * 0.1)
        cash -= months_paid * 4 * POST_MONTH
    assert round(r.metrics["closing_balance_usd"] * 100) == cash


def _envelope(usd: float) -> dict[str, Any]:
    raw = deterministic_dict(fee=0.0, opening=0.0, reserve_months=0.0)
    raw["posts"]["contract_alignment"] = "budget_year"
    raw["mechanism"].update(
        budget={"usd_per_year": usd, "indexation": 0.0},
        commitment_basis="receivables",
        collection_haircut=0.0,
        shortfall_order=["freeze_vacant", "decline_renewals"],
        review_months=[11],
    )
    return raw


def test_a_fixed_envelope_below_need_freezes_the_lowest_tier_first() -> None:
    # Envelope USD 800,000 a year against a need of 4 x 12 x 31,666.66 = 1,519,999.68.
    # Review at the start (free cash 0 + receivables 800,000): freeze D (tier 2, last):
    # 1,139,999.76 still > 800,000; freeze C: 759,999.84 fits. A and B (tier 1) run.
    # December 2026: cash 800,000 - 2 posts x 10 months x 31,666.66 = 166,666.80;
    # resources 966,666.80 < 1,519,999.68 -> D, then C frozen again (1,139,999.76 > 966,666.80).
    # December 2027: cash 166,666.80 + 800,000 - 759,999.84 = 206,666.96; resources
    # 1,006,666.96: D and C frozen again. Closing cash: 206,666.96 + 800,000 - 759,999.84.
    r = simulate(scenario_from_dict(_envelope(800_000)), Streams(replication_seed(1, 0)))
    assert list(r.sustained_by_year) == [2, 2, 2]
    assert r.filled_months.sum(axis=1).tolist() == [34, 34, 0, 0]  # A, B filled; C, D frozen
    assert r.metrics["funding_lost_share"] == 2 * 36 / (4 * 36)  # C and D, every month
    assert r.metrics["lapses"] == 0 and r.metrics["gap"] == 0  # managed cuts, no interruption
    assert (
        round(r.metrics["closing_balance_usd"] * 100)
        == 20_666_696 + 80_000_000 - 12 * 2 * POST_MONTH
    )


def test_a_larger_envelope_freezes_only_the_last_tier_two_post() -> None:
    # Envelope USD 1,200,000: freezing D alone brings the cost to 1,139,999.76 <= resources.
    r = simulate(scenario_from_dict(_envelope(1_200_000)), Streams(replication_seed(1, 0)))
    assert list(r.sustained_by_year) == [3, 3, 3]
    assert r.filled_months.sum(axis=1).tolist() == [34, 34, 34, 0]
    assert r.metrics["coordinator_coverage"] == 3 * 34 / (4 * 36)
