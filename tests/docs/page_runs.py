"""One run of each documented page, shared by the two checks of the docs.

A page's fenced blocks run in page order in one fresh copy of the shipped scenarios: a
checked block (``check=NAME``, :mod:`tests.docs.checked`) as written, its output kept for
``test_docs_outputs``; every other block as :mod:`tests.docs.collect` rewrites it (a few
replications). ``test_docs_run`` asserts that every command of the page exited 0,
``test_docs_outputs`` that each checked block printed its committed output: two checks of
one run, so each documented command runs once per page and test process (before, a checked
block's commands ran twice, at two replications for the first check and as written for the
second). A page's checked blocks need nothing from another page (``make docs PAGE`` reruns
them alone in the same way); the other blocks between them only write folders of their own.

The run is kept per test process (:func:`page_run`): under pytest-xdist the two tests of a
page are ordered side by side (``tests/conftest.py``) so that one worker usually runs both;
when two workers take them, each makes the run, and each check still holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.docs import preloaded
from tests.docs.checked import Checked, checked_blocks, command_argv, normalise, page_name
from tests.docs.collect import ROOT, Step, block_steps, blocks

#: Pages whose runs take more than a few seconds together (both checks of them are slow-marked).
SLOW = {
    "README.md",
    "docs/analysis.md",
    "docs/batch.md",
    "docs/budget.md",
    "docs/cost-sharing.md",
    "docs/data.md",
    "docs/explore.md",
    "docs/hosting.md",
    "docs/model.md",
    "docs/options.md",
    "docs/pooling.md",
    "docs/report.md",
    "docs/victims.md",
    "docs/tutorial.md",
    "docs/howto/compare-two-hosts.md",
    "docs/howto/cost-a-cut.md",
    "docs/howto/size-a-reserve.md",
}


@dataclass
class PageRun:
    """What running one page gave: each checked block's normalised output, and the first
    command that failed (the page stops there), if any."""

    page: str
    outputs: dict[str, str] = field(default_factory=dict)
    failure: str | None = None
    commands: int = 0


def run_step(step: Step, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One rewritten documented command or snippet (:mod:`tests.docs.collect`), in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    argv = list(step.argv) if step.argv else [sys.executable, "-c", step.code]
    return preloaded.run(argv, cwd=cwd, env=env, timeout=600)


def run_checked(block: Checked, text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One command (or the snippet) of a checked block as written, in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "COLUMNS": "200"}
    return preloaded.run(command_argv(block, text), cwd=cwd, env=env, timeout=900)


def _failed(where: str, text: str, done: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{where}: {text.strip()}\nexit {done.returncode}\n"
        f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    )


def run_page(page: Path, workspace: Path) -> PageRun:
    """Run every block of ``page`` in page order in ``workspace`` (a new folder), stopping at
    the first command that fails."""
    workspace.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "scenarios", workspace / "scenarios")
    name = page_name(page)
    checked = {c.line: c for c in checked_blocks(page)}
    found = {line for _, line, _ in blocks(page)}
    lost = [f"{name}:{c.line} [{c.name}]" for c in checked.values() if c.line not in found]
    assert not lost, f"checked blocks the collector does not see: {lost}"
    result = PageRun(name)
    seen: dict[str, str] = {}  # a command already run on the page is not run again
    for tag, line, body in blocks(page):
        block = checked.get(line)
        if block is None:
            for step in block_steps(name, tag, line, body, workspace):
                done = run_step(step, workspace)
                result.commands += 1
                if done.returncode != 0:
                    result.failure = _failed(f"{step.page}:{step.line}", step.text, done)
                    return result
            continue
        parts = []
        for text in block.texts():
            if text not in seen:
                done = run_checked(block, text, workspace)
                result.commands += 1
                if done.returncode != 0:
                    where = f"{block.page}:{block.line} [{block.name}]"
                    result.failure = _failed(where, text, done)
                    return result
                seen[text] = done.stdout
            parts.append(seen[text])
        result.outputs[block.name] = normalise("".join(parts), workspace)
    return result


_RUNS: dict[str, PageRun] = {}


def page_run(page: Path, new_folder: Callable[[str], Path]) -> PageRun:
    """The run of ``page`` in this test process, made on first use in ``new_folder(name)``."""
    name = page_name(page)
    if name not in _RUNS:
        _RUNS[name] = run_page(page, new_folder("page-" + name.replace("/", "-")))
    return _RUNS[name]
