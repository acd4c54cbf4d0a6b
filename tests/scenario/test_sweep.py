"""Sweeps expand a scenario into named variants: factorial grids, Latin hypercubes, and
one-line errors that name ``sweep.<key>``."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from fundsim.scenario import ScenarioError, load_scenario
from fundsim.scenario.loader import load_sweep


@pytest.fixture
def sweep_file(tmp_path: Path, mini_path: Path):
    """Write a scenario extending a copy of mini.toml with the given ``[sweep]`` body."""
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(mini_path.parent / name, tmp_path / name)

    def write(body: str, name: str = "swept") -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'extends = "mini.toml"\nname = "{name}"\n\n[sweep]\n{body}\n', encoding="utf-8"
        )
        return path

    return write


def test_factorial_sweep_gives_every_combination_with_readable_names(sweep_file) -> None:
    path = sweep_file(
        '"mechanism.reserve_target_months" = [0, 6]\n"payments.partial_probability" = [0.0, 0.25, '
        "0.5]"
    )
    variants = load_sweep(path)
    assert len(variants) == 6
    names = [name for name, _, _ in variants]
    assert "swept__reserve_target_months=6__partial_probability=0.25" in names
    for name, scenario, params in variants:
        assert scenario.name == name
        assert scenario.mechanism.reserve_target_months == params["mechanism.reserve_target_months"]
        assert scenario.payments.partial_probability == params["payments.partial_probability"]
    assert {tuple(p.values()) for _, _, p in variants} == {
        (r, q) for r in (0, 6) for q in (0.0, 0.25, 0.5)
    }


def test_nested_table_form_is_the_same_sweep(sweep_file) -> None:
    quoted = load_sweep(sweep_file('"mechanism.reserve_target_months" = [1, 2]', "a"))
    nested = load_sweep(sweep_file("mechanism.reserve_target_months = [1, 2]", "a"))
    assert [p for _, _, p in quoted] == [p for _, _, p in nested]


def test_a_variant_differs_from_the_base_only_where_swept(sweep_file, mini) -> None:
    ((_, variant, _),) = load_sweep(sweep_file('"costs.inflation_annual" = [0.07]'))
    base = mini.model_dump()
    changed = variant.model_dump()
    assert changed["costs"]["inflation_annual"] == 0.07
    changed["costs"]["inflation_annual"] = base["costs"]["inflation_annual"]
    changed["name"] = base["name"]
    assert changed == base


def test_latin_hypercube_puts_one_sample_in_every_stratum(sweep_file) -> None:
    n = 10
    path = sweep_file(
        f'method = "latin_hypercube"\nsamples = {n}\nseed = 3\n'
        '"mechanism.reserve_target_months" = { low = 0, high = 12 }\n'
        '"posts.contract_months" = { low = 6, high = 15, integer = true }\n'
        '"posts.renewal_rule" = ["whole_contract", "months"]'
    )
    variants = load_sweep(path)
    assert [name for name, _, _ in variants] == [f"swept__lhs{i}" for i in range(n)]
    reserve = np.array([p["mechanism.reserve_target_months"] for _, _, p in variants])
    assert np.all((reserve >= 0) & (reserve <= 12))
    assert sorted(np.floor(reserve / 12 * n).astype(int)) == list(range(n))
    months = [p["posts.contract_months"] for _, _, p in variants]
    assert sorted(months) == list(range(6, 16))  # ten integers, ten samples: each once
    rules = [s.posts.renewal_rule for _, s, _ in variants]
    assert rules.count("months") == rules.count("whole_contract") == n // 2


def test_latin_hypercube_is_reproducible_from_its_seed(sweep_file) -> None:
    body = (
        'method = "latin_hypercube"\nsamples = 5\nseed = {}\n"costs.inflation_annual" = {{ low = '
        "0, high = 0.1 }}"
    )
    one = [p for _, _, p in load_sweep(sweep_file(body.format(1), "s1"))]
    again = [p for _, _, p in load_sweep(sweep_file(body.format(1), "s1"))]
    other = [p for _, _, p in load_sweep(sweep_file(body.format(2), "s1"))]
    assert one == again
    assert one != other


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        (
            '"mechanism.reserve_target_month" = [1, 2]',
            "sweep.mechanism.reserve_target_month",
            "did you mean 'reserve_target_months'",
        ),
        (
            '"mechanism.reserve_target_months" = [3, -1]',
            "sweep.mechanism.reserve_target_months",
            "-1",
        ),
        ('"mechanism.reserve_target_months" = 3', "sweep.mechanism.reserve_target_months", "list"),
        (
            'method = "factorail"\n"costs.inflation_annual" = [0.1]',
            "sweep.method",
            "did you mean 'factorial'",
        ),
        (
            'method = "latin_hypercube"\n"costs.inflation_annual" = { low = 0, high = 1 }',
            "sweep.samples",
            "samples",
        ),
        ('name = ["a", "b"]', "sweep.name", "cannot be swept"),
    ],
)
def test_bad_sweeps_are_one_line_errors_naming_the_sweep_key(
    sweep_file, body: str, key: str, words: str
) -> None:
    path = sweep_file(body)
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    assert info.value.key_path == key
    assert words in info.value.message
    assert Path(info.value.file) == path
    assert "\n" not in str(info.value)


def test_load_scenario_of_a_sweep_file_is_its_base(sweep_file, mini) -> None:
    scenario = load_scenario(sweep_file('"mechanism.reserve_target_months" = [0, 6]'))
    assert scenario.name == "swept"
    assert scenario.mechanism.reserve_target_months == mini.mechanism.reserve_target_months


def test_a_file_without_sweep_is_one_run(mini_path: Path) -> None:
    ((name, scenario, params),) = load_sweep(mini_path)
    assert (name, params) == ("mini", {})
    assert scenario == load_scenario(mini_path)


def test_shipped_reserve_sweep_expands_the_baseline(root: Path, baseline_path: Path) -> None:
    variants = load_sweep(root / "scenarios" / "sweeps" / "reserve_sweep.toml")
    reserves = [s.mechanism.reserve_target_months for _, s, _ in variants]
    assert reserves == [0, 3, 6, 9, 12]
    assert variants[2][0] == "reserve_sweep__reserve_target_months=6"
    base = load_scenario(baseline_path)
    assert all(s.simulation.seed == base.simulation.seed for _, s, _ in variants)
    assert all(s.entities == base.entities for _, s, _ in variants)
