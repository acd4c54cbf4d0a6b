"""A batch killed with SIGKILL part-way, then resumed, ends with the same results as an
uninterrupted batch, never shows a half-written run directory under a final name, and
leaves no worker process running."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from fundsim.results import is_run_dir, read_run
from fundsim.runner.batch import plan_batch, run_batch

NAMES = [f"copy{i}" for i in range(6)]
REPS = 150
FUNDSIM = Path(sys.executable).with_name("fundsim")


def _batch_command(folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        str(FUNDSIM),
        "batch",
        str(folder),
        "--reps",
        str(REPS),
        "--workers",
        "2",
        "--no-progress",
        "--out",
        str(out),
        *extra,
    ]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_killed_batch_resumes_to_the_uninterrupted_results(tmp_path: Path, mini_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for csv in ("entities.csv", "countries.csv"):
        shutil.copy(mini_path.parent / csv, folder / csv)
    text = mini_path.read_text(encoding="utf-8")
    for name in NAMES:
        (folder / f"{name}.toml").write_text(
            text.replace('name = "mini"', f'name = "{name}"'), encoding="utf-8"
        )
    out = tmp_path / "killed"

    proc = subprocess.Popen(
        _batch_command(folder, out),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    finished: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            finished = [n for n in NAMES if (out / n).exists()]
            if finished:
                break
            time.sleep(0.01)
        assert proc.poll() is None, (
            f"the batch ended before it could be killed: {proc.stderr.read()!r}"
        )
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as a job scheduler might
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = _group_alive(proc.pid)
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not orphans, "worker processes outlived the killed batch"

    present = [n for n in NAMES if (out / n).exists()]
    assert 1 <= len(present) < len(NAMES), present
    for name in present:  # whatever exists under a final name is complete and readable
        assert is_run_dir(out / name)
        assert len(read_run(out / name).replications) == REPS

    resumed = subprocess.run(
        _batch_command(folder, out, "--resume"), capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    index = pd.read_csv(out / "batch.csv")
    assert set(index.loc[index["status"] == "kept", "run"]) == set(present)
    assert set(index["status"]) <= {"kept", "done"}
    assert sorted(p.name for p in out.iterdir()) == sorted([*NAMES, "batch.csv"])  # no leftovers

    reference = tmp_path / "uninterrupted"
    run_batch(plan_batch([folder]), reference, reps=REPS, workers=1)
    for name in NAMES:
        assert (out / name / "replications.csv").read_bytes() == (
            reference / name / "replications.csv"
        ).read_bytes()
        assert (out / name / "shares.csv").read_bytes() == (
            reference / name / "shares.csv"
        ).read_bytes()
