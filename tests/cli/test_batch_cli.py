"""``fundsim batch``: runs folders and sweeps, resumes, and answers bad input with exit 2
and one line naming the file and key, writing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from fundsim.cli import main


@pytest.fixture
def folder(tmp_path: Path, mini_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(mini_path.parent / name, folder / name)
    (folder / "swept.toml").write_text(
        'extends = "mini.toml"\nname = "swept"\n[sweep]\n"mechanism.reserve_target_months" = [0, '
        "6]\n",
        encoding="utf-8",
    )
    return folder


def test_batch_runs_a_folder_and_prints_each_run(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert (
        main(
            ["batch", str(folder), "--reps", "5", "--seed", "1", "--out", str(out), "--no-progress"]
        )
        == 0
    )
    printed = capsys.readouterr().out
    runs = ["mini", "swept__reserve_target_months=0", "swept__reserve_target_months=6"]
    for run in runs:
        assert run in printed
        assert (out / run / "manifest.json").is_file()
    assert "3 run(s) done" in printed
    index = pd.read_csv(out / "batch.csv")
    assert list(index["run"]) == runs
    assert set(index["seed"]) == {1} and set(index["replications"]) == {5}


def test_resume_reports_kept_runs(folder: Path, tmp_path: Path, capsys) -> None:
    args = [
        "batch",
        str(folder / "mini.toml"),
        "--reps",
        "5",
        "--out",
        str(tmp_path / "out"),
        "--no-progress",
    ]
    assert main(args) == 0
    assert main(args) == 2  # the run is there: refuse rather than overwrite
    assert "--resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0
    assert "0 run(s) done, 1 kept" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('"mechanism.reserve_target_month" = [0, 6]', "sweep.mechanism.reserve_target_month"),
        ('"mechanism.reserve_target_months" = [0, -6]', "sweep.mechanism.reserve_target_months"),
    ],
)
def test_a_bad_sweep_exits_2_with_one_line_and_writes_nothing(
    folder: Path, tmp_path: Path, capsys, body: str, where: str
) -> None:
    bad = folder / "bad.toml"
    bad.write_text(f'extends = "mini.toml"\n[sweep]\n{body}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(folder), "--reps", "5", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(bad) in err and where in err
    assert not out.exists()


def test_a_missing_path_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
