"""Clean failure everywhere: a non-Dask ``--scheduler`` refused in one line within seconds;
a folder a killed command claimed is taken by the next command without ``--force``; a
write the system refuses exits 2 naming the user's path, never a hidden temporary name;
numpy's warnings never reach the terminal."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from fundsim.cli import main, users_path
from fundsim.results.output_folder import CLAIM_FILE, FolderLock, OutputClaim

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini.toml"


def _run(out: Path, *options: str, reps: int = 2) -> list[str]:
    """The arguments of ``fundsim run`` of the mini scenario into ``out``, with no bar."""
    return ["run", str(MINI), "--reps", str(reps), "--out", str(out), "--no-progress", *options]


def _in_a_process(args: list[str]) -> list[str]:
    """The command line that runs ``fundsim args`` in a process of its own."""
    return [sys.executable, "-m", "fundsim", *args]


#: The environment of such a process: this checkout's package first.
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    return err


@pytest.fixture
def stranger():
    """A TCP server that is not Dask: it answers every connection with an HTTP reply."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    server.close()


def test_a_scheduler_that_is_not_dask_is_refused_within_seconds(stranger, tmp_path, capsys) -> None:
    pytest.importorskip("distributed")
    t0 = time.monotonic()
    code = main(_run(tmp_path / "out", "--scheduler", stranger))
    assert code == 2
    assert "not a Dask scheduler" in _one_line(capsys)
    assert time.monotonic() - t0 < 30
    assert not (tmp_path / "out").exists()


def test_a_silent_server_is_refused_after_the_handshake_timeout(tmp_path, capsys) -> None:
    pytest.importorskip("distributed")
    from fundsim.runner.dask_executor import CONNECT_SECONDS

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)  # accepts (the kernel does) but never says anything
        t0 = time.monotonic()
        port = silent.getsockname()[1]
        code = main(_run(tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{port}"))
    assert code == 2
    assert "Dask handshake" in _one_line(capsys)
    assert time.monotonic() - t0 < CONNECT_SECONDS + 20


def test_a_folder_a_killed_command_claimed_is_taken_without_force(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CLAIM_FILE).write_text(
        ""
    )  # what kill -9 leaves: the claim file, its lock gone with the process
    assert main(_run(out)) == 0
    assert (out / "manifest.json").is_file() and not (out / CLAIM_FILE).exists()


def test_a_folder_a_live_command_holds_is_refused(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    claim = OutputClaim(out)  # a command running now
    try:
        assert (out / CLAIM_FILE).is_file()
        # another process (main() in this one would end this process's own claims on its way out)
        done = subprocess.run(
            _in_a_process(_run(out)), capture_output=True, text=True, timeout=120, env=ENV
        )
        assert done.returncode == 2
        assert str(out) in done.stderr and done.stderr.strip().count("\n") == 0
        assert os.listdir(out) == [CLAIM_FILE]
    finally:
        claim.abandon()
    assert not out.exists()


def test_an_empty_folder_is_still_refused_without_force(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(_run(out)) == 2
    _one_line(capsys)


def test_a_lock_is_exclusive_and_released(tmp_path) -> None:
    lock = FolderLock(tmp_path, ".x.lock", "another batch")
    with pytest.raises(Exception, match="another batch is writing it now"):
        FolderLock(tmp_path, ".x.lock", "another batch")
    lock.release()
    FolderLock(tmp_path, ".x.lock", "another batch").release()
    assert not (tmp_path / ".x.lock").exists()


def test_a_refused_write_names_the_users_path_and_exits_2(tmp_path, capsys, monkeypatch) -> None:
    run = tmp_path / "run"
    assert main(_run(run)) == 0
    capsys.readouterr()
    import matplotlib.figure

    def read_only(self, fname, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(fname))

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", read_only)
    assert main(["report", str(run), "--out", str(tmp_path / "report")]) == 2
    err = _one_line(capsys)
    assert "Read-only file system" in err and ".tmp-" not in err


def test_users_path_names_the_final_file() -> None:
    assert users_path("/a/b/.report.html.tmp-0123abcd") == "/a/b/report.html"
    assert users_path("/a/b/.run.old-89abcdef") == "/a/b/run"
    assert users_path("/a/b/plain.csv") == "/a/b/plain.csv"


def test_compare_of_runs_without_data_prints_no_numpy_warning(tmp_path, capsys) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out, seed in ((a, "1"), (b, "2")):
        assert main(_run(out, "--seed", seed)) == 0
    capsys.readouterr()
    assert main(["compare", str(a), str(b)]) == 0
    err = capsys.readouterr().err
    assert "Warning" not in err and "warn" not in err.lower(), err


def test_explore_with_an_unreachable_scheduler_leaves_nothing(tmp_path, capsys) -> None:
    pytest.importorskip("distributed")
    from tests.explore_builders import write_mini_explore

    file = write_mini_explore(tmp_path)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "explore"
    assert (
        main(
            [
                "explore",
                str(file),
                "--out",
                str(out),
                "--no-progress",
                "--scheduler",
                f"tcp://127.0.0.1:{port}",
            ]
        )
        == 2
    )
    _one_line(capsys)
    assert not out.exists()


def test_kill_9_during_a_run_does_not_block_the_rerun(tmp_path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen(
        _in_a_process(_run(out, "--workers", "1", reps=2000)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    try:
        deadline = time.monotonic() + 60
        while not (out / CLAIM_FILE).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (out / CLAIM_FILE).exists(), "the run never claimed its folder"
        time.sleep(0.5)  # simulating now
    finally:
        proc.kill()
        proc.wait()
    assert sorted(os.listdir(out)) == [CLAIM_FILE]  # what kill -9 leaves
    again = subprocess.run(
        _in_a_process(_run(out)), capture_output=True, text=True, env=ENV, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert (out / "manifest.json").is_file()
