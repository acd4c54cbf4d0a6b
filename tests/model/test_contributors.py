"""Contributors alone (no World): the assessment split to the cent, instalments arriving
in the ledger at their time with the host's fee, own budget lines, exits."""

from __future__ import annotations

import numpy as np
from builders import deterministic_dict
from part_builders import part_context

from fundsim.model.contributors import Contributors
from fundsim.model.formula_shares import FormulaShares
from fundsim.model.fund import Fund
from fundsim.model.shocks import ShockPlan
from fundsim.scenario import scenario_from_dict

ACCOUNTS = ("fund", "line:A", "contributions", "admin_fees")


def _contributors(payments: dict, fee: float = 0.0, exit_year: list[int] | None = None, lines: bool = False):
    raw = deterministic_dict()  # 4 entities A-D, equal shares, 3 years
    raw["payments"] = payments
    scenario = scenario_from_dict(raw)
    ctx = part_context(scenario, ACCOUNTS)
    n, years = len(scenario.entities), scenario.simulation.years
    plan = ShockPlan(
        cut=np.zeros((n, years)),
        exit_year=np.array(exit_year or [years] * n, dtype=np.int64),
        exit_largest_year=None,
    )
    fund = Fund(ctx.ledger, "fund")
    own = [Fund(ctx.ledger, "line:A"), None, None, None] if lines else [None] * n
    ix = ctx.ledger.index
    contributors = Contributors(
        ctx,
        scenario.entity_names,
        scenario.payments,
        scenario.participation,
        FormulaShares(scenario.mechanism.formula, ctx.static),
        plan,
        np.random.default_rng(0),
        fund=fund,
        lines=own,
        fee=fee,
        contributions_account=ix["contributions"],
        fees_account=ix["admin_fees"],
    )
    return ctx, fund, contributors


def test_an_equal_split_gives_the_odd_cent_to_the_first_entity_and_to_the_last_instalment() -> None:
    ctx, fund, contributors = _contributors({"instalments_per_year": 2, "delay_months": 1.5})
    contributors.assess(0, 1_000_001)
    # 1,000,001 cents in four equal shares: 250,000 each and the odd cent to A (first of the ties).
    np.testing.assert_array_equal(contributors.assessed[:, 0], [250_001, 250_000, 250_000, 250_000])
    np.testing.assert_allclose(contributors.shares[:, 0].sum(), 1.0)
    ctx.env.run(until=2)
    # The first instalments (half each, the odd cent kept for the last) arrived at 0 + 1.5 months.
    assert fund.cash_cents == 4 * 125_000
    assert [(t, frm, cents) for t, _, frm, cents, _ in ctx.ledger.journal] == [
        (1.5, "contributions", 125_000),
        (1.5, "contributions", 125_000),
        (1.5, "contributions", 125_000),
        (1.5, "contributions", 125_000),
    ]
    assert [memo for *_, memo in ctx.ledger.journal] == ["A", "B", "C", "D"]  # entity by entity
    ctx.env.run(until=8)  # the second instalments, at 6 + 1.5 months
    np.testing.assert_array_equal(contributors.paid[:, 0], [250_001, 250_000, 250_000, 250_000])
    assert fund.cash_cents == 1_000_001
    assert ctx.ledger.flows[7, ctx.ledger.index["fund"], ctx.ledger.index["contributions"]] == 500_001


def test_the_host_fee_is_taken_from_each_instalment_as_it_arrives() -> None:
    ctx, fund, contributors = _contributors({"instalments_per_year": 1, "delay_months": 0}, fee=0.08)
    contributors.assess(0, 1_000_000)
    ctx.env.run(until=1)
    # 250,000 cents each, 8 % fee on each instalment: 20,000 cents, posted right after it.
    assert fund.cash_cents == 4 * (250_000 - 20_000)
    fees = ctx.ledger.index["admin_fees"]
    assert ctx.ledger.balance[fees] == 80_000
    assert [memo for *_, memo in ctx.ledger.journal[:2]] == ["A", "admin fee"]


def test_an_entity_funds_its_own_line_without_the_hosts_fee() -> None:
    ctx, fund, contributors = _contributors({"instalments_per_year": 1, "delay_months": 0}, fee=0.08, lines=True)
    contributors.assess(0, 0, [12_345, 0, 0, 0])
    ctx.env.run(until=1)
    line = ctx.ledger.index["line:A"]
    assert ctx.ledger.balance[line] == 12_345
    assert fund.cash_cents == 0
    assert contributors.assessed[0, 0] == 12_345


def test_an_entity_that_has_left_pays_nothing_and_the_others_share_its_part() -> None:
    ctx, _, contributors = _contributors({"instalments_per_year": 1, "delay_months": 0}, exit_year=[3, 1, 3, 3])
    contributors.assess(0, 900_000)
    contributors.assess(1, 900_000)
    np.testing.assert_array_equal(contributors.assessed[:, 0], [225_000] * 4)
    np.testing.assert_array_equal(contributors.assessed[:, 1], [300_000, 0, 300_000, 300_000])
    ctx.env.run(until=13)
    assert contributors.paid[1].tolist() == [225_000, 0, 0]
