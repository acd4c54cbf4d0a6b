"""Coordinator posts: priority under scarcity, renewal rules, lapses and restarts; the
part alone: recruitment, then payroll from its fund, renewal and the backstop."""

from __future__ import annotations

import numpy as np
from builders import deterministic_dict
from part_builders import part_context

from fundsim.model import simulate
from fundsim.model.coordinators import FILLED, VACANT, Coordinators
from fundsim.model.fund import Fund
from fundsim.model.ledger import to_cents
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import scenario_from_dict


def _run(raw):
    return simulate(scenario_from_dict(raw), Streams(replication_seed(5, 0)))


def test_under_scarcity_tier_one_posts_are_funded_first() -> None:
    # Money for about two posts only: the two tier-1 countries (AAA, BBB) get them.
    raw = deterministic_dict(opening=700_000.0)
    raw["mechanism"]["formula"] = {"kind": "equal"}
    raw["payments"] = {
        "instalments_per_year": 1,
        "delay_months": 0,
        "partial_probability": 1.0,
        "partial_fraction": 0.0,
    }
    r = _run(raw)
    filled = r.filled_months.sum(axis=1)
    assert filled[0] > 0 and filled[1] > 0
    assert filled[2] == 0 and filled[3] == 0


def test_n_month_rule_runs_out_of_money_mid_contract_and_records_a_gap() -> None:
    # Commit only 3 of 12 months; with no further income, posts lapse mid-contract.
    raw = deterministic_dict(opening=400_000.0)
    raw["posts"]["renewal_rule"] = "months"
    raw["posts"]["renewal_commit_months"] = 3
    raw["payments"] = {
        "instalments_per_year": 1,
        "delay_months": 0,
        "partial_probability": 1.0,
        "partial_fraction": 0.0,
    }
    r = _run(raw)
    assert r.metrics["gap"] == 1
    assert r.metrics["lapses"] >= 1
    assert r.metrics["missed_payments_usd"] > 0
    assert r.metrics["closing_balance_usd"] >= 0


def test_whole_contract_rule_never_misses_a_salary() -> None:
    raw = deterministic_dict(opening=400_000.0)
    raw["posts"]["operating_cost_usd"] = 0.0
    raw["payments"] = {
        "instalments_per_year": 1,
        "delay_months": 0,
        "partial_probability": 1.0,
        "partial_fraction": 0.0,
    }
    r = _run(raw)
    # One contract fits (280k); it runs its 12 months and then lapses at renewal.
    assert r.metrics["missed_payments_usd"] == 0
    assert r.filled_months.sum() == 12
    assert r.metrics["lapses"] == 1


def test_a_lapsed_post_restarts_after_the_wait_and_pays_the_lag_again() -> None:
    # No money in year 1 after the first contract; money again from year 2.
    raw = deterministic_dict(opening=0.0, years=4)
    raw["posts"]["restart_wait_months"] = 1
    raw["cuts"] = [{"year": 2027, "fraction": 1.0, "years": 1}]
    r = _run(raw)
    months = r.filled_months
    assert r.metrics["lapses"] >= 1
    # Year 3 coverage is reduced by the new recruitment lag (2 months) after the restart.
    assert (months[:, 0] == 10).all()
    assert np.all(months[:, 2] < 12)


# ---------------------------------------------------------------- the part alone (no World)


def _posts_alone(opening_usd: float, backstop_usd: float | None = None):
    """Coordinators over deterministic_dict's 4 countries (tiers 1, 1, 2, 2), USD 120,000 a
    year per post (1,000,000 cents a month), no operating cost, a 2-month lag, 12-month
    contracts; all posts paid by one fund opened with ``opening_usd``, and optionally a
    backstop fund."""
    raw = deterministic_dict()
    raw["posts"].update(annual_cost_usd=120_000, operating_cost_usd=0.0)
    scenario = scenario_from_dict(raw)
    ctx = part_context(scenario, ("fund", "backstop", "salaries", "operating", "opening"))
    ledger, ix = ctx.ledger, ctx.ledger.index
    fund, backstop = Fund(ledger, "fund"), Fund(ledger, "backstop")
    ledger.open(fund.account, to_cents(opening_usd), ix["opening"])
    if backstop_usd is not None:
        ledger.open(backstop.account, to_cents(backstop_usd), ix["opening"])
    coordinators = Coordinators(
        ctx,
        scenario.posts,
        np.random.default_rng(0),
        [fund] * 4,
        salaries_account=ix["salaries"],
        operating_account=ix["operating"],
        backstop=backstop if backstop_usd is not None else None,
    )

    def months():  # World's order: payroll, then recruitment, at mid-month
        yield ctx.env.timeout(0.5)
        for month in range(ctx.n_months):
            coordinators.payroll(month)
            coordinators.start_recruitment(month)
            yield ctx.env.timeout(1)

    ctx.env.process(months())
    return ctx, fund, coordinators


def test_a_post_recruits_then_is_paid_from_its_committed_contract() -> None:
    # USD 150,000 commits one 12-month contract (12,000,000 cents), not two.
    ctx, fund, coordinators = _posts_alone(150_000)
    ctx.env.run(until=6)
    salaries = ctx.ledger.index["salaries"]
    # Post 0 (tier 1, first in priority) started recruiting at month 0.5, was filled at
    # month 2 (the lag) and paid at 2.5, 3.5, 4.5 and 5.5; post 1 could not be committed.
    assert coordinators.state[:2] == [FILLED, VACANT]
    assert [(t, cents) for t, to, _, cents, _ in ctx.ledger.journal if to == "salaries"] == [
        (2.5, 1_000_000),
        (3.5, 1_000_000),
        (4.5, 1_000_000),
        (5.5, 1_000_000),
    ]
    assert ctx.ledger.balance[salaries] == 4_000_000
    assert fund.cash_cents == 15_000_000 - 4_000_000
    assert fund.committed == 8_000_000  # the contract's 8 months still to pay


def test_a_contract_is_paid_exactly_its_months_then_lapses_when_it_cannot_be_renewed() -> None:
    ctx, fund, coordinators = _posts_alone(150_000)
    ctx.env.run(until=ctx.n_months)
    filled = coordinators.finish(ctx.n_months)
    assert ctx.ledger.balance[ctx.ledger.index["salaries"]] == 12 * 1_000_000
    assert filled[0].tolist() == [10, 2, 0]  # filled at month 2, contract ends at month 14
    assert coordinators.lapses == 1
    assert coordinators.missed_cents == 0
    assert fund.committed == 0
    assert fund.cash_cents == 3_000_000


def test_the_backstop_commits_a_contract_its_own_fund_cannot() -> None:
    ctx, fund, coordinators = _posts_alone(0, backstop_usd=120_000)
    ctx.env.run(until=3)
    assert coordinators.backstop_contracts == 1
    assert coordinators.state[0] == FILLED
    backstop = ctx.ledger.index["backstop"]
    assert ctx.ledger.balance[backstop] == 12_000_000 - 1_000_000  # paid at 2.5 by the backstop
    assert fund.cash_cents == 0
