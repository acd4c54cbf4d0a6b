"""Documented commands run in a fresh process forked from one that has already imported fundsim.

Each documented ``fundsim ...``, ``python -c ...`` or ``python SCRIPT ...`` used to start a new
interpreter that spent about two seconds importing fundsim, pandas, scipy and matplotlib before
doing the command's work; a page runs a dozen of them and the docs' tests about 170. Here one
server process per test process imports them once (single-threaded, before any fork) and forks
a child per command: the child takes the command's working directory, environment and
arguments, runs it as ``python`` would (``-m fundsim.cli`` through :mod:`runpy` as
``__main__``, ``-c`` code in a fresh ``__main__`` module, a script by its path), writes its
standard output and error to files and exits with the command's exit code. Nothing a command
does reaches the next one (each is a new process from the same clean state); what differs
from a cold interpreter is only that the imports are already done.

A command the server cannot run this way (another program, an interpreter option) runs as a
plain subprocess, as before. :func:`run` has the signature and result of
:func:`subprocess.run` with ``capture_output=True, text=True``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Imported by the server before it forks (fundsim's own modules are all imported, but the app's).
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
    "xlsxwriter",
    "openpyxl",
)


def _forkable(argv: Sequence[str]) -> bool:
    """Whether the server can run ``argv``: this interpreter with ``-m MODULE``, ``-c CODE``
    or a script path as its first argument."""
    if len(argv) < 2 or argv[0] != sys.executable:
        return False
    first = argv[1]
    return first in ("-m", "-c") or not first.startswith("-")


class _Server:
    """One preloaded server process and the pipe to it."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.docs.preloaded"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if ready.strip() != "ready":
            raise RuntimeError(f"the preloaded server did not start: {ready!r}")
        self.lock = threading.Lock()

    def run(self, argv: Sequence[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with tempfile.TemporaryDirectory(prefix="fundsim-docs-") as tmp:
            out, err = Path(tmp) / "out", Path(tmp) / "err"
            request = {
                "argv": list(argv),
                "cwd": str(cwd),
                "env": env,
                "out": str(out),
                "err": str(err),
            }
            with self.lock:
                self.proc.stdin.write(json.dumps(request) + "\n")
                self.proc.stdin.flush()
                timer = threading.Timer(timeout, self.proc.kill)
                timer.start()
                try:
                    reply = self.proc.stdout.readline()
                finally:
                    timer.cancel()
            if not reply:
                raise subprocess.TimeoutExpired(list(argv), timeout)
            code = json.loads(reply)["returncode"]
            return (
                code,
                out.read_text(encoding="utf-8", errors="replace"),
                err.read_text(encoding="utf-8", errors="replace"),
            )

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_server: _Server | None = None


def _the_server() -> _Server:
    global _server
    if _server is None or _server.proc.poll() is not None:
        _server = _Server()
        atexit.register(_server.close)
    return _server


def run(
    argv: Sequence[str], cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``cwd`` with environment ``env``, its output captured as text: in a child
    of the preloaded server when it can (see the module docstring), else as a subprocess."""
    if os.name != "posix" or not _forkable(argv):
        return subprocess.run(
            list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    code, out, err = _the_server().run(argv, cwd, env, timeout)
    return subprocess.CompletedProcess(list(argv), code, out, err)


# --------------------------------------------------------------------------- the server


def _preload() -> None:
    import importlib
    import pkgutil

    import fundsim

    for name in PRELOAD:
        importlib.import_module(name)
    for module in pkgutil.walk_packages(fundsim.__path__, "fundsim."):
        if module.name.startswith("fundsim.app") or module.name.endswith("__main__"):
            continue
        importlib.import_module(module.name)


def _child(request: dict) -> int:
    """In the forked child: become the command and run it; its exit code."""
    import runpy
    import traceback

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    for fd, path in ((1, request["out"]), (2, request["err"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.close(stdin)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    argv = request["argv"][1:]
    try:
        if argv[0] == "-m":
            sys.argv = [argv[1], *argv[2:]]
            sys.path[0] = os.getcwd()
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        elif argv[0] == "-c":
            import types

            sys.argv = ["-c", *argv[2:]]
            sys.path[0] = ""
            main = types.ModuleType("__main__")
            sys.modules["__main__"] = main
            exec(compile(argv[1], "<string>", "exec"), main.__dict__)
        else:
            sys.argv = list(argv)
            sys.path[0] = str(Path(argv[0]).resolve().parent)
            runpy.run_path(argv[0], run_name="__main__")
        code = 0
    except SystemExit as stop:
        if stop.code is None:
            code = 0
        elif isinstance(stop.code, int):
            code = stop.code
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()  # what an interpreter does on its way out
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):
            stream.flush()
    return code


def serve() -> None:
    """Read one JSON request per line on stdin; fork a child per request; answer its exit code."""
    _preload()
    if threading.active_count() != 1:
        raise RuntimeError("the preloaded server must be single-threaded to fork")
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(request)
            finally:
                os._exit(code & 0xFF if code >= 0 else 1)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        sys.stdout.write(json.dumps({"returncode": code}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
