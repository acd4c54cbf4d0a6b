"""The notebooks of notebooks/ run top to bottom, and are committed executed and small.

Each notebook ``notebooks/[0-9]*.ipynb`` is executed into a temporary copy (the committed
file is never overwritten) with ``FUNDSIM_REPS=12``, so that its Monte Carlo runs are small;
the notebooks read that variable in their first code cell. The committed files must carry
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
