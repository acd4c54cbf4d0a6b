"""``fundsim explore``: the tables and figures it writes, resuming, and its one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundsim.cli import main
from tests.explore_builders import write_mini_explore

ROOT = Path(__file__).resolve().parents[2]


def test_explore_writes_the_tidy_table_and_the_robustness_table(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    import fundsim.analysis.discovery as discovery

    monkeypatch.setattr(discovery, "discovery_available", lambda: False)  # as without the extra
    path = write_mini_explore(tmp_path)
    out = tmp_path / "ex"
    assert (
        main(
            [
                "explore",
                str(path),
                "--futures",
                "3",
                "--reps",
                "1",
                "--out",
                str(out),
                "--workers",
                "1",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "pip install -e '.[explore]'" in text
    table = pd.read_csv(out / "experiments.csv")
    assert list(table.columns[:5]) == [
        "future",
        "policy",
        "cuts.0.fraction",
        "cuts.0.year",
        "exits",
    ]
    assert len(table) == 3 * 2 and "failed" in table.columns
    robust = pd.read_csv(out / "robustness.csv")
    assert set(robust["policy"]) == {"lean", "reserve"} and robust["rank"].tolist() == [1, 2]
    assert (out / "robustness.png").stat().st_size > 0
    assert not (out / "prim_box.csv").exists()


def test_explore_resumes_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    path = write_mini_explore(tmp_path)
    out = tmp_path / "ex"
    args = [
        "explore",
        str(path),
        "--futures",
        "2",
        "--reps",
        "1",
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    assert main(args) == 0
    first = (out / "experiments.csv").read_bytes()
    assert main(args) == 2
    assert "use --resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0
    assert "2 kept from before" in capsys.readouterr().out
    assert (out / "experiments.csv").read_bytes() == first


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--policy", "bold"], "not a policy"),
        (["--resume"], "--resume needs --out"),
        (["--threshold", "2"], "a density between 0 and 1"),
    ],
)
def test_bad_options_are_one_line(tmp_path: Path, capsys, extra: list[str], words: str) -> None:
    path = write_mini_explore(tmp_path)
    assert main(["explore", str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_file_without_an_explore_table_is_bad_input(capsys) -> None:
    assert main(["explore", str(ROOT / "scenarios" / "baseline.toml")]) == 2
    assert "no [explore] table" in capsys.readouterr().err


def test_the_shipped_explore_scenario_gives_boxes_and_a_robustness_table(
    tmp_path: Path, capsys
) -> None:
    pytest.importorskip("ema_workbench")
    out = tmp_path / "cuts"
    args = [
        "explore",
        str(ROOT / "scenarios" / "explore_cuts.toml"),
        "--futures",
        "4",
        "--reps",
        "1",
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "The fund (any policy):" in text
    for name in (
        "experiments.csv",
        "robustness.csv",
        "prim_trajectory.csv",
        "prim_box.csv",
        "tree.csv",
    ):
        assert (out / name).is_file(), name
    assert len(pd.read_csv(out / "robustness.csv")) == 5
    assert len(pd.read_csv(out / "prim_trajectory.csv")) >= 1
    # the box's limits with quasi-p-values, every uncertainty and lever scored, the designs' cost
    inspect = pd.read_csv(out / "prim_inspect.csv")
    assert {"qp_low", "qp_high", "coverage", "density"} <= set(inspect.columns)
    scores = pd.read_csv(out / "feature_scores.csv")
    assert set(scores["input"]) >= {
        "cuts.0.fraction",
        "cuts.0.year",
        "exits",
        "payments.delay_months.mean",
    }
    robust = pd.read_csv(out / "robustness.csv").set_index("policy")
    assert (robust["mean_cost_usd"] > 0).all() and (robust["extra_cost_usd"] >= 0).all()
    assert "cost to entities" in text
    # 4 futures x 5 designs: fewer than ten failing runs is flagged, more is not
    failing = int(pd.read_csv(out / "experiments.csv")["failed"].sum())
    assert ("Warning: PRIM's box rests on" in text) == (failing < 10 and len(inspect) > 0)
