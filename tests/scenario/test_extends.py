"""``extends``: a child inherits its parent's keys and overrides some, table by table."""

from __future__ import annotations

from pathlib import Path

from fundsim.scenario import load_scenario, scenario_hash


def test_child_overrides_one_key_and_keeps_the_rest(tmp_path: Path, mini_path: Path) -> None:
    child = tmp_path / "child.toml"
    rel = Path("..") / mini_path.relative_to(mini_path.parents[1])
    child.write_text(
        f'extends = "{mini_path}"\nname = "child"\n[mechanism]\nreserve_target_months = 9\n'
    )
    parent = load_scenario(mini_path)
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.mechanism.reserve_target_months == 9
    # Siblings in the same table are inherited, not reset to defaults.
    assert scenario.mechanism.admin_fee == parent.mechanism.admin_fee
    assert scenario.mechanism.formula == parent.mechanism.formula
    # CSV paths stay relative to the file that named them.
    assert scenario.entities == parent.entities
    assert scenario_hash(scenario) != scenario_hash(parent)
    assert rel  # the relative form is what users write; the absolute form is used here


def test_arrays_are_replaced_not_merged(tmp_path: Path, mini_path: Path) -> None:
    a = tmp_path / "a.toml"
    a.write_text(f'extends = "{mini_path}"\n[[cuts]]\nyear = 2027\nfraction = 0.1\n')
    b = tmp_path / "b.toml"
    b.write_text('extends = "a.toml"\n[[cuts]]\nyear = 2028\nfraction = 0.3\n')
    scenario = load_scenario(b)
    assert [(c.year, c.fraction) for c in scenario.cuts] == [(2028, 0.3)]


def test_name_defaults_to_the_file_stem(tmp_path: Path, mini_path: Path) -> None:
    text = mini_path.read_text().replace('name = "mini"\n', "")
    path = mini_path.parent / "unnamed_tmp_copy.toml"
    try:
        path.write_text(text)
        assert load_scenario(path).name == "unnamed_tmp_copy"
    finally:
        path.unlink()
