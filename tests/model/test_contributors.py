"""Contributors alone (no World): the assessment split to the cent, instalments arriving
in the ledger at their time with the host's fee, own budget lines, exits; the entities'
behaviour (absorption of a leaver's bill, a cap on a bill's rise, mid-year exits, fiscal
calendars) and the receivables aged by budget year."""

from __future__ import annotations

import numpy as np
import pytest
from builders import deterministic_dict
from part_builders import part_context, part_contributors

from fundsim.model.bills import invoice_cv
from fundsim.model.fund import Fund
from fundsim.model.shocks import ShockPlan
from fundsim.scenario import scenario_from_dict

ACCOUNTS = ("fund", "line:A", "contributions", "admin_fees")


def _contributors(
    payments: dict,
    fee: float = 0.0,
    exit_year: list[int] | None = None,
    lines: bool = False,
    participation: dict | None = None,
    exit_month: list[float] | None = None,
    fiscal_start_months: list[int] | None = None,
):
    raw = deterministic_dict()  # 4 entities A-D, equal shares, 3 years
    raw["payments"] = payments
    if participation is not None:
        raw["participation"] = participation
    scenario = scenario_from_dict(raw)
    ctx = part_context(scenario, ACCOUNTS)
    n, years = len(scenario.entities), scenario.simulation.years
    plan = ShockPlan(
        cut=np.zeros((n, years)),
        exit_year=np.array(exit_year or [years] * n, dtype=np.int64),
        exit_largest_year=None,
        exit_month=None if exit_month is None else np.array(exit_month, dtype=np.float64),
    )
    fund = Fund(ctx.ledger, "fund")
    own = [Fund(ctx.ledger, "line:A"), None, None, None] if lines else [None] * n
    ix = ctx.ledger.index
    contributors = part_contributors(
        ctx,
        scenario,
        plan,
        fund,
        own,
        fee,
        ix["contributions"],
        ix["admin_fees"],
        fiscal_start_months=fiscal_start_months,
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
    assert (
        ctx.ledger.flows[7, ctx.ledger.index["fund"], ctx.ledger.index["contributions"]] == 500_001
    )


def test_the_host_fee_is_taken_from_each_instalment_as_it_arrives() -> None:
    ctx, fund, contributors = _contributors(
        {"instalments_per_year": 1, "delay_months": 0}, fee=0.08
    )
    contributors.assess(0, 1_000_000)
    ctx.env.run(until=1)
    # 250,000 cents each, 8 % fee on each instalment: 20,000 cents, posted right after it.
    assert fund.cash_cents == 4 * (250_000 - 20_000)
    fees = ctx.ledger.index["admin_fees"]
    assert ctx.ledger.balance[fees] == 80_000
    assert [memo for *_, memo in ctx.ledger.journal[:2]] == ["A", "admin fee"]


def test_an_entity_funds_its_own_line_without_the_hosts_fee() -> None:
    ctx, fund, contributors = _contributors(
        {"instalments_per_year": 1, "delay_months": 0}, fee=0.08, lines=True
    )
    contributors.assess(0, 0, [12_345, 0, 0, 0])
    ctx.env.run(until=1)
    line = ctx.ledger.index["line:A"]
    assert ctx.ledger.balance[line] == 12_345
    assert fund.cash_cents == 0
    assert contributors.assessed[0, 0] == 12_345


def test_an_entity_that_has_left_pays_nothing_and_the_others_share_its_part() -> None:
    ctx, _, contributors = _contributors(
        {"instalments_per_year": 1, "delay_months": 0}, exit_year=[3, 1, 3, 3]
    )
    contributors.assess(0, 900_000)
    contributors.assess(1, 900_000)
    np.testing.assert_array_equal(contributors.assessed[:, 0], [225_000] * 4)
    np.testing.assert_array_equal(contributors.assessed[:, 1], [300_000, 0, 300_000, 300_000])
    ctx.env.run(until=13)
    assert contributors.paid[1].tolist() == [225_000, 0, 0]


ON_TIME = {"instalments_per_year": 1, "delay_months": 0}
NEVER = np.inf


def test_absorption_one_keeps_the_whole_budget_and_absorption_zero_loses_the_leavers_bill() -> None:
    received = {}
    for absorption in (1.0, 0.0):
        ctx, _, contributors = _contributors(
            ON_TIME, exit_year=[3, 1, 3, 3], participation={"absorption": absorption}
        )
        contributors.assess(0, 900_000)
        contributors.assess(1, 900_000)
        ctx.env.run(until=13)
        received[absorption] = contributors.paid[:, 1].sum()
        if absorption == 0.0:
            # B's bill had it stayed: a quarter of 900,000; nobody picks it up.
            np.testing.assert_array_equal(
                contributors.assessed[:, 1], [225_000, 0, 225_000, 225_000]
            )
    assert received[1.0] == 900_000  # the others pick up all of B's bill, to the cent
    assert received[0.0] == 900_000 - 225_000  # B's bill is lost to the fund


def test_half_absorption_loses_half_the_leavers_bill() -> None:
    _, _, contributors = _contributors(
        ON_TIME, exit_year=[3, 1, 3, 3], participation={"absorption": 0.5}
    )
    contributors.assess(0, 900_000)
    contributors.assess(1, 900_000)
    assert contributors.assessed[:, 1].sum() == 900_000 - 112_500


def test_an_entity_pays_no_more_than_its_tolerated_rise_and_owes_the_rest() -> None:
    ctx, _, contributors = _contributors(ON_TIME, participation={"max_increase": 0.1})
    contributors.assess(0, 1_000_000)  # 250,000 each
    contributors.assess(1, 2_000_000)  # billed 500,000 each; accepts at most 275,000
    contributors.assess(2, 2_000_000)  # billed 500,000 again; accepts at most 302,500
    ctx.env.run(until=25)
    np.testing.assert_array_equal(contributors.assessed[:, 1], [500_000] * 4)
    assert contributors.paid[:, 1].tolist() == [275_000] * 4
    assert contributors.paid[:, 2].tolist() == [302_500] * 4
    # What it refused stays owed on the invoice.
    np.testing.assert_array_equal(contributors.outstanding_cents(1), [225_000] * 4)


def test_without_a_cap_a_rising_bill_is_paid_in_full() -> None:
    ctx, _, contributors = _contributors(ON_TIME)
    contributors.assess(0, 1_000_000)
    contributors.assess(1, 2_000_000)
    ctx.env.run(until=13)
    assert contributors.paid[:, 1].tolist() == [500_000] * 4


def test_a_mid_year_exit_loses_the_instalments_due_after_it() -> None:
    # B leaves on 1 July of year 1 (month 18): it paid January's instalment, not July's.
    semi = {"instalments_per_year": 2, "delay_months": 0}
    ctx, _, contributors = _contributors(
        semi, exit_year=[3, 2, 3, 3], exit_month=[NEVER, 18.0, NEVER, NEVER]
    )
    contributors.assess(0, 800_000)
    contributors.assess(1, 800_000)
    ctx.env.run(until=24)
    assert contributors.assessed[1, 1] == 200_000  # still invoiced: it took part on 1 January
    assert contributors.paid[1].tolist() == [200_000, 100_000, 0]
    assert contributors.lost[1].tolist() == [0, 100_000, 0]
    assert contributors.outstanding_cents(1).tolist() == [0, 0, 0, 0]  # written off, not owed
    assert contributors.paid[[0, 2, 3], 1].tolist() == [200_000] * 3


def test_a_july_fiscal_year_schedules_the_instalments_from_july() -> None:
    semi = {"instalments_per_year": 2, "delay_months": 0}
    ctx, _, contributors = _contributors(semi, fiscal_start_months=[7, 1, 1, 1])
    contributors.assess(0, 800_000)
    ctx.env.run(until=13)
    times = [(t, memo) for t, *_, memo in ctx.ledger.journal if memo == "A"]
    assert times == [(6.0, "A"), (12.0, "A")]  # July and the next January
    others = sorted({t for t, *_, memo in ctx.ledger.journal if memo != "A"})
    assert others == [0.0, 6.0]  # January and July


def test_receivables_age_by_the_budget_year_they_belong_to() -> None:
    # Everyone pays half of each invoice (the rest stays owed); A's fiscal year starts in
    # July, so at each year end its second instalment has not fallen due yet.
    half = {
        "instalments_per_year": 2,
        "delay_months": 0,
        "partial_probability": 1.0,
        "partial_fraction": 0.5,
    }
    ctx, _, contributors = _contributors(half, fiscal_start_months=[7, 1, 1, 1])
    contributors.assess(0, 800_000)  # 200,000 each: 100,000 received, 100,000 owed
    ctx.env.run(until=12)
    contributors.assess(1, 800_000)
    ctx.env.run(until=24)
    contributors.assess(2, 800_000)
    ctx.env.run(until=36)
    aged = contributors.receivables_by_age()  # entity x year end x age
    # B at the end of year 0: half of its year-0 invoice; a year later that sum is a year old.
    assert aged[1, 0, 0] == 100_000
    assert aged[1, 1].tolist() == [100_000, 100_000, 0]
    assert aged[1, 2].tolist() == [100_000, 100_000, 100_000]
    # A at the end of year 0 has received only July's half-instalment (50,000) of 200,000.
    assert aged[0, 0, 0] == 150_000
    # A year later its second half-instalment came in January: 100,000 owed, one year old.
    assert aged[0, 1].tolist() == [150_000, 100_000, 0]
    # Ages beyond the horizon's start are empty.
    assert aged[:, 0, 1:].sum() == 0


def test_invoice_cv_is_zero_for_a_steady_bill_and_grows_with_its_swings() -> None:
    _, _, steady = _contributors(ON_TIME)
    for year in range(3):
        steady.assess(year, 1_000_000)
    assert invoice_cv(steady.assessed) == 0.0
    _, _, swinging = _contributors(ON_TIME)
    for year, budget in enumerate((1_000_000, 2_000_000, 1_000_000)):
        swinging.assess(year, budget)
    # Bills 250k, 500k, 250k: mean 333,333, population sd 117,851: cv = sqrt(2) / 4.
    assert invoice_cv(swinging.assessed) == pytest.approx(2**0.5 / 4)
