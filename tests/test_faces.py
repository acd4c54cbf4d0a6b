"""The package faces: ``fundsim``, ``fundsim.analysis`` and ``fundsim.viz`` export what
notebooks use, with the real functions, and importing them loads nothing heavy."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import fundsim
import fundsim.analysis
import fundsim.viz

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
_FROM_IMPORT = re.compile(
    r"^\s*from (fundsim\.(?:analysis|viz)(?:\.\w+)?) import ([\w, ]+)", re.MULTILINE
)


def _notebook_imports() -> set[tuple[str, str]]:
    """(module, name) for each ``from fundsim.analysis... / fundsim.viz... import name`` of the
    notebooks."""
    found = set()
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for module, names in _FROM_IMPORT.findall(source):
            found.update((module, n.split(" as ")[0].strip()) for n in names.split(","))
    return found


def test_the_faces_export_every_name_the_notebooks_import() -> None:
    imports = _notebook_imports()
    assert imports, "no notebook imports found: has the notebook format changed?"
    for module, name in sorted(imports):
        face = fundsim.analysis if module.startswith("fundsim.analysis") else fundsim.viz
        assert name in face.__all__, f"{module}.{name} is not exported by {face.__name__}"


@pytest.mark.parametrize("face", [fundsim, fundsim.analysis, fundsim.viz], ids=lambda m: m.__name__)
def test_every_exported_name_resolves(face) -> None:
    for name in face.__all__:
        assert getattr(face, name) is not None, name


def test_run_and_load_scenario_are_the_real_functions() -> None:
    from fundsim.runner import run_scenario
    from fundsim.scenario import load_scenario

    assert fundsim.run is run_scenario and fundsim.load_scenario is load_scenario
    assert "reps" in inspect.signature(fundsim.run).parameters


def test_importing_the_faces_loads_no_heavy_library() -> None:
    probe = (
        "import sys, fundsim, fundsim.analysis, fundsim.viz, fundsim.scenario; "
        "print(sorted(m for m in ('numpy', 'pandas', 'matplotlib', 'openpyxl', 'pydantic') if m in "
        "sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == "[]"


def test_dir_of_fundsim_lists_public_names_only() -> None:
    names = dir(fundsim)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib", "lazy_exports"} & set(names)
    assert {"run", "load_scenario", "stress", "compare", "report", "__version__"} <= set(names)
    assert fundsim.stress.__name__ == "stress_test" and fundsim.compare.__name__ == "compare_runs"
    assert fundsim.report.__name__ == "write_report"


def test_importing_the_top_level_faces_stays_light() -> None:
    code = (
        "import sys, fundsim, fundsim.analysis, fundsim.viz, fundsim.scenario; "
        "print(any(m in sys.modules for m in ('numpy', 'pandas', 'matplotlib')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
