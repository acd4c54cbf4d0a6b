"""The layer rules of DESIGN.md §1 (which part of fundsim may import which), the module
import order inside a package, and the size limits of every module and function."""

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


def _imported_modules(path: Path, package: str) -> set[str]:
    """The modules of ``fundsim.<package>`` that ``path`` imports, anywhere in the file
    (a deferred import inside a function counts: it is still a dependency)."""
    prefix = f"fundsim.{package}"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix):
            if node.module == prefix:  # ``from fundsim.scenario import loader``: the modules named
                found.update(f"{prefix}.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(prefix + "."))
    return found


def _module_graph(package: str) -> dict[str, set[str]]:
    """Each module of ``fundsim/<package>`` and the modules of the same package it imports;
    a package's face (``__init__.py``) is the node of the package itself."""
    root = PACKAGE / package
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        dotted = ".".join(("fundsim", *(parts[:-1] if path.name == "__init__.py" else parts)))
        graph[dotted] = _imported_modules(path, package) - {dotted}
    return graph


def test_the_scenario_modules_import_each_other_without_a_circle() -> None:
    from graphlib import CycleError, TopologicalSorter

    graph = _module_graph("scenario")
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as err:  # pragma: no cover - the failure message names the circle
        raise AssertionError(f"import circle in fundsim/scenario: {err.args[1]}") from None
    # grades reads the schema; the schema never reads grades (the grade mix lives on Posts).
    schema_reads = {m for name, deps in graph.items() if ".schema." in name for m in deps}
    assert "fundsim.scenario.grades" not in schema_reads


#: The schema's modules in the order each may import the ones before it (and none after).
SCHEMA_ORDER = (
    "base",
    "distributions",
    "mechanism",
    "posts",
    "shocks",
    "victims",
    "scenario",
    "options",
)


def test_each_schema_module_imports_only_the_ones_before_it() -> None:
    files = {p.stem for p in (PACKAGE / "scenario" / "schema").glob("*.py")} - {"__init__"}
    assert files == set(SCHEMA_ORDER), "a new schema module needs its place in SCHEMA_ORDER"
    later = {}
    for i, name in enumerate(SCHEMA_ORDER):
        path = PACKAGE / "scenario" / "schema" / f"{name}.py"
        imported = {m.rsplit(".", 1)[-1] for m in _imported_modules(path, "scenario.schema")}
        wrong = imported & set(SCHEMA_ORDER[i:])
        if wrong or "fundsim.scenario.schema" in _imported_modules(path, "scenario"):
            later[name] = sorted(wrong) or ["the package face"]
    assert not later, f"schema modules importing later ones: {later}"


#: Longest module and longest function (lines, the ``def`` line to the last) in ``fundsim/``.
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _function_lengths(node: ast.AST, where: str) -> dict[str, int]:
    """Each function and method under ``node`` (``where`` + ``Class.name``) and its length in
    lines, the ``def`` line to the last."""
    lengths: dict[str, int] = {}
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef):
            lengths.update(_function_lengths(child, f"{where}{child.name}."))
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            lengths[f"{where}{child.name}"] = (child.end_lineno or child.lineno) - child.lineno + 1
            lengths.update(_function_lengths(child, f"{where}{child.name}."))
        else:
            lengths.update(_function_lengths(child, where))
    return lengths


def _sizes() -> dict[str, int]:
    """Every module of ``fundsim/`` (``path``: its line count) and every function and method
    (``path:Class.name``: its length in lines)."""
    sizes: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE).as_posix()
        sizes[name] = text.count("\n")
        sizes.update(_function_lengths(ast.parse(text), f"{name}:"))
    return sizes


def test_no_module_is_over_500_lines_nor_a_function_over_80() -> None:
    over = {
        name: size
        for name, size in _sizes().items()
        if size > (MAX_FUNCTION_LINES if ":" in name else MAX_MODULE_LINES)
    }
    assert not over, (
        f"over {MAX_MODULE_LINES} lines (module) or {MAX_FUNCTION_LINES} (function): {over}"
    )


def test_analysis_applies_the_models_own_rules_through_the_plan() -> None:
    # The budget annex and the report's reserve line use the model's rules (one rule, one
    # home): runner/plan.py hands them over; nothing in analysis recomputes them.
    for name in ("budget_annex.py", "reserve.py"):
        assert "fundsim.runner.plan" in _imported_modules(PACKAGE / "analysis" / name, "runner"), (
            name
        )
    plan = _imported_modules(PACKAGE / "runner" / "plan.py", "model")
    assert {"fundsim.model.budget", "fundsim.model.coordinator_fund"} <= plan


def test_the_runner_aggregates_the_models_declared_outputs() -> None:
    # A new output is one entry of model/outputs.py: chunks and the aggregator read the list.
    for name in ("chunks.py", "montecarlo.py"):
        source = (PACKAGE / "runner" / name).read_text(encoding="utf-8")
        assert "OUTPUTS" in source, name
