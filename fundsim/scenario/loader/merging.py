"""``extends``: a scenario file inherits another (relative to the file that says it, cycles
refused, chains of at most :data:`MAX_EXTENDS_DEPTH` files) and overrides its keys; tables
merge key by key (the child wins; arrays, distributions and formula weights are replaced
whole). Paths to data tables are resolved against the file that sets them, and each key
remembers the file it came from, so that an error names the right file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.loader.reading import MAX_SCENARIO_BYTES, read_text_file, read_toml

#: Keys whose string value is a path, resolved against the file that sets it.
_PATH_KEYS = (
    ("entities", "file"),
    ("countries", "file"),
    ("incumbents", "file"),
    ("standard_costs", "file"),
    ("victims.existing_services", "file"),
)
#: Longest ``extends`` chain (files).
MAX_EXTENDS_DEPTH = 32


def load_merged(path: Path, chain: tuple[Path, ...], origin: dict[str, Path]) -> dict[str, Any]:
    """The table of scenario file ``path`` merged over its ``extends`` chain (``chain``: the
    files that extend it, for cycles); ``origin`` gains the file each key path came from."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(path, "extends", f"cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            path, "extends", f"a chain of more than {MAX_EXTENDS_DEPTH} files (the limit)"
        )
    data = read_toml(path)
    data.pop("sweep", None)  # a sweep belongs to the file that declares it: see load_sweep
    data.pop("explore", None)  # so does [explore]: see fundsim.scenario.explore.load_explore
    data.pop("options", None)  # and [options]: see fundsim.scenario.options
    parent_name = data.pop("extends", None)
    base: dict[str, Any] = {}
    if parent_name is not None:
        if not isinstance(parent_name, str) or not parent_name:
            raise ScenarioError(path, "extends", "must be the name of another scenario file")
        parent = path.parent / parent_name
        if not os.path.lexists(parent):
            raise ScenarioError(path, "extends", f"no such file '{parent_name}'")
        read_text_file(parent, MAX_SCENARIO_BYTES, ref=path, key="extends", what="scenario file")
        base = load_merged(parent, (*chain, resolved), origin)
    resolve_paths(data, path, origin)
    _record_origin(data, path, origin, prefix="")
    return _merge(base, data)


def resolve_paths(data: dict[str, Any], path: Path, origin: dict[str, Path]) -> None:
    """Turn each data-table path of ``data`` (``entities.file``...) into an absolute path
    against the folder of ``path``, the file that sets it."""
    for section, key in _PATH_KEYS:
        table: Any = data
        for part in section.split("."):  # a nested table: victims.existing_services
            table = table.get(part) if isinstance(table, dict) else None
        if not isinstance(table, dict) or key not in table:
            continue
        value = table[key]
        if not isinstance(value, str):
            raise ScenarioError(
                path, f"{section}.{key}", f"must be a file name (a string), not {_kind(value)}"
            )
        if not value.strip():
            raise ScenarioError(path, f"{section}.{key}", "is empty (name a CSV file)")
        if "\x00" in value:
            raise ScenarioError(path, f"{section}.{key}", "holds a NUL character")
        table[key] = str((path.parent / value).resolve())


def _kind(value: Any) -> str:
    """What a TOML value is, for a message (never its content)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _record_origin(data: Any, path: Path, origin: dict[str, Path], prefix: str) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{prefix}.{key}" if prefix else str(key)
            origin[sub] = path
            _record_origin(value, path, origin, sub)


#: Tables replaced whole by a child, never merged key by key (a distribution or a set of
#: weights is one value: merging a child's ``{dist = "uniform", ...}`` into the parent's
#: triangular one would mix their parameters).
_LEAF_TABLES = frozenset({"weights"})


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        leaf = key in _LEAF_TABLES or (isinstance(value, dict) and "dist" in value)
        if not leaf and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def file_for(key_path: str, origin: Mapping[str, Path], default: Path) -> Path:
    """The file that set ``key_path`` (or the nearest table above it), else ``default``."""
    parts = key_path.replace("[", ".[").split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n]).replace(".[", "[")
        if candidate in origin:
            return origin[candidate]
    return default
