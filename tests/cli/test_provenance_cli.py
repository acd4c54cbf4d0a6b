"""Every command that writes a run directory names its scenario file and command line in
``manifest.json``, and ``fundsim report`` draws the reserve target from it or says why not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fundsim.cli import main
from fundsim.viz.report import RESERVE_LINE

DATA = Path(__file__).resolve().parents[1] / "data"
MINI = DATA / "mini.toml"


def _manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def test_run_records_its_scenario_file_and_command(tmp_path, capsys):
    argv = ["run", str(MINI), "--reps", "2", "--out", str(tmp_path / "run"), "--no-progress"]
    assert main(argv) == 0
    m = _manifest(tmp_path / "run")
    assert m["scenario_file"] == str(MINI)
    assert m["command"].startswith("fundsim run ") and str(tmp_path / "run") in m["command"]


def test_batch_records_each_runs_scenario_file_and_sweep(tmp_path, capsys):
    folder = tmp_path / "scn"
    folder.mkdir()
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(DATA / name, folder / name)
    (folder / "swept.toml").write_text(
        'extends = "mini.toml"\nname = "swept"\n[sweep]\n"mechanism.reserve_target_months" = [0, '
        "6]\n",
        encoding="utf-8",
    )
    assert (
        main(["batch", str(folder), "--reps", "2", "--out", str(tmp_path / "b"), "--no-progress"])
        == 0
    )
    assert _manifest(tmp_path / "b" / "mini")["scenario_file"] == str(folder / "mini.toml")
    swept = _manifest(tmp_path / "b" / "swept__reserve_target_months=6")
    assert swept["scenario_file"] == str(folder / "swept.toml")
    assert swept["sweep"] == {"mechanism.reserve_target_months": 6}
    assert swept["command"].startswith("fundsim batch ")


def test_stress_baseline_records_its_scenario_file(tmp_path, capsys):
    assert (
        main(["stress", str(MINI), "--reps", "2", "--out", str(tmp_path / "st"), "--no-progress"])
        == 0
    )
    m = _manifest(tmp_path / "st" / "baseline")
    assert m["scenario_file"] == str(MINI)
    assert m["command"].startswith("fundsim stress ")


def test_report_draws_the_reserve_line_after_a_plain_run(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                str(MINI),
                "--reps",
                "2",
                "--out",
                str(tmp_path / "run"),
                "--no-progress",
                "--no-report",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["report", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    assert "reserve" not in captured.err
    assert RESERVE_LINE not in captured.out
    assert RESERVE_LINE not in (tmp_path / "run" / "report.html").read_text(encoding="utf-8")


def test_report_of_a_sweep_variant_finds_its_reserve_target(tmp_path, capsys):
    folder = tmp_path / "scn"
    folder.mkdir()
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(DATA / name, folder / name)
    (folder / "swept.toml").write_text(
        'extends = "mini.toml"\nname = "swept"\n[sweep]\n"mechanism.reserve_target_months" = [6]\n',
        encoding="utf-8",
    )
    assert (
        main(["batch", str(folder / "swept.toml"), "--reps", "2", "--out", str(tmp_path / "b")])
        == 0
    )
    capsys.readouterr()
    assert main(["report", str(tmp_path / "b" / "swept__reserve_target_months=6")]) == 0
    assert "reserve" not in capsys.readouterr().err


def test_report_says_why_when_the_scenario_file_has_changed(tmp_path, capsys):
    scn = tmp_path / "scn"
    scn.mkdir()
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(DATA / name, scn / name)
    assert (
        main(
            [
                "run",
                str(scn / "mini.toml"),
                "--reps",
                "2",
                "--out",
                str(tmp_path / "run"),
                "--no-report",
            ]
        )
        == 0
    )
    text = (scn / "mini.toml").read_text(encoding="utf-8")
    (scn / "mini.toml").write_text(
        text.replace("reserve_target_months = 3", "reserve_target_months = 4"), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["report", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    assert "no reserve line" in captured.err and "has changed since the run" in captured.err
    assert captured.err.count("\n") == 1
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert RESERVE_LINE in page and "has changed since the run" in page


def test_report_says_why_for_a_run_started_from_python(tmp_path, capsys, mini):
    from fundsim.runner import run_scenario

    run_scenario(mini, reps=2, seed=1, workers=1, out=tmp_path / "run")
    assert main(["report", str(tmp_path / "run")]) == 0
    err = capsys.readouterr().err
    assert "names no scenario file" in err and "--scenario" in err
    # ... and draws it when told which file.
    assert (
        main(
            [
                "report",
                str(tmp_path / "run"),
                "--scenario",
                str(MINI),
                "--out",
                str(tmp_path / "r2"),
            ]
        )
        == 0
    )
    assert "reserve" not in capsys.readouterr().err
