"""The options every command shares, and what they resolve to.

The whole-number types of ``--reps``, ``--seed`` and ``--workers`` (with their limits),
``--force`` (the one overwrite policy), the options of every command that runs
replications, the default worker count, the command line as ``main`` recorded it, and
:func:`new_output_dir`, where ``--out`` (or its default ``results/<scenario>-<time>``)
and ``--force`` decide the folder a command writes."""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path

from fundsim.scenario.names import folder_name

#: Largest --reps, --workers and other counts on the command line (the schema's limit
#: on replications; see docs/scenarios.md).
MAX_COUNT = 100_000
#: Largest --seed (numpy takes any non-negative integer; this keeps it an int64).
MAX_SEED = 2**63 - 1


def _whole_number(text: str, low: int, high: int, shown: str) -> int:
    """``text`` as a whole number from ``low`` to ``high`` (``shown``: the bound as printed)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be between {low} and {shown}")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1, MAX_COUNT, f"{MAX_COUNT:,}")


#: Most local worker processes (--workers): more than the cores only adds memory.
MAX_WORKERS = 256


def workers_int(text: str) -> int:
    value = positive_int(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_WORKERS}")
    return value


def seed_int(text: str) -> int:
    return _whole_number(text, 0, MAX_SEED, str(MAX_SEED))


def add_force(p: argparse.ArgumentParser) -> None:
    """The one overwrite policy: an existing output is refused unless --force."""
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing output folder (only one fundsim wrote, or an empty one)",
    )


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs replications."""
    p.add_argument("--reps", type=positive_int, help="replications (default: the scenario's)")
    p.add_argument("--seed", type=seed_int, help="root seed (default: the scenario's)")
    p.add_argument(
        "--workers",
        type=workers_int,
        help="local worker processes (default: up to 4 cores for 100+ replications, else 1)",
    )
    p.add_argument(
        "--scheduler", help="Dask scheduler: tcp://host:8786, or 'local' for a LocalCluster"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def default_workers(reps: int) -> int:
    return min(4, os.cpu_count() or 1) if reps >= 100 else 1


def command_argv(args: argparse.Namespace) -> list[str] | None:
    """The command line that started this command (program name first), as ``main``
    recorded it; ``None`` when the command was called without ``main``."""
    return getattr(args, "argv", None)


def new_output_dir(
    out: str | None, scenario_name: str, kind: str = "", *, force: bool = False
) -> Path:
    """``--out`` if given, else ``results/<scenario>[-<kind>]-<time>``; refuses an existing
    folder unless ``force`` (raises ``fundsim.cli.BadInput``: exit 2, nothing overwritten).
    The folder is claimed with :class:`fundsim.results.output_folder.OutputClaim` before writing."""
    from fundsim.cli import BadInput

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = f"-{kind}" if kind else ""
    path = Path(out) if out else Path("results") / f"{folder_name(scenario_name)}{suffix}-{stamp}"
    from fundsim.results.output_folder import is_abandoned_claim

    if (
        path.exists() and not force and not is_abandoned_claim(path)
    ):  # a killed command's empty claim is free
        raise BadInput(f"{path}: already exists (choose another --out, or --force to replace it)")
    return path
