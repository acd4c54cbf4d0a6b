"""Every command and Python snippet of README.md and docs/*.md runs and exits 0.

Each page runs in its own temporary copy of the shipped scenarios, its commands in page
order and at a few replications (see :mod:`tests.docs.collect` for the rewriting and
what is left out). Pages with many runs are marked slow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs import preloaded
from tests.docs.collect import REPS, ROOT, Step, pages, steps

#: Pages whose commands take more than a few seconds together.
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
}


def _page_param(page: Path) -> object:
    name = page.relative_to(ROOT).as_posix()
    return pytest.param(page, id=name, marks=[pytest.mark.slow] if name in SLOW else [])


def _run(step: Step, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    argv = list(step.argv) if step.argv else [sys.executable, "-c", step.code]
    return preloaded.run(argv, cwd=cwd, env=env, timeout=600)


@pytest.mark.parametrize("page", [_page_param(p) for p in pages()])
def test_every_documented_command_runs(page: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    for step in steps(page, tmp_path):
        done = _run(step, tmp_path)
        assert done.returncode == 0, (
            f"{step.page}:{step.line}: {step.text.strip()}\nexit {done.returncode}\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )


def test_the_collector_finds_the_documented_commands(tmp_path: Path) -> None:
    found = {p.relative_to(ROOT).as_posix(): steps(p, tmp_path) for p in pages()}
    readme = found["README.md"]
    assert any(s.code and "fundsim.run(" in s.code for s in readme), "README's Python block"
    assert any(s.argv[3:4] == ("report",) for s in readme)
    runs = [s for ss in found.values() for s in ss if s.argv[3:4] == ("run",)]
    assert runs and all(
        "--reps" in s.argv and s.argv[s.argv.index("--reps") + 1] == str(REPS) for s in runs
    )
