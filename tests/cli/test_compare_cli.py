"""``fundsim compare``: paired table for runs of one seed; exit 2 for runs that cannot be
compared."""

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
    run_scenario(
        with_overrides(mini, {"simulation.years": 3}), reps=8, seed=3, workers=1, out=root / "short"
    )
    return root


def test_paired_runs_open_with_a_sentence_per_headline_metric_and_write_csv(
    run_dirs, tmp_path, capsys
):
    out = tmp_path / "cmp.csv"
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / "b"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "PAIRED" in text
    table = pd.read_csv(out)
    row = table[table["metric"] == "coordinator_coverage"].iloc[0]
    assert row["paired"]
    # the sentence states the change in points with its interval, as the CSV holds it in fractions
    lo, hi = sorted((abs(row["ci95_low"]), abs(row["ci95_high"])))
    size = (
        f"{100 * abs(row['diff']):.1f} points {'lower' if row['diff'] < 0 else 'higher'} "
        f"[{100 * lo:.1f}, {100 * hi:.1f}]"
    )
    detected = row["ci95_low"] > 0 or row["ci95_high"] < 0
    sentence = next(line for line in text.splitlines() if line.startswith("- coordinator coverage"))
    assert (size in sentence) if detected else ("does not change detectably" in sentence)
    # the other metrics are listed on request only
    assert "--all lists every metric" in text
    assert "income_cv" not in text.split("Intervals are")[0]


def test_all_lists_every_metric(run_dirs, capsys):
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / "b"), "--all"]) == 0
    text = capsys.readouterr().out
    assert "income_cv" in text and "95% interval (paired)" in text


def test_different_seeds_are_compared_unpaired(run_dirs, capsys):
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / "c")]) == 0
    assert "NOT PAIRED" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("b", "message"), [("short", "different horizons"), ("missing", "no such run directory")]
)
def test_uncomparable_runs_exit_2_with_one_line(run_dirs, capsys, b, message):
    assert main(["compare", str(run_dirs / "a"), str(run_dirs / b)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
