"""Precedent keys by name: ``kind = "undss_2005" | "jiu" | "icsc"`` are the UN precedents
written with the formula kinds, their bounds kept, their missing data said."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.scenario import ScenarioError, load_scenario
from fundsim.scenario.presets import PRESETS
from fundsim.scenario.schema import Formula
from fundsim.scenario.vocabulary import FORMULA_PRESETS

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_each_preset_is_a_kind_with_its_precedent_parameters() -> None:
    undss = Formula.model_validate({"kind": "undss_2005"})
    assert (undss.kind, undss.key, undss.floor_usd, undss.preset) == (
        "proportional",
        "field_personnel",
        75_000.0,
        "undss_2005",
    )
    jiu = Formula.model_validate({"kind": "jiu"})
    assert (jiu.kind, jiu.key, jiu.preset) == ("proportional", "expenses_usd", "jiu")
    icsc = Formula.model_validate({"kind": "icsc"})
    assert (icsc.kind, icsc.key) == ("proportional", "professional_posts")
    assert tuple(PRESETS) == FORMULA_PRESETS
    assert all(p["source"] for p in PRESETS.values())


def test_a_preset_keeps_the_scenarios_bounds_and_drops_another_formulas_keys() -> None:
    f = Formula.model_validate({"kind": "jiu", "ceiling": 0.25, "weights": {"personnel": 1.0}})
    assert f.ceiling == 0.25 and f.weights == {} and f.key == "expenses_usd"
    # Validated again (a dump, a variant) it stays the same formula.
    assert Formula.model_validate(f.model_dump()) == f


def _child(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.toml"
    path.write_text(
        f'extends = "{(SCENARIOS / "baseline.toml").as_posix()}"\nname = "{kind}"\n'
        f'[mechanism.formula]\nkind = "{kind}"\n',
        encoding="utf-8",
    )
    return path


def test_a_scenario_sets_a_precedent_by_name(tmp_path: Path) -> None:
    scenario = load_scenario(_child(tmp_path, "undss_2005"))
    f = scenario.mechanism.formula
    assert f.preset == "undss_2005" and f.key == "field_personnel" and f.floor_usd == 75_000.0
    assert f.ceiling == 0.25  # the baseline's ceiling is kept


def test_a_precedent_whose_column_is_missing_is_one_message_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"professional_posts.*'icsc' preset"):
        load_scenario(_child(tmp_path, "icsc"))
