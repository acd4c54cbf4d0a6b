"""Every command and Python snippet of README.md and docs/*.md runs and exits 0.

Each page runs in its own temporary copy of the shipped scenarios, its commands in page
order: checked blocks as written (their output is compared by ``test_docs_outputs``, from
the same run: :mod:`tests.docs.page_runs`), the others at a few replications (see
:mod:`tests.docs.collect` for the rewriting and what is left out). Pages with many runs are
marked slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.collect import REPS, ROOT, pages, steps
from tests.docs.page_runs import SLOW, page_run


def _page_param(page: Path) -> object:
    name = page.relative_to(ROOT).as_posix()
    return pytest.param(page, id=name, marks=[pytest.mark.slow] if name in SLOW else [])


@pytest.mark.parametrize("page", [_page_param(p) for p in pages()])
def test_every_documented_command_runs(
    page: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    run = page_run(page, tmp_path_factory.mktemp)
    assert run.failure is None, run.failure


def test_the_collector_finds_the_documented_commands(tmp_path: Path) -> None:
    found = {p.relative_to(ROOT).as_posix(): steps(p, tmp_path) for p in pages()}
    readme = found["README.md"]
    assert any(s.code and "fundsim.run(" in s.code for s in readme), "README's Python block"
    assert any(s.argv[3:4] == ("report",) for s in readme)
    runs = [s for ss in found.values() for s in ss if s.argv[3:4] == ("run",)]
    assert runs and all(
        "--reps" in s.argv and s.argv[s.argv.index("--reps") + 1] == str(REPS) for s in runs
    )
