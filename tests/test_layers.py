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
        extra = _fundsim_imports(path) - ALLOWED[layer] - {layer, "__version__", "errors"}
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


def _imported_modules(path: Path) -> set[str]:
    """The full names of the fundsim modules ``path`` imports from."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("fundsim")}


def test_analysis_applies_the_models_own_rules_through_the_plan() -> None:
    # The budget annex and the report's reserve line use the model's rules (one rule, one
    # home): runner/plan.py hands them over; nothing in analysis recomputes them.
    for name in ("budget_annex.py", "reserve.py"):
        assert "fundsim.runner.plan" in _imported_modules(PACKAGE / "analysis" / name), name
    plan = _imported_modules(PACKAGE / "runner" / "plan.py")
    assert {"fundsim.model.budget", "fundsim.model.coordinator_fund"} <= plan


def test_the_runner_aggregates_the_models_declared_outputs() -> None:
    # A new output is one entry of model/outputs.py: chunks and the aggregator read the list.
    for name in ("chunks.py", "montecarlo.py"):
        source = (PACKAGE / "runner" / name).read_text(encoding="utf-8")
        assert "OUTPUTS" in source, name
