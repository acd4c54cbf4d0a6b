"""Victims' cases alone (no World): the caseworker queue, strict priority for money,
services paid month by month to the cent, cash kept back for children, siloed lines."""

from __future__ import annotations

import numpy as np
import pytest
import simpy
from part_builders import part_context
from victim_builders import victim_scenario

from fundsim.model.allegations import VictimDraws, draw_victims
from fundsim.model.cases import VictimCases
from fundsim.model.fund import Fund
from fundsim.runner.seeds import Streams, replication_seed

ACCOUNTS = ("victim_fund", "victims:A", "victims:B", "victim_services", "victim_opening")


def _draws(
    arrival: list[float],
    handling: list[float],
    packages: list[list[int]],
    entity: list[int] | None = None,
):
    """One victim per allegation, in country 0; ``packages[v]``: cents by month of services."""
    n = len(arrival)
    by_month = np.array(packages, dtype=np.int64).T  # months x victims
    return VictimDraws(
        alleg_time=np.array(arrival),
        first_victim=np.arange(n + 1, dtype=np.int64),
        country=np.zeros(n, dtype=np.int64),
        partner_pays=np.zeros(n, dtype=bool),
        child=np.zeros(n, dtype=bool),
        entity=np.array(entity or [0] * n, dtype=np.int64),
        handling_months=np.array(handling),
        by_month=by_month,
        package_cents=by_month.sum(axis=0),
    )


def _cases(
    draws: VictimDraws,
    capacity: int,
    cash_cents: dict[str, int],
    siloed: bool = False,
    rule: str = "fifo",
):
    scenario = victim_scenario(caseworkers={"capacity": capacity}, priority={"rule": rule})
    v = scenario.victims
    ctx = part_context(scenario, ACCOUNTS)
    ledger, ix = ctx.ledger, ctx.ledger.index
    funds = [Fund(ledger, "victim_fund")] + (
        [Fund(ledger, "victims:A"), Fund(ledger, "victims:B")] if siloed else []
    )
    for name, cents in cash_cents.items():
        ledger.open(ix[name], cents, ix["victim_opening"])
    cases = VictimCases(
        ctx, draws, v.caseworkers, v.priority, len(scenario.countries), funds, ix["victim_services"]
    )
    return ctx, funds, cases


def _ticks(ctx, cases: VictimCases, months: int, keep_back_cents: int = 0) -> None:
    def tick():
        yield ctx.env.timeout(0.5)
        for month in range(months):
            cases.tick(month, keep_back_cents)
            yield ctx.env.timeout(1)

    ctx.env.process(tick())
    ctx.env.run(until=months)


def test_one_caseworker_takes_cases_in_arrival_order() -> None:
    draws = _draws([0.2, 0.3, 1.1], [0.5, 0.5, 0.5], [[0], [0], [0]])
    ctx, _, cases = _cases(draws, capacity=1, cash_cents={})
    ctx.env.run(until=3)
    # 0 from its arrival at 0.2 to 0.7; 1 waits for it (0.7 to 1.2); 2, arrived at 1.1, then.
    np.testing.assert_allclose(cases.cw_start, [0.2, 0.7, 1.2])


def test_money_starts_packages_in_order_and_pays_them_month_by_month_to_the_cent() -> None:
    # Two cases ready by the tick of month 1 (1.5); cash for the first package only.
    draws = _draws([0.1, 0.2], [0.1, 0.1], [[30_001, 19_999], [40_000, 0]])
    ctx, funds, cases = _cases(draws, capacity=2, cash_cents={"victim_fund": 60_000})
    _ticks(ctx, cases, 3)
    fund = funds[0]
    paid = [(t, cents) for t, to, _, cents, _ in ctx.ledger.journal if to == "victim_services"]
    # Both were ready at month 0's tick (0.5): case 0 started (50,000 <= 60,000), case 1
    # (40,000 > the 10,000 left) waits; strict priority: nothing later jumps the queue.
    assert paid == [(0.5, 30_001), (1.5, 19_999)]
    assert cases.first_assist[0] == 0.5
    assert np.isnan(cases.first_assist[1])
    assert fund.cash_cents == 10_000
    assert fund.committed == 0
    assert cases.paid_cents == 50_000


def test_cash_kept_back_for_children_starts_no_package() -> None:
    draws = _draws([0.1], [0.1], [[10_000]])
    ctx, funds, cases = _cases(draws, capacity=1, cash_cents={"victim_fund": 15_000})
    _ticks(ctx, cases, 2, keep_back_cents=6_000)  # 15,000 - 6,000 < 10,000
    assert np.isnan(cases.first_assist[0])
    assert funds[0].cash_cents == 15_000


