"""Sweeps: expand a scenario's ``[sweep]`` table into named variants.

A sweep varies values of the scenario by key path::

    [sweep]
    method = "factorial"                               # every combination (the default)
    "mechanism.reserve_target_months" = [0, 3, 6, 9, 12]

    [sweep]
    method = "latin_hypercube"                         # scipy.stats.qmc.LatinHypercube
    samples = 8
    seed = 1                                           # the design's seed (default 0)
    "mechanism.reserve_target_months" = { low = 0, high = 12 }
    "posts.contract_months" = { low = 6, high = 24, integer = true }
    "posts.renewal_rule" = ["whole_contract", "months"]  # levels, stratified too

Factorial variants are named ``<scenario>__<key>=<value>`` (``__`` between
parameters; ``<key>`` is the last part of the key path unless two paths share it);
Latin hypercube variants ``<scenario>__lhs<i>``. Everything here is pure: dicts in,
dicts out; the loader reads the files and validates each variant.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from fundsim.scenario.errors import ScenarioError, did_you_mean
from fundsim.scenario.names import folder_name
from fundsim.scenario.overrides import OverrideError, check_key, set_key

#: Keys of ``[sweep]`` that configure the design rather than name a parameter.
DESIGN_KEYS = ("method", "samples", "seed")
METHODS = ("factorial", "latin_hypercube")
#: Top-level keys a sweep may not vary.
_FIXED = ("name", "extends", "sweep", "sources", "description")
_RANGE_KEYS = {"low", "high", "integer"}
#: Most variants one sweep may expand to (each is validated, then run).
MAX_VARIANTS = 1000


def expand_sweep(
    raw: Mapping[str, Any], sweep: Mapping[str, Any], file: str | Path = "<sweep>"
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The variants of ``raw`` (a merged scenario dict) that ``sweep`` describes.

    Returns ``(name, variant_dict, parameters)`` triples, where ``parameters`` maps
    each swept key path to its value in that variant. ``file`` only labels errors,
    which are :class:`ScenarioError` naming ``sweep.<key>``.
    """
    if not isinstance(sweep, Mapping):
        raise ScenarioError(file, "sweep", "must be a table of key paths and values")
    method = sweep.get("method", "factorial")
    if method not in METHODS:
        raise ScenarioError(
            file,
            "sweep.method",
            f"must be one of {', '.join(METHODS)}{did_you_mean(str(method), METHODS)}",
        )
    grid = _flatten({k: v for k, v in sweep.items() if k not in DESIGN_KEYS})
    if not grid:
        raise ScenarioError(file, "sweep", "names no parameter to vary")
    for key in grid:
        _check_path(raw, key, file)
    base = str(raw.get("name") or Path(str(file)).stem)
    if method == "factorial":
        for key in ("samples", "seed"):
            if key in sweep:
                raise ScenarioError(
                    file, f"sweep.{key}", 'only used with method = "latin_hypercube"'
                )
        points = _factorial(grid, file)
        labels = _short_labels(list(grid))
        names = [
            f"{base}__" + "__".join(f"{labels[k]}={_fmt(v)}" for k, v in point.items())
            for point in points
        ]
    else:
        points = _latin_hypercube(grid, sweep, file)
        width = len(str(len(points) - 1))
        names = [f"{base}__lhs{i:0{width}d}" for i in range(len(points))]
    out = []
    seen: dict[str, int] = {}
    for name, point in zip(names, points, strict=True):
        name = folder_name(name)
        if name in seen:
            raise ScenarioError(file, "sweep", f"two variants would both be named '{name}'")
        seen[name] = 1
        variant = copy.deepcopy(dict(raw))
        for key, value in point.items():
            _set_path(variant, key, value, file)
        variant["name"] = name
        out.append((name, variant, dict(point)))
    return out


# --------------------------------------------------------------------------- designs


def _factorial(grid: Mapping[str, Any], file: str | Path) -> list[dict[str, Any]]:
    levels = []
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ScenarioError(
                file, f"sweep.{key}", "a factorial sweep needs a non-empty list of values"
            )
        levels.append(values)
    if math.prod(len(v) for v in levels) > MAX_VARIANTS:
        raise ScenarioError(
            file,
            "sweep",
            f"{math.prod(len(v) for v in levels):,} variants; the limit is {MAX_VARIANTS:,}",
        )
    return [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*levels)]


