"""Dotted scenario keys: one way to read and set them, one way to say what the schema refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from fundsim.scenario import Scenario, ScenarioError, load_scenario
from fundsim.scenario.overrides import (
    OverrideError,
    check_key,
    get_key,
    has_key,
    set_key,
    validation_problem,
    with_overrides,
)

RAW = {
    "posts": {"annual_cost_usd": 1.0},
    "cuts": [{"year": 2027, "fraction": 0.2}],
    "shocks": {"cut_size": 0.1},
}


def test_keys_name_tables_and_array_elements() -> None:
    assert has_key(RAW, "posts.annual_cost_usd") and has_key(RAW, "cuts.0.fraction")
    assert not has_key(RAW, "cuts.1.fraction") and not has_key(RAW, "posts.annual_cost")
    assert get_key(RAW, "cuts.0.year") == 2027
    with pytest.raises(
        OverrideError,
        match=r"^posts\.annual_cost: names no key of this scenario "
        r"\(did you mean 'annual_cost_usd'\?\)$",
    ):
        get_key(RAW, "posts.annual_cost")


def test_setting_a_key_that_is_not_there_is_refused_unless_tables_may_be_created() -> None:
    data = {"posts": {"annual_cost_usd": 1.0}}
    with pytest.raises(OverrideError, match="did you mean 'annual_cost_usd'"):
        set_key(data, "posts.annual_cost_us", 2.0)
    set_key(data, "mechanism.formula.floor", 0.01, create_tables=True)  # a sweep over defaults
    assert data["mechanism"] == {"formula": {"floor": 0.01}}


def test_a_plain_number_is_not_a_table_to_set_a_parameter_in() -> None:
    data = {"posts": {"recruitment_lag_months": 3}}
    with pytest.raises(
        OverrideError, match="'recruitment_lag_months' is a plain number here, not a table"
    ):
        set_key(data, "posts.recruitment_lag_months.value", 4, create_tables=True)


def test_a_key_the_schema_knows_passes_even_when_the_file_leaves_it_at_its_default() -> None:
    check_key({}, "mechanism.formula.floor")
    with pytest.raises(
        OverrideError, match=r"no key 'flor' in mechanism\.formula \(did you mean 'floor'\?\)"
    ):
        check_key({}, "mechanism.formula.flor")


def test_an_unknown_key_in_a_value_is_told_with_its_path_and_a_suggestion(mini: Scenario) -> None:
    data = mini.model_dump()
    data["mechanism"]["reserve_target_month"] = 3
    with pytest.raises(ValidationError) as info:
        Scenario.model_validate(data)
    assert validation_problem(info.value) == (
        "mechanism.reserve_target_month",
        "unknown key (did you mean 'reserve_target_months'?)",
    )


def test_a_value_is_refused_in_the_same_words_in_a_file_and_in_a_variant(
    tmp_path: Path, mini_path: Path, mini: Scenario
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'extends = "{mini_path}"\n[mechanism]\nreserve_target_months = 99\n', encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as from_file:
        load_scenario(bad)
    with pytest.raises(OverrideError) as from_variant:
        with_overrides(mini, {"mechanism.reserve_target_months": 99})
    assert from_file.value.key_path == from_variant.value.key == "mechanism.reserve_target_months"
    assert from_file.value.message == from_variant.value.message
