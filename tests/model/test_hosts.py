"""Today's posts and how a lead entity's money behaves (its own line, lapse, support costs,
grants), and the move of today's incumbents into the pooled fund.

``scenarios/today.toml`` is the status quo the pooled baseline is compared with: its first-year
count of countries with a dedicated or acting coordinator must lie in the sourced range of
``docs/data.md`` ("Coordinators today"), countries without a coordinator today stay vacant, hosts'
lines lapse at year end and carry their support cost, and grant-funded posts end with their grant.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fundsim.model import simulate
from fundsim.model.world import ReplicationResult, World
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import load_scenario
from fundsim.scenario.overrides import with_overrides
from fundsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
#: The documented range of countries with a dedicated or acting coordinator (docs/data.md).
COVERED_LOW, COVERED_HIGH = 10, 20
REPS = 12


def _runs(scenario: Scenario, reps: int = REPS) -> list[ReplicationResult]:
    return [
        simulate(scenario, Streams(replication_seed(scenario.simulation.seed, r)))
        for r in range(reps)
    ]


@pytest.fixture(scope="module")
def today() -> Scenario:
    return load_scenario(SCENARIOS / "today.toml")


@pytest.fixture(scope="module")
def today_runs(today: Scenario) -> list[ReplicationResult]:
    return _runs(today)


def test_first_year_count_of_covered_countries_lies_in_the_sourced_range(
    today_runs: list[ReplicationResult],
) -> None:
    count = float(np.mean([r.metrics["posts_filled_first_year"] for r in today_runs]))
    assert COVERED_LOW <= count <= COVERED_HIGH, f"{count:.1f} posts filled on average in 2026"
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert "`scenarios/today.toml`" in doc and "posts_filled_first_year" in doc


def test_countries_without_a_coordinator_today_stay_vacant(
    today: Scenario, today_runs: list[ReplicationResult]
) -> None:
    assert today.incumbents is not None
    none = [i for i, p in enumerate(today.incumbents.posts) if p.coordinator_today == "none"]
    assert len(none) == 10
    for run in today_runs:
        assert run.filled_months[none].sum() == 0
        assert run.metrics["funding_lost_share"] >= len(none) / len(today.countries) - 1e-12


def test_incumbents_are_in_post_from_the_first_month(
    today: Scenario, today_runs: list[ReplicationResult]
) -> None:
    assert today.incumbents is not None
    filled = [i for i, p in enumerate(today.incumbents.posts) if p.coordinator_today != "none"]
    for run in today_runs:
        assert run.monthly[0, 3] == len(filled)  # filled_posts in January 2026


def test_host_lines_lapse_at_year_end_only_when_the_scenario_says(
    today: Scenario, today_runs: list[ReplicationResult]
) -> None:
    assert all(r.metrics["lapsed_usd"] > 0 for r in today_runs)
    carried = _runs(with_overrides(today, {"host_lines.carry_over": True}), 4)
    assert all(r.metrics["lapsed_usd"] == 0 for r in carried)


def test_hosts_charge_their_support_cost_on_what_their_lines_receive(
    today_runs: list[ReplicationResult],
) -> None:
    # Agencies 7 % and the Secretariat 13 % on direct cost: r / (1 + r) of what the lines receive.
    for run in today_runs:
        rate = run.metrics["admin_fees_usd"] / run.metrics["paid_usd"]
        assert 0.07 / 1.07 - 1e-9 <= rate <= 0.13 / 1.13 + 1e-9


def test_grant_funded_posts_end_with_their_grant(today: Scenario) -> None:
    assert today.incumbents is not None
    granted = [
        i
        for i, p in enumerate(today.incumbents.posts)
        if p.funding_source in ("project_grant", "pooled_humanitarian_fund")
    ]
    never = with_overrides(
        today,
        {
            "host_lines.grant_renewal_probability": 0.0,
            "host_lines.pooled_fund_renewal_probability": 0.0,
        },
    )
    always = with_overrides(
        today,
        {
            "host_lines.grant_renewal_probability": 1.0,
            "host_lines.pooled_fund_renewal_probability": 1.0,
        },
    )
    for lost, kept in zip(_runs(never, 4), _runs(always, 4), strict=True):
        assert lost.metrics["grants_ended"] >= len(granted)
        assert kept.metrics["grants_ended"] == 0
        assert lost.metrics["coordinator_coverage"] < kept.metrics["coordinator_coverage"]


@pytest.mark.parametrize("name", ["today_optimistic", "today_pessimistic", "today_hybrid"])
def test_the_variants_bracket_today(name: str, today_runs: list[ReplicationResult]) -> None:
    runs = _runs(load_scenario(SCENARIOS / f"{name}.toml"))
    coverage = np.mean([r.metrics["coordinator_coverage"] for r in runs])
    central = np.mean([r.metrics["coordinator_coverage"] for r in today_runs])
    if name == "today_pessimistic":
        assert coverage < central
    else:
        assert coverage > central


@pytest.mark.parametrize("transition", ["at_contract_end", "at_once"])
def test_a_pooled_fund_starting_from_todays_incumbents_runs(transition: str) -> None:
    moved = with_overrides(
        load_scenario(SCENARIOS / "today_to_pooled.toml"), {"incumbents.transition": transition}
    )
    empty = load_scenario(SCENARIOS / "baseline.toml")
    for run, blank in zip(_runs(moved, 4), _runs(empty, 4), strict=True):
        assert run.monthly[0, 3] == 14  # today's 14 coordinators in post in January
        assert blank.monthly[0, 3] == 0
        assert run.metrics["posts_filled_first_year"] > blank.metrics["posts_filled_first_year"]


def test_at_once_the_fund_takes_incumbents_over_when_it_can_commit() -> None:
    # Under fund practice the fund commits against the year's receivables: every incumbent moves
    # on day one and the hosts' money for their contracts passes into the fund. On a cash basis
    # the new fund has only that money, cannot commit a whole contract, and the incumbents stay
    # with their hosts to their contract end.
    moved = with_overrides(
        load_scenario(SCENARIOS / "today_to_pooled.toml"), {"incumbents.transition": "at_once"}
    )
    practice = with_overrides(
        moved,
        {
            "mechanism.commitment_basis": "receivables",
            "posts.contract_alignment": "budget_year",
        },
    )
    cash = with_overrides(
        moved, {"mechanism.commitment_basis": "cash", "mechanism.opening_balance_usd": 0.0}
    )
    held = {}
    for name, scenario in (("practice", practice), ("cash", cash)):
        world = World(scenario, Streams(replication_seed(scenario.simulation.seed, 0)))
        run = world.run()
        assert run.monthly[0, 3] == 14
        held[name] = world.ledger.opening[world.ledger.index["incumbents"]]
    assert held["practice"] == 0
    assert held["cash"] > 0
