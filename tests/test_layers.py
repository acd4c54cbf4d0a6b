"""The layer rules of DESIGN.md §1: which part of fundsim may import which."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fundsim"

#: Allowed fundsim imports of each layer (besides itself).
ALLOWED = {
    "scenario": set(),
    "sharing": set(),
    "results": set(),
    "model": {"scenario", "sharing"},
    "runner": {"model", "scenario", "results"},
    "analysis": {"runner", "results", "scenario", "sharing"},
    "viz": {"results"},
}


def _fundsim_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fundsim"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("fundsim."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    bad = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        # fundsim.errors, the exception root, imports nothing from fundsim: every layer may use it.
        extra = _fundsim_imports(path) - ALLOWED[layer] - {layer, "__version__", "errors", "_lazy"}
        if extra:
            bad[str(path.relative_to(PACKAGE))] = sorted(extra)
    assert not bad, f"imports across layers: {bad}"


def test_the_exception_root_imports_nothing_from_fundsim() -> None:
    assert not _fundsim_imports(PACKAGE / "errors.py")


def test_nothing_imports_the_cli() -> None:
    # ``python -m fundsim`` (fundsim/__main__.py) is the command itself, as the console script is.
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "cli" in _fundsim_imports(p) and p.parent.name != "cli" and p != PACKAGE / "__main__.py"
    ]
    assert not offenders
