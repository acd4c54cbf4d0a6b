"""The commands and Python snippets of README.md and docs/*.md, ready to run in a copy.

A page's fenced blocks tagged ``sh``, ``console``, ``shell`` or ``bash`` are command
blocks; ``python`` blocks are snippets. Each page becomes a list of :class:`Step` in
page order (later commands read what earlier ones wrote). Commands are rewritten to run
quickly against this checkout: ``fundsim`` and ``.venv/bin/fundsim`` become this
interpreter's ``-m fundsim.cli``, ``.venv/bin/python`` this interpreter; ``--reps N``
becomes a few replications (and is added to commands that run replications without
it), ``--workers N`` one worker, ``--scheduler local`` is dropped, and an absolute
``--out`` moves into the temporary copy. Commands that would build a virtual
environment, start a Dask cluster, re-run the test suite or execute the notebooks
(each tested elsewhere) are listed in :data:`SKIPPED` and left out.
"""

from __future__ import annotations

import glob
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Replications for every documented run: enough for intervals and paired differences.
REPS = 2
SHELL_TAGS = ("sh", "console", "shell", "bash")
#: Commands not run here, with where they are tested instead.
SKIPPED = {
    "make": "builds .venv and runs the suite (CI runs `make test`)",
    "dask": "starts a Dask cluster (tests/runner/test_dask_cluster.py)",
    "tcp://": "joins a running Dask cluster (tests/runner/test_dask_cluster.py)",
    "pytest": "the test suite itself",
    "notebooks/execute.py": "executes a notebook (tests/notebooks/)",
}
#: Sub-commands that run replications and take ``--reps``.
RUNNING = ("run", "batch", "stress", "solve", "sensitivity", "explore", "options")

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Step:
    """One documented command (``argv``) or Python snippet (``code``), with its source line."""

    page: str
    line: int
    text: str
    argv: tuple[str, ...] = ()
    code: str = ""


def pages() -> list[Path]:
    """README.md, every page of docs/ and of docs/howto/, in a stable order."""
    docs = ROOT / "docs"
    return [ROOT / "README.md", *sorted(docs.glob("*.md")), *sorted(docs.glob("howto/*.md"))]


def blocks(page: Path) -> list[tuple[str, int, str]]:
    """The page's fenced blocks: (tag, line of the fence, body)."""
    text = page.read_text(encoding="utf-8")
    return [
        (m.group(1), text.count("\n", 0, m.start()) + 1, m.group(2)) for m in _FENCE.finditer(text)
    ]


def commands(body: str) -> list[tuple[int, str]]:
    """The commands of a shell block (continuation lines joined; blank lines and comments
    dropped), each with its line offset in the block."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for i, line in enumerate(body.splitlines()):
        if not pending:
            start = i
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        cmd = (pending + line).strip()
        pending = ""
        if cmd and not cmd.startswith("#"):
            out.append((start, cmd))
    return out


def skipped_because(cmd: str) -> str | None:
    """Why a documented command is not run here (``None``: it is run)."""
    words = cmd.split()
    for key, why in SKIPPED.items():
        if words and (words[0] == key or any(w.endswith(key) or w.startswith(key) for w in words)):
            return why
    return None


def rewrite(cmd: str, tmp: Path) -> tuple[str, ...]:
    """The argument vector to run for a documented command (see the module docstring)."""
    words = shlex.split(cmd, comments=True)
    program, rest = words[0], words[1:]
    if program.endswith("fundsim"):
        head = [sys.executable, "-m", "fundsim.cli"]
    elif program.endswith("python"):
        head = [sys.executable]
    else:
        head = [program]
    out: list[str] = []
    it = iter(rest)
    for word in it:
        if word in ("--reps", "--workers"):
            next(it)
            out += [word, str(REPS if word == "--reps" else 1)]
        elif word == "--scheduler":
            next(it)
        elif word == "--out":
            target = Path(next(it))
            out += [
                word,
                str(tmp / target.relative_to(target.anchor) if target.is_absolute() else target),
            ]
        elif any(c in word for c in "*?[") and (hits := sorted(glob.glob(word, root_dir=tmp))):
            out += hits
        else:
            out.append(word)
    if head[-1] == "fundsim.cli" and out and out[0] in RUNNING and "--reps" not in out:
        out += ["--reps", str(REPS)]
    if head[-1] == "fundsim.cli" and out and out[0] in RUNNING and "--no-progress" not in out:
        out.append("--no-progress")
    return (*head, *out)


def quick_python(code: str) -> str:
    """A snippet with its replication counts cut down to :data:`REPS`."""
    return re.sub(r"\breps=\d+", f"reps={REPS}", code)


def steps(page: Path, tmp: Path) -> list[Step]:
    """Everything on ``page`` to run, in page order."""
    name = page.relative_to(ROOT).as_posix()
    return [s for tag, line, body in blocks(page) for s in block_steps(name, tag, line, body, tmp)]


def block_steps(name: str, tag: str, line: int, body: str, tmp: Path) -> list[Step]:
    """What to run of one fenced block (``tag``, fence at ``line``) of page ``name``."""
    out: list[Step] = []
    if tag in SHELL_TAGS:
        for offset, cmd in commands(body):
            if skipped_because(cmd) is None:
                out.append(Step(name, line + 1 + offset, cmd, argv=rewrite(cmd, tmp)))
    elif tag == "python":
        out.append(Step(name, line + 1, body, code=quick_python(body)))
    return out
