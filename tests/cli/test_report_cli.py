"""``fundsim report``: report.html and report.xlsx in the run directory; exit 2 for a non-run."""

from __future__ import annotations

from pathlib import Path

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def test_report_next_to_the_run(tmp_path, capsys):
    from fundsim.runner import run_scenario

    run_scenario(str(MINI), reps=4, seed=2, workers=1, out=tmp_path / "run")
    assert main(["report", str(tmp_path / "run")]) == 0
    text = capsys.readouterr().out
    assert (tmp_path / "run" / "report.html").is_file() and (
        tmp_path / "run" / "report.xlsx"
    ).is_file()
    assert "report.html" in text


def test_report_elsewhere_with_out(tmp_path):
    from fundsim.runner import run_scenario

    run_scenario(str(MINI), reps=2, seed=2, workers=1, out=tmp_path / "run")
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "rep")]) == 0
    assert (tmp_path / "rep" / "report.xlsx").is_file()
    assert not (tmp_path / "run" / "report.html").exists()


def test_not_a_run_directory_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a complete run directory" in capsys.readouterr().err


def test_mismatched_scenario_exits_2(tmp_path, capsys):
    from fundsim.runner import run_scenario

    run_scenario(str(MINI), reps=2, seed=2, workers=1, out=tmp_path / "run")
    baseline = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
    assert main(["report", str(tmp_path / "run"), "--scenario", str(baseline)]) == 2
    assert "is not the scenario of this run" in capsys.readouterr().err
