"""The scenario-key reference, generated from the schema (``docs/scenarios.md``).

``python -m fundsim.scenario.reference > docs/scenarios.md`` rewrites it; a test
checks the committed file is up to date, so the reference never drifts from the code.
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from fundsim.scenario.schema import Country, Entity, Scenario

_HEADER = """# Scenario keys

Generated from `fundsim/scenario/schema.py` by `python -m fundsim.scenario.reference`; do not
edit by hand. A scenario is a TOML file; `extends = "other.toml"` inherits another file and
overrides keys (tables merge key by key; arrays, distributions and formula weights are replaced
whole). Units are in the key names: `_usd` US dollars, `_months` months; fractions are in
[0, 1]; rates are per year. A *distribution* is a number (fixed) or a table such as
`{ dist = "triangular", low = 2, mode = 4, high = 8 }` (kinds: fixed `value`; uniform `low`,
`high`; triangular `low`, `mode`, `high`; normal `mean`, `sd`; lognormal `mean`, `sd` of the
quantity itself; poisson `mean`; exponential `mean`).

Every figure should carry a source: the `[sources]` table maps a dotted key path to its source,
or to `ASSUMPTION:` / `PLAUSIBLE:` and the reasoning.
"""


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return ", ".join(f'"{a}"' if isinstance(a, str) else str(a) for a in typing.get_args(annotation))
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_type_name(a) for a in typing.get_args(annotation) if a is not type(None)) + " (optional)"
    if origin in (tuple, list):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return f"array of {_type_name(args[0])}" if args else "array"
    if origin is dict:
        _key, value = typing.get_args(annotation)
        return f"table of {_type_name(value)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "distribution" if annotation.__name__ == "Distribution" else f"table ({annotation.__name__})"
        return {"float": "number", "int": "integer", "str": "string", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _default(field: Any) -> str:
    if field.default is not PydanticUndefined:
        value = field.default
    elif field.default_factory is not None:
        try:
            value = field.default_factory()
        except Exception:  # a factory that needs arguments or context
            return "—"
    else:
        return "required"
    if isinstance(value, BaseModel):
        if type(value).__name__ == "Distribution":
            dist = getattr(value, "dist", "")
            return str(getattr(value, "value", "")) if dist == "fixed" else str(dist)
        return "(table)"
    if value in ((), {}, None):
        return {(): "[]", None: "none"}.get(value, "{}") if not isinstance(value, dict) else "{}"
    return repr(value) if isinstance(value, str) else str(value)


def _nested(annotation: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__name__ != "Distribution":
            out.append(annotation)
        return out
    for arg in typing.get_args(annotation):
        out.extend(_nested(arg))
    return out


def _section(path: str, model: type[BaseModel], seen: set[str]) -> list[str]:
    doc = inspect.cleandoc(model.__doc__ or "").strip().replace("``", "`").replace(":func:", "")
    lines = [f"## `{path}`" if path else "## Top level", "", doc, "", "| key | type | default |", "| --- | --- | --- |"]
    children: list[tuple[str, type[BaseModel]]] = []
    for name, field in model.model_fields.items():
        desc = f" — {field.description}" if field.description else ""
        lines.append(f"| `{name}` | {_type_name(field.annotation)}{desc} | {_default(field)} |")
        for sub in _nested(field.annotation):
            if sub in (Entity, Country):
                continue
            children.append((f"{path}.{name}" if path else name, sub))
    lines.append("")
    for sub_path, sub in children:
        if sub_path not in seen:
            seen.add(sub_path)
            lines.extend(_section(sub_path, sub, seen))
    return lines


def reference() -> str:
    """The whole reference as Markdown."""
    lines = [_HEADER]
    lines.extend(_section("", Scenario, set()))
    for title, model, columns in (
        ("entities", Entity, "`name`, `full_name`, `voluntary_share`, `groups` (`;`-separated tags), `source`, and any number of numeric key columns (`expenses_usd`, `hrp_expenses_usd`, `personnel`…), usable by name in formulas"),
        ("countries", Country, "`code`, `name`, `risk_tier`, `lead_entity`, `entities` (`;`-separated), `allegations_per_year`, `source`"),
    ):
        doc = inspect.cleandoc(model.__doc__ or "").replace("``", "`")
        lines += [f"## `{title}` CSV table", "", doc, "", f"Columns: {columns}.", ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
