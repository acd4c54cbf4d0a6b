"""``fundsim solve``: an answer with its bracket, or exit 2 with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def test_solve_writes_the_answer_and_every_run(tmp_path, capsys):
    out = tmp_path / "solve"
    code = main(
        [
            "solve",
            str(MINI),
            "--target",
            "coordinator_coverage>=0.6",
            "--lever",
            "budget_scale",
            "--low",
            "0.3",
            "--high",
            "1.5",
            "--tol",
            "0.1",
            "--reps",
            "4",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    text = capsys.readouterr().out
    raw = (out / "solve.json").read_text()
    answer = json.loads(
        raw, parse_constant=lambda name: pytest.fail(f"solve.json holds {name}: not JSON")
    )
    runs = pd.read_csv(out / "solve_runs.csv")
    # A third of the money fills a quarter of the posts, half again as much fills most: 0.6 lies
    # between.
    assert code == 0
    assert answer["status"] == "solved"
    assert answer["metric_mean"] >= 0.6
    assert answer["bracket"][1] - answer["bracket"][0] <= 0.1
    assert f"payments.contribution_scale = {answer['value']:.4g}" in text
    assert len(runs) == answer["runs"] and (out / "solve.png").is_file()


def test_bad_target_exits_2(tmp_path, capsys):
    assert (
        main(
            [
                "solve",
                str(MINI),
                "--target",
                "p_gap=0.05",
                "--lever",
                "mechanism.reserve_target_months",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "METRIC<=VALUE" in capsys.readouterr().err


def test_unknown_lever_exits_2(tmp_path, capsys):
    assert (
        main(
            [
                "solve",
                str(MINI),
                "--target",
                "p_gap<=0.05",
                "--lever",
                "mechanism.reserve",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "names no key" in capsys.readouterr().err


def test_a_misspelt_target_metric_exits_2_before_any_run(tmp_path, capsys, monkeypatch):
    import fundsim.analysis.solve as solve_module

    monkeypatch.setattr(
        solve_module, "run_scenario", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran"))
    )
    assert (
        main(
            [
                "solve",
                str(MINI),
                "--target",
                "pgap<=0.05",
                "--lever",
                "mechanism.reserve_target_months",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "did you mean 'p_gap'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_an_unresolved_bracket_gives_no_answer_but_what_to_do(tmp_path, capsys):
    # Two replications cannot tell a 5 % probability apart from 0 or from 60 %: no value tried
    # is clearly past the target, so there is no answer to print.
    code = main(
        [
            "solve",
            str(MINI),
            "--target",
            "p_gap<=0.05",
            "--lever",
            "budget_scale",
            "--low",
            "0.3",
            "--high",
            "1.5",
            "--reps",
            "2",
            "--max-runs",
            "3",
            "--out",
            str(tmp_path / "s"),
            "--no-progress",
        ]
    )
    text = capsys.readouterr().out
    if code == 0 and "Answer:" not in text:
        assert "No answer at 2 replications" in text and "--reps 50" in text
    else:  # the search itself reports why it stopped (exit 2), also without an answer
        assert "Answer:" not in text