def test_in_the_siloed_mode_each_case_is_paid_by_its_entitys_line() -> None:
    draws = _draws([0.1, 0.2], [0.1, 0.1], [[7_000], [9_000]], entity=[1, 0])
    ctx, funds, cases = _cases(
        draws, capacity=2, cash_cents={"victims:A": 9_000, "victims:B": 7_000}, siloed=True
    )
    _ticks(ctx, cases, 1)
    window, line_a, line_b = funds
    assert (window.cash_cents, line_a.cash_cents, line_b.cash_cents) == (0, 0, 0)
    np.testing.assert_array_equal(cases.first_assist, [0.5, 0.5])


def _resource_starts(
    draws: VictimDraws, capacity: int, per_country: bool, horizon: int
) -> np.ndarray:
    """Caseworker start times of the same cases through a plain ``simpy.Resource`` per pool."""
    arrival = draws.victim_time
    pools = draws.country if per_country else np.zeros(draws.n_victims, dtype=int)
    env = simpy.Environment()
    resources = {p: simpy.Resource(env, capacity) for p in np.unique(pools).tolist()}
    starts = np.full(draws.n_victims, np.nan)

    def case(i: int):
        yield env.timeout(arrival[i])
        with resources[int(pools[i])].request() as req:
            yield req
            starts[i] = env.now
            yield env.timeout(draws.handling_months[i])

    for i in range(draws.n_victims):
        env.process(case(i))
    env.run(until=horizon)
    return starts


@pytest.mark.parametrize("pooling", ["pooled", "per_country"])
def test_caseworker_pool_starts_cases_exactly_like_a_simpy_resource(pooling: str) -> None:
    scn = victim_scenario(
        caseworkers={
            "pooling": pooling,
            "capacity": 2,
            "handling_days": {"dist": "exponential", "mean": 40},
        }
    )
    v = scn.victims
    ctx = part_context(scn, ACCOUNTS)
    draws = draw_victims(scn, Streams(replication_seed(11, 0)))
    ledger = ctx.ledger
    cases = VictimCases(
        ctx,
        draws,
        v.caseworkers,
        v.priority,
        len(scn.countries),
        [Fund(ledger, "victim_fund")],
        ledger.index["victim_services"],
    )
    ctx.env.run(until=ctx.n_months)
    ours = cases.cw_start
    theirs = _resource_starts(draws, v.caseworkers.capacity, pooling == "per_country", ctx.n_months)
    assert np.isnan(ours).sum() == np.isnan(theirs).sum()
    assert (
        theirs[~np.isnan(theirs)] > theirs[~np.isnan(theirs)].min()
    ).any()  # a real queue formed
    np.testing.assert_allclose(ours[~np.isnan(ours)], theirs[~np.isnan(theirs)], rtol=0, atol=1e-9)


def test_a_case_ending_at_a_tick_is_ready_for_it_only_if_scheduled_before_the_tick() -> None:
    # Two slots. Case 0 (0 -> 0.5) was scheduled when the cases were built, before the first
    # tick: SimPy handles its end before the tick, so its money starts at 0.5. Case 1 (0.1 ->
    # 0.35) is ready too; case 2 waits for case 1's slot (0.35 -> 0.65): next tick.
    draws = _draws([0.0, 0.1, 0.2], [0.5, 0.25, 0.3], [[100], [100], [100]])
    ctx, _, cases = _cases(draws, capacity=2, cash_cents={"victim_fund": 1_000})
    _ticks(ctx, cases, 2)
    np.testing.assert_array_equal(cases.cw_start, [0.0, 0.1, 0.35])
    np.testing.assert_array_equal(cases.first_assist, [0.5, 0.5, 1.5])


def test_case_ends_tied_with_the_tick_follow_simpy_scheduling_order() -> None:
    # One slot: case 0 from 0.0 for 0.25 (ends 0.25, after the first tick was scheduled), then
    # case 1 from 0.25 for 0.25: it ends exactly at the tick (0.5) but was scheduled after it,
    # so SimPy handles it after the tick: its money starts at the next tick.
    draws = _draws([0.0, 0.1], [0.25, 0.25], [[100], [100]])
    ctx, _, cases = _cases(draws, capacity=1, cash_cents={"victim_fund": 1_000})
    _ticks(ctx, cases, 2)
    np.testing.assert_array_equal(cases.cw_start, [0.0, 0.25])
    np.testing.assert_array_equal(cases.first_assist, [0.5, 1.5])
