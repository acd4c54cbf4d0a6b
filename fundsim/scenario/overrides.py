"""Dotted scenario keys: read, test and set them; variants of a loaded scenario; what the
schema refuses, in one line.

A dotted key names a value inside a scenario, as parsed from TOML or dumped from a
validated :class:`~fundsim.scenario.schema.Scenario`: ``posts.annual_cost_usd``,
``mechanism.formula.floor``; a number picks an array element (``cuts.0.fraction``).
The loader checks with :func:`has_key` that ``[sources]`` and ``[uncertainties]``
name real keys, a sweep sets the values it varies with :func:`set_key`, and
:func:`with_overrides` makes a validated variant of a loaded scenario (stress tests,
solve, sensitivity). :func:`validation_problem` turns a pydantic ``ValidationError``
into a key path and a message, for the loader and for variants alike.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from fundsim.errors import BadInput
from fundsim.scenario.errors import did_you_mean
from fundsim.scenario.schema import Distribution, Scenario


class OverrideError(BadInput):
    """A dotted key that names nothing in the scenario, or a value the schema refuses:
    ``<key>: <message>``."""

    about_scenario = True

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


# --------------------------------------------------------------------------- reading and setting


def _child(node: Any, part: str, dotted: str, create_tables: bool) -> Any:
    """The value under ``part`` of a table or an array, on the way to ``dotted``."""
    if isinstance(node, list):
        if part.isdigit() and int(part) < len(node):
            return node[int(part)]
        raise OverrideError(dotted, "names no key of this scenario")
    if not isinstance(node, dict):
        raise OverrideError(dotted, "names no key of this scenario")
    if part not in node or (create_tables and node[part] is None):
        if not create_tables:
            raise OverrideError(dotted, f"names no key of this scenario{did_you_mean(part, node)}")
        node[part] = {}
    child = node[part]
    if create_tables and not isinstance(child, dict | list):
        if isinstance(child, int | float) and not isinstance(child, bool):
            # A bare number is a fixed distribution: setting one of its parameters needs
            # the table form, so say so rather than guess.
            raise OverrideError(dotted, f"'{part}' is a plain number here, not a table")
        raise OverrideError(dotted, f"'{part}' is not a table")
    return child


def has_key(data: Mapping[str, Any], dotted: str) -> bool:
    """Whether ``dotted`` names a value in ``data`` (nested tables and arrays)."""
    node: Any = data
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]  # "cuts.0.fraction": the first cut's fraction
        else:
            return False
    return True


def get_key(data: Mapping[str, Any], dotted: str) -> Any:
    """The value at ``dotted`` in ``data``; raises :class:`OverrideError` (with a "did you
    mean" when a key is close) when it names nothing."""
    node: Any = data
    for part in dotted.split("."):
        node = _child(node, part, dotted, create_tables=False)
    return node


def set_key(data: dict[str, Any], dotted: str, value: Any, *, create_tables: bool = False) -> None:
    """Set the value at ``dotted`` in ``data`` (a copy of ``value``), in place.

    By default every key on the way must exist, the last one too (a variant of a
    validated scenario, whose dump holds every key). With ``create_tables`` missing
    tables are created, as a sweep over a scenario file that leaves keys at their
    defaults needs. Raises :class:`OverrideError` naming ``dotted``.
    """
    parts = dotted.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = _child(node, part, dotted, create_tables)
    last = parts[-1]
    if isinstance(node, list):
        if not (last.isdigit() and int(last) < len(node)):
            raise OverrideError(dotted, "names no key of this scenario")
        node[int(last)] = copy.deepcopy(value)
    elif isinstance(node, dict):
        if not create_tables and last not in node:
            raise OverrideError(dotted, f"names no key of this scenario{did_you_mean(last, node)}")
        node[last] = copy.deepcopy(value)
    else:
        raise OverrideError(dotted, "names no key of this scenario")


# --------------------------------------------------------------------------- the schema's view


def _is_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, BaseModel)


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field's annotation (``Dist``, ``Formula | None``,
    ``tuple[Cut, ...]``), if any."""
    if _is_model(annotation):
        return typing.cast(type[BaseModel], annotation)
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: tuple[Any, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not _is_model(model):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = model_in(field.annotation)
    return model if _is_model(model) else None


def check_key(raw: Mapping[str, Any], dotted: str) -> None:
    """Refuse (:class:`OverrideError`) a key that the scenario ``raw`` does not set and
    the schema does not know, with a "did you mean" from both."""
    parts = dotted.split(".")
    node: Any = raw
    model: Any = Scenario
    for i, part in enumerate(parts):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]  # "cuts.0.fraction": the first cut's fraction
            continue
        in_raw = isinstance(node, Mapping) and part in node
        field = model.model_fields.get(part) if _is_model(model) else None
        if not in_raw and field is None:
            known = set(node) if isinstance(node, Mapping) else set()
            if _is_model(model):
                known |= set(model.model_fields)
            where = ".".join(parts[:i]) or "the scenario"
            raise OverrideError(dotted, f"no key '{part}' in {where}{did_you_mean(part, known)}")
        node = node.get(part) if in_raw else None
        model = model_in(field.annotation) if field is not None else None


def key_path(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a key path: ``cuts[0].fraction`` (union member tags
    such as ``function-after`` or ``float`` left out)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith("function-") or part in ("int", "float", "str"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


def validation_problem(exc: ValidationError, root: type[BaseModel] = Scenario) -> tuple[str, str]:
    """The first problem of ``exc`` as ``(key path, message)``: an unknown key with a
    "did you mean" among the keys of its table, a missing required key, or pydantic's
    message without its ``Value error,`` prefix. ``root`` is the model validated."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    path = key_path(loc)
    if err["type"] == "extra_forbidden":
        parent = _model_at(loc[:-1], root)
        hint = did_you_mean(str(loc[-1]), parent.model_fields) if parent else ""
        return path, f"unknown key{hint}"
    if err["type"] == "missing":
        return path, "required key is missing"
    return path, _clean(err["msg"])


# --------------------------------------------------------------------------- variants


def _thaw(obj: Any) -> Any:
    """The dump with tuples as lists, so that array elements can be replaced in place."""
    if isinstance(obj, dict):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_thaw(v) for v in obj]
    return obj


def get_value(scenario: Scenario, key: str) -> Any:
    """The current value at dotted ``key`` (a number, or a dict for a distribution)."""
    return get_key(_thaw(scenario.model_dump()), key)


def numeric_value(scenario: Scenario, key: str) -> float:
    """The value at ``key`` as a number (a fixed distribution gives its value; a random
    one its mean); raises :class:`OverrideError` when the key does not hold a number."""
    value = get_value(scenario, key)
    if isinstance(value, dict) and "dist" in value:
        return float(Distribution.model_validate(value).expected)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OverrideError(key, f"holds {type(value).__name__}, not a number")
    return float(value)


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """A copy of ``scenario`` with each dotted key of ``overrides`` set to its value.

    The copy goes through ``Scenario.model_validate`` again, so bounds hold (a
    ``reserve_target_months`` of 99 is refused). Raises :class:`OverrideError`
    naming the key for an unknown key or an invalid value; the keys must exist (no
    silent additions).
    """
    data = _thaw(scenario.model_dump())
    for key, value in overrides.items():
        set_key(data, key, value)
    try:
        # Not strict: the values come from the program (a lever's float for an integer
        # key, numpy numbers), and the dump holds lists where the schema wants tuples.
        return Scenario.model_validate(data, strict=False)
    except ValidationError as exc:
        raise OverrideError(*validation_problem(exc)) from None
