"""Scenario variants in code: set dotted keys on a scenario and validate the result again.

``with_overrides(scenario, {"mechanism.reserve_target_months": 6})`` returns a new
:class:`~fundsim.scenario.Scenario` with those keys replaced, re-validated through
the schema, so a variant is as safe as a scenario file. Keys are dotted paths into
the scenario (``posts.annual_cost_usd``, ``mechanism.formula.floor``); a number
index picks an array element (``cuts.0.fraction``). Stress tests, solve and
sensitivity analysis build their variants with it and never write temporary files.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from fundsim.errors import BadInput
from fundsim.scenario import Scenario
from fundsim.scenario.errors import did_you_mean


class VariantError(BadInput):
    """A key that names nothing in the scenario, or a value the schema refuses."""

    about_scenario = True


def _thaw(obj: Any) -> Any:
    """The dump with tuples as lists, so that array elements can be replaced in place."""
    if isinstance(obj, dict):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_thaw(v) for v in obj]
    return obj


def _step(node: Any, part: str, dotted: str) -> Any:
    if isinstance(node, dict):
        if part not in node:
            raise VariantError(f"{dotted}: names no key of this scenario{did_you_mean(part, node)}")
        return node[part]
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    raise VariantError(f"{dotted}: names no key of this scenario")


def get_value(scenario: Scenario, key: str) -> Any:
    """The current value at dotted ``key`` (a number, or a dict for a distribution)."""
    node: Any = _thaw(scenario.model_dump())
    for part in key.split("."):
        node = _step(node, part, key)
    return node


def numeric_value(scenario: Scenario, key: str) -> float:
    """The value at ``key`` as a number (a fixed distribution gives its value; a random
    one its mean); raises :class:`VariantError` when the key does not hold a number."""
    value = get_value(scenario, key)
    if isinstance(value, dict) and "dist" in value:
        from fundsim.scenario import Distribution

        return float(Distribution.model_validate(value).expected)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise VariantError(f"{key}: holds {type(value).__name__}, not a number")
    return float(value)


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """A copy of ``scenario`` with each dotted key of ``overrides`` set to its value.

    The copy goes through ``Scenario.model_validate`` again, so bounds hold (a
    ``reserve_target_months`` of 99 is refused). Raises :class:`VariantError`
    naming the key for an unknown key or an invalid value.
    """
    data = _thaw(scenario.model_dump())
    for key, value in overrides.items():
        parts = key.split(".")
        node: Any = data
        for part in parts[:-1]:
            node = _step(node, part, key)
        _step(node, parts[-1], key)  # the last key must exist too: no silent additions
        leaf: Any = int(parts[-1]) if isinstance(node, list) else parts[-1]
        node[leaf] = copy.deepcopy(value)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        msg = err["msg"].removeprefix("Value error, ")
        raise VariantError(f"{where}: {msg}") from None


def scaled(scenario: Scenario, key: str, factor: float) -> Scenario:
    """``scenario`` with the number at ``key`` multiplied by ``factor``."""
    return with_overrides(scenario, {key: numeric_value(scenario, key) * factor})
