"""The ``fundsim`` command: one module per sub-command in this package.

Each sub-command module exposes ``register(subparsers)``, which adds its parser
and sets ``func`` to a callable taking the parsed arguments and returning an
exit code. Exit codes: 0 success, 2 bad input (one line on stderr naming the file
and key path, never a traceback), 1 internal error. This package is the only part
of fundsim that parses arguments or prints.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from fundsim.scenario.errors import ScenarioError

#: Sub-command modules, in the order ``fundsim --help`` lists them.
COMMANDS: tuple[str, ...] = ("validate", "run", "batch", "shares", "compare", "stress", "solve", "sensitivity", "report")


class BadInput(Exception):
    """A user error that is not about a scenario file (a bad run directory, a bad flag value)."""


def build_parser() -> argparse.ArgumentParser:
    from fundsim import __version__

    parser = argparse.ArgumentParser(
        prog="fundsim",
        description="Monte Carlo simulator of pooled funding for PSEA coordinators and victim assistance.",
    )
    parser.add_argument("--version", action="version", version=f"fundsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"fundsim.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = ["fundsim", *(sys.argv[1:] if argv is None else argv)]  # for the manifest's "command"
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, BadInput) as exc:
        print(f"fundsim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fundsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``fundsim run ... | head``): results are already
        # on disk; stop quietly, as a command killed by SIGPIPE would (128 + 13).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception:
        traceback.print_exc()
        print("fundsim: internal error (the traceback above is a bug; please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
