"""Scenario and variant names as folder names: a name is text, never a path.

A scenario's ``name`` (and a sweep variant's) comes from a file a user may not have
written. Before it names a folder it goes through :func:`folder_name`, which keeps
letters, digits and ``. _ = + -``, replaces everything else (``/``, ``\\``, spaces,
control characters) with ``-``, and strips leading dots and dashes, so that no name
can climb out of the output folder (``..``), hide itself (``.x``), stand for the
folder itself (``.``) or read as a command-line option (``-x``).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._=+-]")

#: Longest folder name produced (most file systems allow 255 bytes; a suffix is added).
MAX_FOLDER_NAME = 120


def folder_name(name: str, fallback: str = "scenario") -> str:
    """A safe single path component for ``name`` (``fallback`` if nothing is left)."""
    safe = _UNSAFE.sub("-", name).lstrip(".-")[:MAX_FOLDER_NAME].rstrip(".")
    return safe or fallback
