"""The notebooks of notebooks/ run top to bottom, and are committed executed and small.

Each notebook ``notebooks/[0-9]*.ipynb`` is executed into a temporary copy (the committed
file is never overwritten) with ``FUNDSIM_REPS=12`` (and ``FUNDSIM_FUTURES=12`` for the
exploratory experiment), so that its Monte Carlo runs are small, and ``FUNDSIM_WORKERS=1``:
the results do not depend on the worker count, and at 12 replications a pool of worker
processes costs more than it saves (each run starts its own, each worker imports fundsim:
about 3 s of CPU against 0.3 s for a 12-replication run of the baseline; under ``make test``'s
two pytest workers on two cores it only takes the other worker's core). The notebooks read
these variables in their first code cell. The committed files must carry
their outputs (reviewers read them without running them) and stay under 2 MB each.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
MAX_BYTES = 2 * 1024 * 1024
TEST_REPS = "12"
#: Futures of the exploratory experiment (notebook 05) under test: its default is 100.
TEST_FUTURES = "12"
#: Worker processes of the notebooks' runs under test (their default is 2).
TEST_WORKERS = "1"


def _execute_module():
    """``notebooks/execute.py`` imported as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "fundsim_notebooks_execute", NOTEBOOK_DIR / "execute.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    out = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                out.append(f"cell {i}: {output.get('ename')}: {output.get('evalue')}")
    return out


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_top_to_bottom(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel inherits os.environ when the client starts it: set the count before.
    monkeypatch.setenv("FUNDSIM_REPS", TEST_REPS)
    monkeypatch.setenv("FUNDSIM_FUTURES", TEST_FUTURES)
    monkeypatch.setenv("FUNDSIM_WORKERS", TEST_WORKERS)
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    execute = _execute_module().execute
    from nbclient.exceptions import CellExecutionError

    try:
        nb = execute(copy, save=True)
    except CellExecutionError as exc:  # the message holds the failing cell and traceback
        pytest.fail(f"{path.name} failed with FUNDSIM_REPS={TEST_REPS}:\n{exc}")
    assert not _errors(nb), _errors(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") is not None for c in code)
    assert "FUNDSIM_REPS" in code[0].source, "the first code cell must read FUNDSIM_REPS"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_notebook_is_executed_and_small(path: Path) -> None:
    size = path.stat().st_size
    assert size < MAX_BYTES, (
        f"{path.name} is {size / 1e6:.2f} MB (limit 2 MB): lower the figure dpi"
    )
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cell"
    not_run = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and c.get("execution_count") is None
    ]
    assert not not_run, f"{path.name} is committed without outputs (cells {not_run} not executed)"
    assert any(c.get("outputs") for c in code), f"{path.name} has no outputs"
    assert not _errors(nb), f"{path.name} was saved with errors: {_errors(nb)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_checks_are_out_of_the_readers_view(path: Path) -> None:
    """The asserts that keep the prose true to the numbers sit in collapsed cells tagged
    ``checks`` and ``remove-input``, not among the code a reader follows."""
    nb = nbformat.read(path, as_version=4)
    checks = [c for c in nb.cells if "checks" in c.metadata.get("tags", [])]
    assert checks, f"{path.name} has no check cell"
    for cell in checks:
        assert "remove-input" in cell.metadata["tags"] and cell.metadata["jupyter"]["source_hidden"] is True
    visible = [c.source for c in nb.cells if c.cell_type == "code" and c not in checks]
    assert not any("revise the prose" in s for s in visible)
    top_level = [line for s in visible for line in s.splitlines() if line.startswith("assert ")]
    assert not top_level, top_level


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_html_export_has_no_code_and_no_network_script(path: Path, tmp_path: Path) -> None:
    """``make notebooks`` exports an annex: prose and results, no code cells, no script
    loaded from the internet (exported here from the committed outputs, not re-run)."""
    from html.parser import HTMLParser

    nb = nbformat.read(path, as_version=4)
    out = tmp_path / f"{path.stem}.html"
    _execute_module().export_html(nb, out)
    page = out.read_text(encoding="utf-8")

    class Scripts(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.sources: list[str] = []
            self.inputs = 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "script" and a.get("src"):
                self.sources.append(a["src"])
            if "hl-ipython3" in (a.get("class") or "").split():  # a code cell's source, highlighted
                self.inputs += 1

    parser = Scripts()
    parser.feed(page)
    assert [s for s in parser.sources if s.startswith(("http:", "https:", "//"))] == []
    assert '<script src="http' not in page and "import(\"https" not in page
    assert parser.inputs == 0  # no code cell's input is shown
    code = next(c.source for c in nb.cells if c.cell_type == "code")
    assert code.splitlines()[0] not in page
    heading = next(c.source for c in nb.cells if c.cell_type == "markdown").splitlines()[0].lstrip("# ")
    assert heading.split()[0] in page  # the prose is there
