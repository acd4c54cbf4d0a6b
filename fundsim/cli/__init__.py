"""The ``fundsim`` command: one module per sub-command in this package.

Each sub-command module exposes ``register(subparsers)``, which adds its parser
and sets ``func`` to a callable taking the parsed arguments and returning an
exit code. Exit codes: 0 success, 2 bad input (one line on stderr naming the file
and key path, never a traceback), 1 internal error. :func:`main` alone turns
exceptions into exit codes: any :class:`fundsim.errors.BadInput` is bad input,
anything else a bug; Ctrl-C (130) and SIGTERM (143) stop a command within seconds,
its workers ended and its unfinished output folder removed
(:func:`fundsim.results.output_folder.abandon_open`); a write the system refuses (full disk,
read-only folder) is one line naming the user's path and exit 2. This package is the only
part of fundsim that parses arguments or prints.

Building the parser imports each sub-command module, so those modules import at
their top only what ``--help`` needs (argparse, the standard library); pandas,
matplotlib and the layers that use them are imported inside ``run``.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import signal
import sys
import threading
import traceback
import typing
import warnings
from collections.abc import Sequence

from fundsim.errors import BadInput

#: Sub-command modules, in the order ``fundsim --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "validate",
    "run",
    "batch",
    "shares",
    "budget",
    "compare",
    "stress",
    "solve",
    "sensitivity",
    "explore",
    "options",
    "report",
)

__all__ = ["COMMANDS", "BadInput", "build_parser", "main"]


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (exit 2), like every other bad input."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: {' '.join(message.split())} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from fundsim import __version__

    parser = OneLineParser(
        prog="fundsim",
        description=(
            "Monte Carlo simulator of pooled funding for PSEA coordinators and victim assistance."
        ),
    )
    parser.add_argument("--version", action="version", version=f"fundsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"fundsim.cli.{name}").register(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that a command unwinds as on Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


#: System errors of a write that are the machine's state, not a bug: one line, exit 1.
_WRITE_ERRORS = {
    errno.ENOSPC,
    errno.EROFS,
    errno.EACCES,
    errno.EPERM,
    errno.ENOTDIR,
    errno.EDQUOT,
    errno.EFBIG,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = [
        "fundsim",
        *(sys.argv[1:] if argv is None else argv),
    ]  # for the manifest's "command"
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with warnings.catch_warnings():
            # numpy's warnings (a mean of nothing, a division by zero in a summary) are not
            # the user's business: a result without data is NaN and says so in its table.
            warnings.simplefilter("ignore", category=RuntimeWarning)
            return int(args.func(args) or 0)
    except BadInput as exc:
        print(f"fundsim: {_one_line(exc, args)}", file=sys.stderr)
        return 2
    except Terminated:
        print("fundsim: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("fundsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``fundsim run ... | head``): results are already
        # on disk; stop quietly, as a command killed by SIGPIPE would (128 + 13).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        if exc.errno not in _WRITE_ERRORS:
            traceback.print_exc()
            print(
                "fundsim: internal error (the traceback above is a bug; please report it)",
                file=sys.stderr,
            )
            return 1
        where = f"{users_path(exc.filename)}: " if exc.filename else ""
        print(f"fundsim: {where}cannot write: {exc.strerror}", file=sys.stderr)
        return 2
    except Exception:
        traceback.print_exc()
        print(
            "fundsim: internal error (the traceback above is a bug; please report it)",
            file=sys.stderr,
        )
        return 1
    finally:
        _abandon_outputs()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _abandon_outputs() -> None:
    """Remove what an unfinished command left (a no-op after a success)."""
    if "fundsim.results.output_folder" in sys.modules:
        from fundsim.results.output_folder import abandon_open

        # A second signal while cleaning up must not leave a half-removed folder.
        with _signals_ignored():
            abandon_open()


class _signals_ignored:
    def __enter__(self) -> None:
        self._saved = []
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._saved.append((sig, signal.signal(sig, signal.SIG_IGN)))

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._saved:
            signal.signal(sig, handler)


def users_path(filename: str | bytes | os.PathLike[str]) -> str:
    """The path the user knows for ``filename``: a hidden temporary file written aside
    (``.<name>.tmp-<random>``, :func:`fundsim.results.atomic.temporary_name`) is named by
    its final name ``<name>``."""
    path = os.fsdecode(filename)
    head, name = os.path.split(path)
    match = re.fullmatch(r"\.(.+)\.(?:tmp|old)-[0-9a-f]{8}", name)
    return os.path.join(head, match.group(1)) if match else path


def _one_line(exc: BadInput, args: argparse.Namespace) -> str:
    """The message of a user error on one line, after the scenario file when it is about
    the command's scenario but does not name it."""
    text = " ".join(str(exc).split())
    file = getattr(args, "file", None)
    return f"{file}: {text}" if exc.about_scenario and file else text


if __name__ == "__main__":
    sys.exit(main())
