"""Scenario errors: one line that names the file and the key path.

Every problem found while loading or validating a scenario becomes a
:class:`ScenarioError`, a :class:`fundsim.errors.BadInput`: the command line prints
``str(error)`` and exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from pathlib import Path

from fundsim.errors import BadInput


class ScenarioError(BadInput):
    """A bad scenario file: ``<file>: <key.path>: <message>``."""

    def __init__(self, file: str | Path, key_path: str, message: str) -> None:
        self.file = str(file)
        self.key_path = key_path
        self.message = message
        where = f"{self.file}: {key_path}: " if key_path else f"{self.file}: "
        super().__init__(where + message)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or ``""``."""
    close = get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