def _latin_hypercube(
    grid: Mapping[str, Any], sweep: Mapping[str, Any], file: str | Path
) -> list[dict[str, Any]]:
    from scipy.stats import qmc

    samples = sweep.get("samples")
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise ScenarioError(
            file, "sweep.samples", "a latin_hypercube sweep needs samples = a positive integer"
        )
    if samples > MAX_VARIANTS:
        raise ScenarioError(
            file, "sweep.samples", f"{samples:,} variants; the limit is {MAX_VARIANTS:,}"
        )
    seed = sweep.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ScenarioError(file, "sweep.seed", "must be a non-negative integer")
    for key, spec in grid.items():
        _check_lhs_spec(key, spec, file)
    # One stratified column per parameter; the design depends only on the seed.
    unit = qmc.LatinHypercube(d=len(grid), seed=np.random.default_rng(seed)).random(samples)
    points = []
    for row in unit:
        point: dict[str, Any] = {}
        for u, (key, spec) in zip(row, grid.items(), strict=True):
            if isinstance(spec, list):
                point[key] = spec[min(len(spec) - 1, int(u * len(spec)))]
            elif spec.get("integer"):
                # Each integer of [low, high] gets an equal share of the unit interval.
                low, high = math.ceil(spec["low"]), math.floor(spec["high"])
                point[key] = min(high, low + math.floor(float(u) * (high - low + 1)))
            else:
                point[key] = spec["low"] + float(u) * (spec["high"] - spec["low"])
        points.append(point)
    return points


def _check_lhs_spec(key: str, spec: Any, file: str | Path) -> None:
    where = f"sweep.{key}"
    if isinstance(spec, list):
        if not spec:
            raise ScenarioError(file, where, "needs at least one value")
        return
    if not _is_range(spec):
        raise ScenarioError(
            file, where, "a latin_hypercube sweep needs { low = x, high = y } or a list of levels"
        )
    if not all(
        isinstance(spec.get(k), int | float) and not isinstance(spec.get(k), bool)
        for k in ("low", "high")
    ):
        raise ScenarioError(file, where, "low and high must be numbers")
    if (
        not (math.isfinite(spec["low"]) and math.isfinite(spec["high"]))
        or spec["low"] > spec["high"]
    ):
        raise ScenarioError(file, where, "needs finite numbers with low <= high")
    if not isinstance(spec.get("integer", False), bool):
        raise ScenarioError(file, f"{where}.integer", "must be true or false")
    if spec.get("integer") and math.ceil(spec["low"]) > math.floor(spec["high"]):
        raise ScenarioError(file, where, "holds no integer")


# --------------------------------------------------------------------------- key paths


def _is_range(value: Any) -> bool:
    return isinstance(value, Mapping) and {"low", "high"} <= set(value) <= _RANGE_KEYS


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a.b": v}`` and ``{a = {b = v}}`` both give ``{"a.b": v}`` (ranges stay whole)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and not _is_range(value):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _check_path(raw: Mapping[str, Any], key: str, file: str | Path) -> None:
    """A key path exists if the scenario sets it or the schema knows it."""
    first = key.split(".")[0]
    if first in _FIXED:
        raise ScenarioError(file, f"sweep.{key}", f"'{first}' cannot be swept")
    try:
        check_key(raw, key)
    except OverrideError as exc:
        raise ScenarioError(file, f"sweep.{key}", exc.message) from None


def _set_path(data: dict[str, Any], key: str, value: Any, file: str | Path) -> None:
    try:
        set_key(data, key, value, create_tables=True)
    except OverrideError as exc:
        raise ScenarioError(file, f"sweep.{key}", exc.message) from None


def _short_labels(keys: list[str]) -> dict[str, str]:
    last = [k.rsplit(".", 1)[-1] for k in keys]
    return {k: (s if last.count(s) == 1 else k) for k, s in zip(keys, last, strict=True)}


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return "-".join(f"{k}{_fmt(v)}" for k, v in value.items())
    return str(value)
