"""One "today" for victims: today.toml and trust_fund_today.toml describe the same world
(entity-funded assistance where it exists, the Trust Fund on pledges for the rest and for
the children), and in a run the entities named pay their own victims while the Trust Fund
pays the others'."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import fundsim
from fundsim.analysis.variants import with_overrides
from fundsim.model.world import World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> Scenario:
    return fundsim.load_scenario(ROOT / "scenarios" / f"{name}.toml")


def test_today_and_trust_fund_today_are_one_world() -> None:
    today, tf = load("today"), load("trust_fund_today")
    assert today.victims is not None and tf.victims is not None
    assert today.victims.model_dump() == tf.victims.model_dump()
    assert today.mechanism.model_dump() == tf.mechanism.model_dump()
    v = today.victims
    # What makes it today: entities pay their own victims where they have programmes, the
    # window is the Trust Fund (no assessment, pledges, the 13 % on expenditure).
    assert today.mechanism.mode == "siloed"
    assert v.allegations.entity_payers != "all" and 0 < len(v.allegations.entity_payers) < len(
        today.entities
    )
    assert v.funding.entity_cost_share == 0.0
    assert v.funding.fee_basis == "expenditure"
    assert v.caseworkers.cost_usd_year == 0.0
    # The calibration run is this world started in 2022.
    tf22 = load("trust_fund_2022")
    assert tf22.victims is not None
    assert tf22.victims.model_dump() == v.model_dump()


def test_the_named_entities_pay_their_own_victims_and_the_trust_fund_the_others() -> None:
    scenario = with_overrides(load("today"), {"simulation.years": 3})
    world = World(scenario, Streams(replication_seed(20260712, 0)))
    world.run()
    cases = world.cases
    assert cases is not None
    payers = set(scenario.victims.allegations.entity_payers)  # type: ignore[union-attr]
    names = scenario.entity_names
    entity = cases.draws.entity
    own = np.array([names[e] in payers for e in entity])
    assert own.any() and (~own).any()
    ledger, ix = world.ledger, world.ledger.index
    services = ledger.flows[:, ix["victim_services"], :].sum(axis=0)
    window = int(services[ix["victim_fund"]])
    lines = {n: int(services[ix[f"victims:{n}"]]) for n in names}
    assert window > 0  # the Trust Fund pays the victims of entities without programmes
    assert all(lines[n] == 0 for n in names if n not in payers)
    assert sum(lines[n] for n in payers) > 0
