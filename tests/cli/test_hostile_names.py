"""A scenario's ``name`` cannot touch anything outside the output folder.

``name = "../victim"`` used to delete a sibling folder of ``--out``; ``name = "."``
with ``--resume`` replaced the whole ``--out``; ``run`` without ``--out`` wrote above
``results/``. Each case here plants files where the hostile name points and checks
that they survive, byte for byte, and that the run landed inside the output folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fundsim.cli import main


def _scenario(folder: Path, mini_path: Path, name: str) -> Path:
    folder.mkdir(parents=True)
    for table in ("entities.csv", "countries.csv"):
        shutil.copy(mini_path.parent / table, folder / table)
    text = mini_path.read_text(encoding="utf-8").replace(
        'name = "mini"', f"name = {name!r}".replace("'", '"')
    )
    path = folder / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _plant(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    precious = folder / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    return precious


@pytest.mark.parametrize("name", ["../victim", "../../victim", "/tmp/victim", ".", ".."])
def test_batch_with_a_path_like_name_stays_inside_out(
    tmp_path: Path, mini_path: Path, name: str
) -> None:
    file = _scenario(tmp_path / "scenarios", mini_path, name)
    precious = [_plant(tmp_path / "victim"), _plant(tmp_path.parent / "victim")]
    out = tmp_path / "out"
    for resume in ([], ["--resume"]):  # the second pass replaces nothing of the user's either
        code = main(
            [
                "batch",
                str(file),
                "--reps",
                "2",
                "--seed",
                "1",
                "--out",
                str(out),
                "--no-progress",
                *resume,
            ]
        )
        assert code == 0
        for p in precious:
            assert p.read_text(encoding="utf-8") == "keep me"
    runs = [p for p in out.iterdir() if p.is_dir()]
    assert len(runs) == 1 and (runs[0] / "manifest.json").is_file()
    assert runs[0].resolve().parent == out.resolve()


def test_batch_resume_never_replaces_a_folder_that_is_not_a_run(
    tmp_path: Path, mini_path: Path
) -> None:
    file = _scenario(tmp_path / "scenarios", mini_path, "victim")
    out = tmp_path / "out"
    precious = _plant(out / "victim")  # the user's folder, named like the run
    code = main(["batch", str(file), "--reps", "2", "--out", str(out), "--no-progress", "--resume"])
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert code != 0  # the run failed rather than delete the user's files


@pytest.mark.parametrize("command", ["run", "shares"])
def test_default_output_folder_is_inside_results(
    tmp_path: Path, mini_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = _scenario(tmp_path / "scenarios", mini_path, "../../escaped")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    args = [command, str(file)] + (["--reps", "2"] if command == "run" else [])
    assert main(args) == 0
    written = [
        Path(root) for root, _dirs, files in os.walk(tmp_path) if files and "scenarios" not in root
    ]
    assert written, "nothing was written"
    for folder in written:
        assert (work / "results") in folder.parents or folder == work / "results", folder
