"""``fundsim stress``: the battery's table, heat map and a baseline run directory to report on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fundsim.cli import main
from fundsim.results import is_run_dir

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def test_stress_writes_table_figure_and_baseline(tmp_path, capsys):
    out = tmp_path / "st"
    assert main(["stress", str(MINI), "--reps", "4", "--out", str(out), "--no-progress"]) == 0
    text = capsys.readouterr().out
    table = pd.read_csv(out / "stress.csv")
    assert {"combined", "all_-15%", "largest_leaves", "largest_leaves_unabsorbed"} <= set(
        table["shock"]
    )
    assert (out / "stress.png").read_bytes()[:4] == b"\x89PNG"
    assert is_run_dir(out / "baseline") and (out / "baseline" / "stress.csv").is_file()
    assert "combined" in text and f"fundsim report {out / 'baseline'}" in text
    # What each shock costs the entities: the total assessed, and the largest change of one bill.
    assert "assessed_usd" in set(table["metric"])
    cut = table[(table["shock"] == "all_-15%") & (table["metric"] == "assessed_usd")].iloc[0]
    assert {"largest_change_entity", "largest_change_usd", "largest_change_pct"} <= set(
        table.columns
    )
    costs = table[table["shock"] == "post_costs_+10%"].iloc[0]
    assert costs["largest_change_usd"] > 0 and 0.05 < costs["largest_change_pct"] < 0.2
    assert costs["largest_change_entity"] in set(
        pd.read_csv(out / "baseline" / "shares.csv")["entity"]
    )
    assert isinstance(cut["diff"], float)
    # The printed table fits 120 columns: shocks as rows, headline metrics as columns.
    assert (
        max(len(line) for line in text.splitlines() if not line.startswith(("Results:", "Report:")))
        <= 120
    )
    assert "largest bill" in text and "assessed" in text
    # The report of the baseline picks the stress table up.
    assert main(["report", str(out / "baseline")]) == 0
    assert '<table class="stress reflow">' in (out / "baseline" / "report.html").read_text(
        encoding="utf-8"
    )


def test_existing_output_folder_is_refused(tmp_path, capsys):
    assert main(["stress", str(MINI), "--reps", "2", "--out", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_bad_scenario_exits_2(tmp_path, capsys):
    assert main(["stress", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "x")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_metrics_choose_the_columns_and_a_typo_exits_2(tmp_path, capsys):
    assert (
        main(
            [
                "stress",
                str(MINI),
                "--reps",
                "2",
                "--out",
                str(tmp_path / "a"),
                "--metrics",
                "coverage",
            ]
        )
        == 2
    )
    assert "coordinator_coverage" in capsys.readouterr().err
