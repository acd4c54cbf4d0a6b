"""The progress bar of the long commands: one tqdm bar over every replication they run,
with its ETA, on stderr; off when stderr is not a terminal or with ``--no-progress``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def progress_bar(args: argparse.Namespace, desc: str) -> Callable[[int], Any] | None:
    """A factory ``total -> tqdm bar`` (counting replications) for the analysis functions'
    ``bar`` parameter, or ``None`` when no bar is wanted."""
    if getattr(args, "no_progress", False) or not sys.stderr.isatty():
        return None

    def make(total: int) -> Any:
        from tqdm.auto import tqdm

        return tqdm(total=total, unit="rep", desc=desc, dynamic_ncols=True, file=sys.stderr)

    return make
