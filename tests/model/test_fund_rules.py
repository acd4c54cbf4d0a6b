"""Fund management rules: the budget rule, the governance of shortfalls, bridges,
pre-financing in the ledger, and the shipped practice scenario."""

from __future__ import annotations

from pathlib import Path

from builders import deterministic_dict

from fundsim.analysis.variants import with_overrides
from fundsim.model import simulate
from fundsim.model.budget import BudgetRule
from fundsim.model.governance import review
from fundsim.runner import Run, Streams, replication_seed
from fundsim.runner.montecarlo import run_scenario
from fundsim.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]


def test_need_budget_for_a_period_is_approved_once_and_spreads_the_reserve() -> None:
    rule = BudgetRule("pooled", 0.0, 3.0, 2, "commitments", None, 0.03)
    # Plan 1,000 then 1,030; reserve 250, beyond 100, cash 150: (250 + 100 - 150) / 2 = 100 a year.
    assert rule.approved_cents(0, [1000.0, 1030.0], 15_000, 100.0) == [110_000, 113_000]
    cash_basis = BudgetRule("pooled", 0.0, 3.0, 1, "cash", None, 0.0)
    assert cash_basis.approved_cents(0, [1000.0], 15_000, 100.0) == [110_000]  # beyond ignored


def test_a_fixed_envelope_is_indexed_from_the_start_year_whatever_the_need() -> None:
    rule = BudgetRule("pooled", 0.08, 3.0, 2, "cash", 1_000_000.0, 0.02)
    assert rule.approved_cents(2, [5e6, 5e6], 0, 0.0) == [104_040_000, 106_120_800]


def test_governance_freezes_vacant_posts_lowest_priority_first_then_declines_renewals() -> None:
    priority = [0, 1, 2, 3]  # 0, 1 tier 1; 2, 3 tier 2
    required = [100, 100, 100, 100]
    steps = ["freeze_vacant", "decline_renewals"]
    vacant, saved = [True, False, True, False], [0, 60, 0, 60]
    # Steps in order: every vacancy (from the last) is frozen before any renewal is declined.
    cuts = review(steps, priority, 250, required, vacant, saved)
    assert cuts.frozen == {0, 2} and not cuts.declined  # 400 - 100 - 100 = 200 <= 250
    cuts = review(steps, priority, 150, required, vacant, saved)
    assert cuts.frozen == {0, 2} and cuts.declined == {3}  # 200 - 60 = 140 <= 150
    cuts = review(["decline_renewals", "freeze_vacant"], priority, 250, required, vacant, saved)
    assert cuts.declined == {1, 3} and cuts.frozen == {
        2
    }  # the order is the scenario's: 400 - 120 - 100
    nothing = review(["freeze_vacant"], priority, 400, required, [True] * 4, [0] * 4)
    assert not nothing.frozen and not nothing.declined


def test_a_bridge_keeps_a_post_until_the_renewal_can_be_committed() -> None:
    # No budget beyond the opening cash: the renewals at month 14 cannot be committed; with
    # two bridge months the posts stay two more months (paid), then lapse.
    raw = deterministic_dict(fee=0.0, opening=1_700_000.0)
    raw["mechanism"]["budget"] = {"usd_per_year": 0.0}
    without = simulate(scenario_from_dict(raw), Streams(replication_seed(1, 0)))
    raw["posts"]["bridge_months"] = 2
    bridged = simulate(scenario_from_dict(raw), Streams(replication_seed(1, 0)))
    assert without.metrics["lapses"] > 0
    assert bridged.filled_months.sum() > without.filled_months.sum()


def test_prefinancing_is_recorded_in_the_ledger_and_money_is_conserved() -> None:
    raw = deterministic_dict(fee=0.0, opening=0.0)
    raw["payments"] = {"instalments_per_year": 2, "delay_months": 3}
    raw["posts"]["contract_alignment"] = "budget_year"
    raw["mechanism"].update(
        commitment_basis="receivables", collection_haircut=0.0, prefinancing_limit_usd=500_000
    )
    r = simulate(scenario_from_dict(raw), Streams(replication_seed(1, 0)), audit=True)
    assert r.journal is not None
    advances = [row for row in r.journal if row[4] == "prefinancing"]
    assert advances and 0 < r.metrics["peak_liquidity_need_usd"] <= 500_000
    assert r.metrics["gap"] == 0


def _assert_no_funding_interruption(run: Run) -> None:
    mean = run.summary["mean"].astype(float)
    assert mean["p_gap"] == 0 and mean["interruptions_per_post_year"] == 0
    assert mean["funding_lost_share"] == 0 and mean["p_tier1_interrupted"] == 0
    assert mean["missed_payments_usd"] == 0 and mean["lapses"] == 0
    assert run.manifest["structural_float_usd"] == 0.0
    assert (run.yearly["posts_sustained"] == 24).all()


def test_fund_practice_with_on_time_payment_and_no_shocks_interrupts_no_post() -> None:
    # The validation scenario: the practice rules, restated, with on-time payment, no shocks.
    scenario = load_scenario(ROOT / "scenarios" / "fund_practice.toml")
    assert scenario.payments.partial_probability == 0 and scenario.shocks.annual_probability == 0
    _assert_no_funding_interruption(run_scenario(scenario, reps=4, seed=3, workers=1))


def test_the_baseline_with_on_time_payment_and_no_shocks_interrupts_no_post() -> None:
    # The baseline's own rules (the new defaults of the shipped study) with the ideal payer.
    scenario = load_scenario(ROOT / "scenarios" / "baseline.toml")
    assert scenario.mechanism.commitment_basis == "receivables"
    assert scenario.posts.contract_alignment == "budget_year"
    on_time = with_overrides(
        scenario,
        {
            "payments.delay_months": 0,
            "payments.partial_probability": 0.0,
            "shocks.annual_probability": 0.0,
        },
    )
    _assert_no_funding_interruption(run_scenario(on_time, reps=4, seed=3, workers=1))


def test_receivables_are_what_participants_were_invoiced_and_have_not_paid() -> None:
    from fundsim.model.world import World

    raw = deterministic_dict(fee=0.0, opening=0.0)
    raw["payments"] = {
        "instalments_per_year": 2,
        "delay_months": 0,
        "partial_probability": 1.0,
        "partial_fraction": 0.5,
    }
    world = World(scenario_from_dict(raw), Streams(replication_seed(1, 0)))
    world.run()
    contrib = world.contributors
    for year in range(3):
        unpaid = int((contrib.assessed[:, year] - contrib.paid[:, year]).sum())
        assert contrib.receivables_cents(year) == unpaid > 0  # half of every invoice, never paid
    contrib.active[:] = False
    assert contrib.receivables_cents(0) == 0  # nothing is expected from entities that left


def test_the_hosts_outstanding_advance_is_not_free_cash_for_commitments() -> None:
    from fundsim.model.world import World

    raw = deterministic_dict(fee=0.0, opening=1_000_000.0)
    raw["mechanism"].update(commitment_basis="receivables", prefinancing_limit_usd=500_000)
    world = World(scenario_from_dict(raw), Streams(replication_seed(1, 0)))
    liquidity = world.coordinator_fund.liquidity
    assert liquidity is not None
    before = liquidity.headroom_cents(0)
    liquidity.advanced = (
        30_000_000  # USD 300k advanced by the host, repaid first from the next receipts
    )
    assert liquidity.headroom_cents(0) == before - 30_000_000
