"""A real Dask cluster (a ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1) runs a scenario to the same results as the serial executor."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from fundsim.runner import run_scenario

DASK = Path(sys.executable).with_name("dask")
REPS = 16


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"no scheduler on 127.0.0.1:{port} after {timeout} s")


def start(args: list[str], log: Path) -> subprocess.Popen:
    # A session of its own: the whole process group is stopped afterwards.
    with log.open("wb") as fh:
        return subprocess.Popen(
            [str(DASK), *args], stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.mark.slow
def test_external_dask_cluster_matches_serial(mini, tmp_path: Path) -> None:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            tmp_path / "scheduler.log",
        )
    ]
    try:
        wait_for_port(port, timeout=60)
        for i in range(2):
            procs.append(
                start(
                    [
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--name",
                        f"w{i}",
                    ],
                    tmp_path / f"worker{i}.log",
                )
            )
        from dask.distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=90)
        result = run_scenario(mini, reps=REPS, seed=3, scheduler=address)
    finally:
        for proc in reversed(procs):
            stop(proc)
    assert (result.manifest["executor"], result.manifest["workers"]) == ("dask", 2)
    serial = run_scenario(mini, reps=REPS, seed=3, workers=1)
    for name in ("replications", "monthly", "shares", "yearly", "coverage"):
        pd.testing.assert_frame_equal(
            getattr(result, name), getattr(serial, name), check_exact=True, obj=name
        )
