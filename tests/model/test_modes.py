"""Mechanism modes: pooled, siloed (lead entities pay), hybrid (pooled reserve backs them up)."""

from __future__ import annotations

import numpy as np
from builders import deterministic_dict, mini_dict

from fundsim.model import simulate
from fundsim.model.world import World
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import scenario_from_dict


def _world(raw, rep: int = 0) -> World:
    world = World(scenario_from_dict(raw), Streams(replication_seed(21, rep)))
    world.run()
    return world


def test_siloed_posts_are_paid_from_their_lead_entity_budget_only() -> None:
    raw = deterministic_dict(years=2)
    raw["mechanism"]["mode"] = "siloed"
    world = _world(raw)
    ledger = world.ledger
    assert ledger.inflow_cents(world.fund.account) == 0  # no common fund
    # Countries AAA and DDD are led by A, BBB by B, CCC by C: each host pays its posts.
    salaries = ledger.flows[:, ledger.index["salaries"], :].sum(axis=0)
    month = round(280_000 / 12 * 100)
    for host, posts in (("A", 2), ("B", 1), ("C", 1)):
        assert salaries[ledger.index[f"host:{host}"]] == posts * 22 * month  # filled months 2..23
    assert "host:D" not in ledger.index  # D leads no country


def test_siloed_exit_of_a_host_leaves_its_posts_unfunded_while_pooling_redistributes() -> None:
    raw = deterministic_dict(years=3, reserve_months=3)
    raw["exits"] = [{"entity": "A", "year": 2027}]
    pooled = simulate(scenario_from_dict(raw), Streams(replication_seed(2, 0)))
    raw["mechanism"]["mode"] = "siloed"
    siloed = simulate(scenario_from_dict(raw), Streams(replication_seed(2, 0)))
    # A leads AAA (row 0) and DDD (row 3): in the siloed world they lapse at renewal.
    assert siloed.filled_months[[0, 3], 2].sum() == 0
    assert pooled.filled_months[[0, 3], 2].sum() == 24
    assert siloed.metrics["gap"] == 1


def test_hybrid_reserve_takes_over_contracts_the_host_cannot_pay() -> None:
    raw = deterministic_dict(years=3, reserve_months=12)
    raw["mechanism"]["mode"] = "hybrid"
    raw["cuts"] = [{"year": 2027, "entity": "A", "fraction": 1.0}]
    r = simulate(scenario_from_dict(raw), Streams(replication_seed(2, 0)))
    assert r.metrics["backstop_contracts"] >= 2  # AAA and DDD, renewed by the reserve
    assert r.filled_months[[0, 3], 1].sum() == 24


def test_modes_share_random_draws_where_their_structure_agrees() -> None:
    # Common random numbers: for one seed, each post's recruitment lags, each entity's
    # cuts and the inflation path are the same draws in every mode.
    raw = mini_dict()
    worlds = {}
    for mode in ("pooled", "siloed", "hybrid"):
        raw["mechanism"]["mode"] = mode
        worlds[mode] = World(scenario_from_dict(raw), Streams(replication_seed(8, 3)))
    pooled = worlds["pooled"]
    lags = {mode: [list(x) for x in w.coordinators._lags] for mode, w in worlds.items()}
    for w in worlds.values():
        w.run()
    for mode, other in worlds.items():
        assert lags[mode] == lags["pooled"]
        assert np.array_equal(other.contributors.plan.cut, pooled.contributors.plan.cut)
        assert other.price_index == pooled.price_index
        # Payment delays and partial payments: the same number of draws, year after year.
        assert (
            other.contributors.rng.bit_generator.state
            == pooled.contributors.rng.bit_generator.state
        )
