"""A clone with nothing beside it is complete: no tracked file cites a file outside the repository.

The scenario data were compiled from notes kept next to the repository while it was built.
A user's clone does not have them, so every citation must name the public source itself
(report, table, year) or a section of ``docs/data.md``, the project's bibliography.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()
#: Names of files that exist only beside the repository, never in a clone.
OUTSIDE = ("../shared", "DATA_SOURCES", "DATA_ENTITIES")


def _tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [name for name in out.split("\0") if name]


def _text(path: Path) -> str | None:
    """The file's text, or None for a binary file (a NUL byte) or one deleted from the work tree."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def test_no_tracked_text_file_cites_a_file_outside_the_repository() -> None:
    files = _tracked_files()
    assert any(name.startswith("scenarios/") for name in files), "git ls-files listed no scenario"
    offenders = []
    for name in files:
        if name == THIS:
            continue
        text = _text(ROOT / name)
        if text is None:
            continue
        for lineno, line in enumerate(text.splitlines(), start=1):
            for needle in OUTSIDE:
                if needle in line:
                    offenders.append(f"{name}:{lineno}: {needle}")
    assert not offenders, "cite the public source or docs/data.md instead:\n" + "\n".join(offenders)
