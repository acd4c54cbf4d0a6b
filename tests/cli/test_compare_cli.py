"""``fundsim compare``: paired table for runs of one seed; exit 2 for runs that cannot be compared."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


@pytest.fixture(scope="module")
def run_dirs(tmp_path_factory):
    from fundsim.analysis.variants import with_overrides
    from fundsim.runner import run_scenario
    from fundsim.scenario import load_scenario

    root = tmp_path_factory.mktemp("compare")
    mini = load_scenario(MINI)
    cut = with_overrides(mini, {"cuts": [{"year": 2027, "fraction": 0.25, "group": "voluntary"}]})
    run_scenario(mini, reps=8, seed=3, workers=1, out=root / "a")
    run_scenario(cut, reps=8, seed=3, workers=1, out=root / "b")
    run_scenario(cut, reps=8, seed=4, workers=1, out=root / "c")
    run_scenario(with_overrides(mini, {"simulation.years": 3}), reps=8, seed=3, workers=1, out=root / "short")
    return root


def test_paired_runs_print_the_factor_and_write_csv(run_dirs, tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / "b"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "PAIRED" in text and "times narrower" in text
    table = pd.read_csv(out)
    row = table[table["metric"] == "coordinator_coverage"].iloc[0]
    assert row["paired"] and row["width_ratio"] > 1
    assert f"{row['width_ratio']:.1f} times narrower" in text


def test_different_seeds_are_compared_unpaired(run_dirs, capsys):
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / "c")]) == 0
    assert "NOT PAIRED" in capsys.readouterr().out


@pytest.mark.parametrize(("b", "message"), [("short", "different horizons"), ("missing", "no such run directory")])
def test_uncomparable_runs_exit_2_with_one_line(run_dirs, capsys, b, message):
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / b)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
