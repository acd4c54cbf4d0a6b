"""``fundsim compare A B C``: each variant against A, side by side, paired where it can be."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def test_three_runs_compare_each_with_the_first(tmp_path, capsys):
    from fundsim.analysis.variants import with_overrides
    from fundsim.runner import run_scenario
    from fundsim.scenario import load_scenario

    mini = load_scenario(MINI)
    run_scenario(mini, reps=6, seed=3, workers=1, out=tmp_path / "a")
    run_scenario(
        with_overrides(mini, {"mechanism.admin_fee": 0.13}),
        reps=6,
        seed=3,
        workers=1,
        out=tmp_path / "b",
    )
    run_scenario(
        with_overrides(mini, {"mechanism.admin_fee": 0.13, "mechanism.fee_basis": "expenditure"}),
        reps=6,
        seed=4,
        workers=1,
        out=tmp_path / "c",
    )
    out = tmp_path / "side.csv"
    assert (
        main(
            [
                "compare",
                *(str(tmp_path / x) for x in "abc"),
                "--metric",
                "admin_fees_usd",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "B - A: PAIRED" in text and "C - A: NOT PAIRED" in text
    assert "C - A" in text.splitlines()[6]  # one header row holds every variant's columns
    table = pd.read_csv(out)
    assert list(table["run_b"].map(lambda p: Path(p).name)) == ["b", "c"]
    fees = table.set_index(table["run_b"].map(lambda p: Path(p).name))["diff"]
    assert fees["b"] > 0  # 13 % costs more than 8 %, on the same draws
