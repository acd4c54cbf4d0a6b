"""The [explore] table: read from the file that declares it, checked key by key, and
never part of the scenario that runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.scenario import ScenarioError, load_scenario, scenario_hash
from fundsim.scenario.explore import load_explore, parse_condition
from tests.explore_builders import MINI_EXPLORE, write_mini_explore

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios" / "explore_cuts.toml"


def test_shipped_explore_scenario_declares_five_policies_over_its_levers() -> None:
    scenario, spec = load_explore(SHIPPED)
    assert [p.name for p in spec.policies] == [
        "baseline",
        "reserve_9m",
        "envelope",
        "expenses",
        "cash_rolling",
    ]
    assert spec.policy("cash_rolling").choices["mechanism.commitment_basis"] == "cash"
    assert (
        spec.policy("baseline").choices["mechanism.commitment_basis"] == "receivables"
    )  # left out: the first level
    assert {str(c) for c in spec.fails_when} == {
        "funding_lost_share > 0.05",
        "p_tier1_interrupted > 0.5",
    }
    exits = next(u for u in spec.uncertainties if u.key == "exits")
    assert exits.value("leaving in 2028") == [{"entity": "largest", "year": 2028}]
    assert scenario.name == "explore_cuts"


def test_the_explore_table_does_not_change_the_scenario_that_runs(tmp_path: Path) -> None:
    with_table = write_mini_explore(tmp_path)
    without = tmp_path / "plain.toml"
    without.write_text(with_table.read_text().split("[explore]")[0], encoding="utf-8")
    assert scenario_hash(load_scenario(with_table)) == scenario_hash(load_scenario(without))


def test_without_levers_every_policy_is_the_scenario_as_written(tmp_path: Path) -> None:
    text = MINI_EXPLORE.split("[explore.levers]")[0]
    _, spec = load_explore(write_mini_explore(tmp_path, text))
    assert [p.name for p in spec.policies] == ["as_written"]


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("futures = 4", "futurs = 4", "explore.futurs", "did you mean 'futures'"),
        (
            '"mechanism.reserve_target_months" = [0.0, 9.0]',
            '"mechanism.reserve_target_months" = [99.0, 9.0]',
            "explore.levers.mechanism.reserve_target_months",
            "99",
        ),
        (
            '"cuts.0.fraction" = {{ low = 0.0, high = 0.5 }}',
            '"cuts.0.fractoin" = {{ low = 0.0, high = 0.5 }}',
            "explore.uncertainties.cuts.0.fractoin",
            "did you mean 'fraction'",
        ),
        (
            'fails_when = ["funding_lost_share > 0.05"]',
            'fails_when = ["funding_lost_share is high"]',
            "explore.fails_when[0]",
            "METRIC > NUMBER",
        ),
        (
            'labels = ["stays", "leaves"]',
            'labels = ["stays"]',
            "explore.uncertainties.exits.labels",
            "one",
        ),
        (
            '"mechanism.commitment_basis" = "receivables"',
            '"mechanism.commitment_basis" = "credit"',
            "explore.policies.reserve.mechanism.commitment_basis",
            "not a level",
        ),
    ],
)
def test_a_bad_explore_table_names_its_key(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    assert old in MINI_EXPLORE
    path = write_mini_explore(tmp_path, MINI_EXPLORE.replace(old, new))
    with pytest.raises(ScenarioError) as err:
        load_explore(path)
    assert err.value.key_path == key
    assert words in err.value.message


def test_a_table_level_needs_a_label(tmp_path: Path) -> None:
    text = MINI_EXPLORE.replace(', labels = ["stays", "leaves"]', "")
    with pytest.raises(ScenarioError, match="needs a label"):
        load_explore(write_mini_explore(tmp_path, text))


def test_failure_conditions_read_as_written() -> None:
    c = parse_condition("p_tier1_interrupted >= 0.1")
    assert (c.metric, c.op, c.threshold) == ("p_tier1_interrupted", ">=", 0.1)
    assert c.holds(0.1) and not c.holds(0.05) and not c.holds(float("nan"))
