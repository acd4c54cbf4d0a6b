"""Faults: interrupted commands leave nothing half-written and no workers;
a full or read-only output folder is one line; two runs into one ``--out`` cannot
corrupt each other; one overwrite policy (``--force``); an unreachable scheduler is
a user error within seconds."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fundsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini.toml"


def _fundsim(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "fundsim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,
    )


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _nothing_left(folder: Path, name: str) -> None:
    assert not (folder / name).exists()
    assert [p.name for p in folder.iterdir() if p.name.startswith(f".{name}")] == []


@pytest.mark.parametrize(
    ("sig", "code", "group"), [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)]
)
def test_a_stopped_run_exits_at_once_leaving_no_folder_and_no_workers(
    tmp_path: Path, sig, code, group
) -> None:
    out = tmp_path / "out"
    proc = _fundsim(
        "run",
        str(MINI),
        "--reps",
        "20000",
        "--workers",
        "2",
        "--out",
        str(out),
        "--no-progress",
        start_new_session=True,
    )
    assert _wait_for(lambda: out.exists() and len(_children(proc.pid)) >= 2, 60), proc.communicate()
    time.sleep(1.0)  # the workers are busy with chunks
    workers = _children(proc.pid)
    t0 = time.monotonic()
    if group:  # Ctrl-C in a terminal signals the whole process group, workers included
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 10
    assert proc.returncode == code, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert len(err.strip().splitlines()) == 1
    _nothing_left(tmp_path, "out")
    assert _wait_for(lambda: not any(_alive(w) for w in workers), 5), "orphaned workers"


@pytest.mark.slow  # two runs of 40 replications in two processes, long enough to overlap
def test_two_runs_into_one_out_cannot_both_write_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    procs = [
        _fundsim(
            "run", str(MINI), "--reps", "40", "--seed", str(s), "--out", str(out), "--no-progress"
        )
        for s in (1, 2)
    ]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    codes = sorted(c for c, _ in results)
    assert codes == [0, 2], results
    loser = next(err for c, err in results if c == 2)
    assert ("already exists" in loser or "writing it now" in loser) and len(
        loser.strip().splitlines()
    ) == 1
    winner_seed = next(s for (c, _), s in zip(results, (1, 2), strict=True) if c == 0)
    import json

    assert json.loads((out / "manifest.json").read_text())["seed"] == winner_seed


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(MINI), "--reps", "2"],
        ["stress", str(MINI), "--reps", "2"],
        [
            "solve",
            str(MINI),
            "--reps",
            "2",
            "--target",
            "p_gap<=0.5",
            "--lever",
            "payments.contribution_scale",
        ],
        ["sensitivity", str(MINI), "--reps", "2", "--range", "payments.contribution_scale=0.5:1.5"],
        ["shares", str(MINI)],
    ],
    ids=lambda c: c[0],
)
def test_an_output_folder_that_cannot_be_created_is_one_line(
    tmp_path: Path, capsys, command
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(
        [
            *command,
            "--out",
            str(blocker / "out"),
            *(["--no-progress"] if command[0] != "shares" else []),
        ]
    )
    assert code == 2
    assert str(blocker / "out") in _one_line(capsys)
    assert blocker.read_text() == "not a folder"


def test_a_full_disk_leaves_no_run_folder(tmp_path: Path, capsys, monkeypatch) -> None:
    import fundsim.results.run_files as run_files

    def full(_path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(run_files, "_fsync_dir", full)
    assert (
        main(["run", str(MINI), "--reps", "2", "--out", str(tmp_path / "out"), "--no-progress"])
        == 2
    )
    assert "No space left on device" in _one_line(capsys)
    _nothing_left(tmp_path, "out")


def test_a_full_disk_leaves_no_truncated_report(tmp_path: Path, capsys, monkeypatch) -> None:
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
    before = sorted(p.name for p in (tmp_path / "run").iterdir())
    import fundsim.results.atomic as atomic

    def full(_path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "_fsync", full)
    assert main(["report", str(tmp_path / "run")]) == 2
    assert "No space left on device" in _one_line(capsys)
    assert (
        sorted(p.name for p in (tmp_path / "run").iterdir()) == before
    )  # no report.html, no temp file


def test_a_full_disk_leaves_no_shares_folder(tmp_path: Path, capsys, monkeypatch) -> None:
    import fundsim.results.atomic as atomic

    def full(_path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "_fsync", full)
    assert main(["shares", str(MINI), "--out", str(tmp_path / "out")]) == 2
    _one_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_one_overwrite_policy(tmp_path: Path, capsys) -> None:
    run = tmp_path / "run"
    assert (
        main(["run", str(MINI), "--reps", "2", "--out", str(run), "--no-progress", "--no-report"])
        == 0
    )
    shares = tmp_path / "shares"
    assert main(["shares", str(MINI), "--out", str(shares)]) == 0
    assert main(["report", str(run)]) == 0
    capsys.readouterr()
    refused = [
        ["run", str(MINI), "--reps", "2", "--out", str(run), "--no-progress"],
        ["shares", str(MINI), "--out", str(shares)],
        ["report", str(run)],
        ["stress", str(MINI), "--reps", "2", "--out", str(run), "--no-progress"],
        [
            "solve",
            str(MINI),
            "--reps",
            "2",
            "--target",
            "p_gap<=0.5",
            "--lever",
            "payments.contribution_scale",
            "--out",
            str(run),
            "--no-progress",
        ],
        ["sensitivity", str(MINI), "--reps", "2", "--out", str(run), "--no-progress"],
    ]
    for command in refused:
        assert main(command) == 2, command
        assert "--force" in _one_line(capsys)
    for command in refused[:3]:
        assert main([*command, "--force"]) == 0, command
    assert (run / "manifest.json").is_file() and (run / "report.html").is_file()
    assert (shares / "formula_shares.csv").is_file()


def test_force_never_replaces_a_folder_fundsim_did_not_write(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    for command in (["run", str(MINI), "--reps", "2", "--no-progress"], ["shares", str(MINI)]):
        assert main([*command, "--out", str(mine), "--force"]) == 2
        assert "not replacing" in _one_line(capsys)
    assert [p.name for p in mine.iterdir()] == ["thesis.docx"]


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    proc = _fundsim(
        "run",
        str(MINI),
        "--reps",
        "2",
        "--scheduler",
        "tcp://127.0.0.1:1",
        "--out",
        str(tmp_path / "out"),
        "--no-progress",
    )
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "tcp://127.0.0.1:1" in err, err
    _nothing_left(tmp_path, "out")


def test_an_unreachable_scheduler_is_given_up_within_seconds() -> None:
    pytest.importorskip("dask.distributed")
    from fundsim.errors import BadInput
    from fundsim.runner.dask_executor import CONNECT_SECONDS
    from fundsim.runner.executors import make_executor

    t0 = time.monotonic()
    with pytest.raises(BadInput, match="cannot reach the scheduler"):
        make_executor(2, "tcp://127.0.0.1:1")
    assert time.monotonic() - t0 < CONNECT_SECONDS + 5  # was 20 s and a 40-line traceback


def test_batch_refuses_existing_runs_unless_resumed_or_forced(tmp_path: Path, capsys) -> None:
    out = tmp_path / "batch"
    command = ["batch", str(MINI), "--reps", "2", "--out", str(out), "--no-progress"]
    assert main(command) == 0
    first = (out / "mini" / "manifest.json").read_text()
    capsys.readouterr()
    assert main(command) == 2
    assert "--force" in _one_line(capsys)
    assert main([*command, "--force"]) == 0
    assert (out / "mini" / "manifest.json").read_text() != first  # replaced (new start time)


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--reps", "1000000000"),
        ("--reps", "0"),
        ("--seed", "-1"),
        ("--seed", str(2**64)),
        ("--workers", "100000"),
    ],
)
def test_counts_out_of_range_are_one_line(capsys, flag: str, value: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", str(MINI), flag, value])
    assert info.value.code == 2
    err = _one_line(capsys)
    assert flag in err and "must be between" in err
