"""The model's parts take what they use: no part imports World, nothing hides an import
under ``TYPE_CHECKING``, and the modules of ``fundsim/model`` import each other without a
circle (DESIGN.md §1: only ``world`` knows every part)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

MODEL = Path(__file__).resolve().parents[2] / "fundsim" / "model"


def _model_imports(path: Path) -> set[str]:
    """The ``fundsim.model`` modules that ``path`` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("fundsim.model.")
        ):
            found.add(node.module.split(".")[2])
    return found


def _modules() -> dict[str, set[str]]:
    return {p.stem: _model_imports(p) for p in MODEL.glob("*.py") if p.stem != "__init__"}


def test_only_the_package_face_imports_world() -> None:
    importers = sorted(name for name, imports in _modules().items() if "world" in imports)
    assert importers == []


def test_no_model_module_imports_under_type_checking() -> None:
    hiding = [
        p.name for p in MODEL.glob("*.py") if "TYPE_CHECKING" in p.read_text(encoding="utf-8")
    ]
    assert hiding == []


def test_the_model_modules_import_each_other_without_a_circle() -> None:
    modules = _modules()
    try:
        list(TopologicalSorter(modules).static_order())
    except CycleError as err:  # pragma: no cover - the failure message names the circle
        raise AssertionError(f"import circle in fundsim/model: {err.args[1]}") from None
    # The assembler knows every window through its builder, and each builder its parts.
    assert {"context", "coordinator_window", "victim_window"} <= modules["world"]
    assert {"arrangement", "contributors", "coordinators", "coordinator_fund"} <= modules[
        "coordinator_window"
    ]
    assert {"cases", "contributors", "victim_fund"} <= modules["victim_window"]


def test_no_part_imports_a_builder_and_the_windows_do_not_import_each_other() -> None:
    modules = _modules()
    builders = {"world", "coordinator_window", "victim_window"}
    reaching = sorted(
        name for name, imports in modules.items() if name not in builders and imports & builders
    )
    assert reaching == []
    assert "victim_fund" not in modules["coordinator_fund"]
    assert "coordinator_fund" not in modules["victim_fund"]


def test_world_holds_no_money_rule_and_no_branch_on_the_mode() -> None:
    # The budget rule, the reviews and the cents arithmetic live in the windows; the mode is
    # read once, by the arrangement.
    assert not {"budget", "governance", "hosts"} & _modules()["world"]
    assert "to_cents(" not in (MODEL / "world.py").read_text(encoding="utf-8")
    for name in ("world", "coordinator_fund", "coordinators"):
        tree = ast.parse((MODEL / f"{name}.py").read_text(encoding="utf-8"))
        reads = [
            n
            for n in ast.walk(tree)
            if (isinstance(n, ast.Attribute) and n.attr == "mode")
            or (isinstance(n, ast.Name) and n.id == "mode")
        ]
        assert reads == [], name
