"""``fundsim batch`` keeps the output contract of ``fundsim run``: its folder is held while
it runs (a second batch on it is refused), another batch's index is never replaced
without ``--force``, ``--resume`` finishes only the same batch, and a batch that fails
before any run finished leaves nothing in ``--out``."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest

from fundsim.cli import main
from fundsim.results.output_folder import FolderLock
from fundsim.runner.batch import LOCK


@pytest.fixture
def folder(tmp_path: Path, mini_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(mini_path.parent / name, folder / name)
    (folder / "other.toml").write_text('extends = "mini.toml"\nname = "other"\n', encoding="utf-8")
    return folder


def _batch(file: Path, out: Path, *more: str) -> int:
    return main(
        [
            "batch",
            str(file),
            "--reps",
            "3",
            "--seed",
            "1",
            "--out",
            str(out),
            "--no-progress",
            "--workers",
            "1",
            *more,
        ]
    )


def test_a_second_batch_on_a_folder_in_use_exits_2_and_touches_nothing(
    folder: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    held = FolderLock(out, LOCK, "another batch")  # what a running batch holds
    try:
        assert _batch(folder / "mini.toml", out) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "another batch is writing it now" in err
        assert sorted(p.name for p in out.iterdir()) == [LOCK]  # no index, no run written
    finally:
        held.release()
    assert _batch(folder / "mini.toml", out) == 0  # free again once the first has finished
    assert not (out / LOCK).exists()


def test_another_batch_index_is_not_replaced_without_force(
    folder: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    assert _batch(folder / "mini.toml", out) == 0
    before = (out / "batch.csv").read_bytes()
    capsys.readouterr()
    assert _batch(folder / "other.toml", out) == 2
    err = capsys.readouterr().err
    assert "already holds a batch" in err and "--force" in err
    assert (out / "batch.csv").read_bytes() == before
    assert not (out / "other").exists()
    assert _batch(folder / "other.toml", out, "--force") == 0
    assert list(pd.read_csv(out / "batch.csv")["run"]) == ["other"]


def test_resume_onto_a_batch_of_other_runs_exits_2(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert _batch(folder / "mini.toml", out) == 0
    before = (out / "batch.csv").read_bytes()
    capsys.readouterr()
    assert _batch(folder / "other.toml", out, "--resume") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "another batch" in err and "other" in err
    assert (out / "batch.csv").read_bytes() == before
    assert _batch(folder / "mini.toml", out, "--resume") == 0  # the same batch: finished again
    assert "1 kept" in capsys.readouterr().out


def test_an_unreachable_scheduler_leaves_nothing_in_out(
    folder: Path, tmp_path: Path, capsys
) -> None:
    pytest.importorskip("distributed")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            str(folder / "mini.toml"),
            "--reps",
            "3",
            "--out",
            str(out),
            "--no-progress",
            "--scheduler",
            f"tcp://127.0.0.1:{port}",
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert not out.exists()


def test_out_that_is_a_file_is_refused(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.write_text("mine\n", encoding="utf-8")
    assert _batch(folder / "mini.toml", out) == 2
    assert "not a folder" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine\n"
