"""Bad scenario files: one line naming the file and the key path, exit 2, nothing written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from fundsim.cli import main
from fundsim.scenario import ScenarioError, load_scenario

DATA = Path(__file__).resolve().parent.parent / "data"


def _scenario(tmp_path: Path, body: str, name: str = "bad.toml") -> Path:
    for csv in ("entities.csv", "countries.csv"):
        shutil.copy(DATA / csv, tmp_path / csv)
    base = (DATA / "mini.toml").read_text()
    (tmp_path / "mini.toml").write_text(base)
    path = tmp_path / name
    path.write_text(body)
    return path


def _extends(extra: str) -> str:
    return 'extends = "mini.toml"\nname = "bad"\n' + extra


# (scenario text, expected key path, expected words in the message)
CASES = {
    "unknown top-level key": (
        _extends("[mechanisms]\nadmin_fee = 0.1\n"),
        "mechanisms",
        "did you mean 'mechanism'",
    ),
    "misspelt nested key": (
        _extends("[posts]\nanual_cost_usd = 1\n"),
        "posts.anual_cost_usd",
        "did you mean 'annual_cost_usd'",
    ),
    "negative cost": (
        _extends("[posts]\nannual_cost_usd = -5\n"),
        "posts.annual_cost_usd",
        "greater than 0",
    ),
    "fraction above one": (
        _extends("[mechanism.formula]\nceiling = 1.5\n"),
        "mechanism.formula.ceiling",
        "between 0 and 1",
    ),
    "not finite": (_extends("[mechanism]\nadmin_fee = nan\n"), "mechanism.admin_fee", "finite"),
    "wrong type": (_extends('[simulation]\nyears = "ten"\n'), "simulation.years", "integer"),
    "distribution missing a parameter": (
        _extends('[posts]\nrecruitment_lag_months = { dist = "triangular", low = 2 }\n'),
        "posts.recruitment_lag_months",
        "needs 'mode'",
    ),
    "cut names an unknown entity": (
        _extends('[[cuts]]\nyear = 2027\nentity = "Agency Z"\nfraction = 0.2\n'),
        "cuts[0].entity",
        "unknown entity",
    ),
    "cut outside the horizon": (
        _extends("[[cuts]]\nyear = 2040\nfraction = 0.2\n"),
        "cuts[0].year",
        "outside the simulated years",
    ),
    "formula column that does not exist": (
        _extends('[mechanism.formula]\nkind = "proportional"\nkey = "expenses"\nweights = {}\n'),
        "mechanism.formula.key",
        "did you mean 'expenses_usd'",
    ),
    "floor too high for the entities": (
        _extends("[mechanism.formula]\nfloor = 0.3\n"),
        "mechanism.formula.floor",
        "exceeds 1",
    ),
    "source for a key that does not exist": (
        _extends('[sources]\n"posts.salary" = "a source"\n'),
        "sources.posts.salary",
        "names no key",
    ),
    "extends a missing file": ('extends = "nowhere.toml"\n', "extends", "no such file"),
    "invalid TOML": ("name = \n", "", "not valid TOML"),
    "missing data table": (
        _extends('entities = { file = "missing.csv" }\n'),
        "entities.file",
        "data file not found",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_scenario_gives_one_line_naming_file_and_key(tmp_path: Path, case: str) -> None:
    text, key_path, words = CASES[case]
    path = _scenario(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert info.value.key_path == key_path
    assert words in message


def test_cycle_in_extends_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match=re.escape("cycle: a.toml -> b.toml -> a.toml")):
        load_scenario(tmp_path / "a.toml")


def test_bad_csv_cell_names_the_csv_row_and_column(tmp_path: Path) -> None:
    path = _scenario(tmp_path, _extends(""))
    csv = tmp_path / "entities.csv"
    csv.write_text(csv.read_text().replace("3000000000", "three billion"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{csv}: row 3 (B).expenses_usd: not a number")


def test_error_in_a_parent_names_the_parent_file(tmp_path: Path) -> None:
    path = _scenario(tmp_path, _extends(""))
    parent = tmp_path / "mini.toml"
    parent.write_text(parent.read_text().replace("admin_fee = 0.08", "admin_fee = 1.08"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{parent}: mechanism.admin_fee: must be between 0 and 1"


@pytest.mark.parametrize("case", ["unknown top-level key", "negative cost", "invalid TOML"])
def test_validate_and_run_exit_2_without_traceback_or_output(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path, CASES[case][0])
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and str(path) in err
    out = tmp_path / "run"
    assert main(["run", str(path), "--out", str(out), "--reps", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".run*"))


def test_validate_reports_every_file(
    tmp_path: Path, mini_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _scenario(tmp_path, CASES["negative cost"][0])
    assert main(["validate", str(mini_path), str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"{mini_path}: ok" in captured.out
    assert "posts.annual_cost_usd" in captured.err


@pytest.mark.parametrize(
    ("months", "ok"), [(("7", "", "1", "12"), True), (("13", "1", "1", "1"), False)]
)
def test_a_fiscal_year_start_month_is_a_month_from_1_to_12(
    tmp_path: Path, months: tuple[str, ...], ok: bool
) -> None:
    shutil.copy(DATA / "countries.csv", tmp_path / "countries.csv")
    shutil.copy(DATA / "mini.toml", tmp_path / "mini.toml")
    lines = (DATA / "entities.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",fiscal_year_start_month"] + [
        f"{row},{m}" for row, m in zip(lines[1:], months, strict=True)
    ]
    (tmp_path / "entities.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    if ok:
        scenario = load_scenario(tmp_path / "mini.toml")
        assert [e.fiscal_year_start_month for e in scenario.entities] == [7, 1, 1, 12]
    else:
        with pytest.raises(ScenarioError, match="fiscal_year_start_month"):
            load_scenario(tmp_path / "mini.toml")
