"""Victim assistance in the siloed mode: the entity an allegation involves pays its
victims' services from its own line; the window lives on pledges and pays children."""

from __future__ import annotations

import numpy as np
from builders import mini_dict
from victim_builders import run_world, victim_scenario, victims_section

from fundsim.model.allegations import entity_victim_shares, entity_weights
from fundsim.scenario import scenario_from_dict


def _siloed(**victims_over):
    raw = mini_dict()
    raw["mechanism"]["mode"] = "siloed"
    raw["victims"] = victims_section(**victims_over)
    return scenario_from_dict(raw)


def test_each_entity_line_pays_only_its_own_victims_services() -> None:
    world = run_world(_siloed())
    window = world.victim_fund
    ledger = world.ledger
    services = ledger.flows[:, ledger.index["victim_services"], :].sum(axis=0)
    assert services[window.fund.account] == 0  # the window pays no services in siloed mode
    assert sum(services[f.account] for f in window.lines) == world.cases.paid_cents > 0
    child = ledger.flows[:, ledger.index["child_support"], :].sum(axis=0)
    assert (
        child[window.children_fund.account] == window.children.paid_cents
    )  # from the children's account
    assert all(child[f.account] == 0 for f in window.lines)
    # The window receives no entity assessment: pledges and withheld payments only.
    assert ledger.flows[:, window.fund.account, ledger.index["victim_contributions"]].sum() == 0
    m = world.result.metrics
    cents = {
        k: round(v * 100) for k, v in m.items() if k.startswith("victim_") and k.endswith("_usd")
    }
    assert (
        cents["victim_opening_balance_usd"]
        + cents["victim_inflows_usd"]
        - cents["victim_outflows_usd"]
        == cents["victim_closing_balance_usd"]
    )


def test_an_entity_that_stops_paying_leaves_its_own_victims_unassisted() -> None:
    # Agency A (entities.csv row 0) pays nothing from 2026: in the siloed world its victims
    # wait and are dropped; pooling shares the cost and assists them.
    cut = [{"year": 2026, "entity": "A", "fraction": 1.0}]
    siloed = run_world(_siloed(), rep=2)
    raw = mini_dict()
    raw["mechanism"]["mode"] = "siloed"
    raw["cuts"] = cut
    raw["victims"] = victims_section()
    silo_cut = run_world(scenario_from_dict(raw), rep=2)
    pooled_cut = run_world(victim_scenario({"cuts": cut}), rep=2)
    draws = silo_cut.cases.draws
    entity = draws.entity
    # Cases the fund pays for (not a partner's, and needing at least one service).
    partner = draws.partner_pays | (draws.package_cents == 0)
    own = (entity == 0) & ~partner
    assert own.any()
    assisted_cut = ~np.isnan(silo_cut.cases.first_assist)
    assisted_pooled = ~np.isnan(pooled_cut.cases.first_assist)
    assert not assisted_cut[own].any()
    assert assisted_pooled[own].mean() > 0.9
    # Victims of the other entities are assisted as before the cut.
    others = (entity != 0) & ~partner
    before = ~np.isnan(siloed.cases.first_assist)
    assert assisted_cut[others].mean() >= before[others].mean() - 0.05


def test_allegations_fall_on_entities_present_in_the_country() -> None:
    scenario = victim_scenario()
    w = entity_weights(scenario)
    assert np.allclose(w.sum(axis=0), 1.0)
    # Country DDD lists only A (countries.csv): every allegation there involves A.
    assert w[:, 3].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert np.isclose(entity_victim_shares(scenario).sum(), 1.0)
    draws = run_world(scenario).cases.draws
    in_ddd = draws.country == 3
    assert (draws.entity[in_ddd] == 0).all()
