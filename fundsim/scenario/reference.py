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

from fundsim.scenario import loader, schema, sweep
from fundsim.scenario.schema import Country, Entity, Scenario

_HEADER = """# Scenario keys

Generated from `fundsim/scenario/schema/` by `python -m fundsim.scenario.reference`; do not
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
        return ", ".join(
            f'"{a}"' if isinstance(a, str) else str(a) for a in typing.get_args(annotation)
        )
    if origin in (types.UnionType, typing.Union):
        return (
            " or ".join(_type_name(a) for a in typing.get_args(annotation) if a is not type(None))
            + " (optional)"
        )
    if origin in (tuple, list):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return f"array of {_type_name(args[0])}" if args else "array"
    if origin is dict:
        _key, value = typing.get_args(annotation)
        return f"table of {_type_name(value)}"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return (
                "distribution"
                if annotation.__name__ == "Distribution"
                else f"table ({annotation.__name__})"
            )
        return {"float": "number", "int": "integer", "str": "string", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _default(field: Any) -> str:
    if field.default is not PydanticUndefined:
        value = field.default
    elif isinstance(field.json_schema_extra, dict) and "default_doc" in field.json_schema_extra:
        return str(field.json_schema_extra["default_doc"])  # a default the loader supplies
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
    lines = [
        f"## `{path}`" if path else "## Top level",
        "",
        doc,
        "",
        "| key | type | default |",
        "| --- | --- | --- |",
    ]
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
        (
            "entities",
            Entity,
            "`name`, `full_name`, `voluntary_share`, `groups` (`;`-separated tags), `source`, and "
            "any number of numeric key columns (`expenses_usd`, `hrp_expenses_usd`, `personnel`…), "
            "usable by name in formulas",
        ),
        (
            "countries",
            Country,
            "`code`, `name`, `risk_tier`, `lead_entity`, `entities` (`;`-separated), "
            "`allegations_per_year`, `source`",
        ),
    ):
        doc = inspect.cleandoc(model.__doc__ or "").replace("``", "`")
        lines += [f"## `{title}` CSV table", "", doc, "", f"Columns: {columns}.", ""]
    lines += _limits()
    return "\n".join(lines).rstrip() + "\n"


#: The kinds of malformed input refused, each with the message it ends with.
MALFORMED_INPUT = [
    ("not UTF-8, or binary (a NUL byte)", "`FILE: not UTF-8 text (an invalid byte on line N)`"),
    ("a UTF-8 byte-order mark (as Excel writes)", "accepted"),
    (
        "not TOML; nested deeper than the limit",
        "`FILE: not valid TOML: ...`; `FILE: KEY: nested too deeply`",
    ),
    (
        'a wrong type: `true` or `"0.08"` for a number, a number for a path or a name',
        "`FILE: KEY: Input should be a valid number`; `FILE: entities.file: must be a file name (a "
        "string), not a number`",
    ),
    (
        "a number out of its range or above its limit (1e308, 1e20 months)",
        "`FILE: KEY: 1e+308 is above the limit 1e+07`",
    ),
    (
        "a path that is empty, missing, a directory, a device, a FIFO or a socket (checked with "
        "`stat`, never opened)",
        "`FILE: KEY: /dev/zero is not a regular file (a device, FIFO or socket)`",
    ),
    (
        "a file or table above its size limit; an `extends` chain above its limit",
        "`FILE: is N bytes; the limit ...`",
    ),
    (
        "a file that is not a table of entities or countries (`/etc/passwd`)",
        "`CSV: not a table of countries: no column 'code', ...` (its content is never quoted)",
    ),
    (
        "a CSV with another delimiter",
        "`CSV: not a table of ...: no column ... (columns must be separated by commas)`",
    ),
    (
        "a CSV column named twice, or without a name",
        "`CSV: column N: column 'x' appears twice in the header`",
    ),
    (
        "a CSV row with missing or extra cells",
        "`CSV: row N: has 8 cells, more than the 7 columns of the header`",
    ),
    (
        "a CSV cell that is not a number, NaN or infinite, or too long",
        "`CSV: row N (name).column: must be a finite number`",
    ),
    (
        "a formula key column that is zero for every entity",
        "`FILE: mechanism.formula.key: column 'x' is zero for every entity`",
    ),
    (
        "an unknown key, a missing key, a wrong cross reference",
        "`FILE: KEY: unknown key (did you mean 'y'?)`",
    ),
    (
        "`--reps`, `--seed` or another count out of range",
        "`fundsim run: argument --reps: must be between 1 and 100,000`",
    ),
]


def _limit_rows() -> list[tuple[str, str]]:
    """The documented limits: (what, limit) as the reference table shows them."""
    s, ld = schema, loader
    return [
        ("a post's `annual_cost_usd`, `operating_cost_usd`", f"{s.MAX_POST_USD:,.0f} USD a year"),
        (
            "any other amount (`floor_usd`, a band's `amount_usd`, a service's `cost_usd`, "
            "`support_usd_year`)",
            f"{s.MAX_USD:,.0f} USD",
        ),
        (
            "an opening balance, a year's pledges or withheld payments, a budget envelope "
            "(`mechanism.budget.usd_per_year`), a pre-financing line",
            f"{s.MAX_BALANCE_USD:,.0f} USD",
        ),
        (
            "every fee (`admin_fee`, `shared_admin_fee`, a host's fee layer, a support cost) and "
            "the sum of a "
            "host's layers on one basis: strictly below (a fee near 1 grosses invoices up without "
            "bound)",
            f"{s.MAX_FEE:g}",
        ),
        ("a child's age (`stock_age_years`), from 0", f"{s.MAX_CHILD_AGE} years"),
        ("money, counts and ages drawn from a distribution", "never below 0"),
        ("`contract_end_month` (today_posts.csv)", "1 to 12"),
        ("countries (= posts), entities", f"{s.MAX_COUNTRIES:,}, {s.MAX_ENTITIES:,}"),
        (
            "`simulation.years`, `simulation.replications` (and `--reps`)",
            f"{s.MAX_YEARS}, {s.MAX_REPLICATIONS:,}",
        ),
        ("`simulation.seed` (and `--seed`)", f"0 to {s.MAX_SEED}"),
        (
            "a duration drawn in months (`recruitment_lag_months`, `delay_months`, "
            "`paternity_delay_months`)",
            f"{s.MAX_MONTHS} months",
        ),
        ("`handling_days`", f"{s.MAX_DAYS:,} days"),
        ("`victims_per_allegation`", f"{s.MAX_PER_EVENT:,}"),
        ("a country's `allegations_per_year`", f"{s.MAX_ALLEGATIONS_PER_YEAR:,}"),
        (
            "victims and children expected in the busiest year (all countries, trend and surges "
            "included)",
            f"{s.MAX_VICTIMS_PER_YEAR:,}",
        ),
        (
            "cost growth from inflation over the horizon ((1 + `inflation_annual` + 3 "
            "`inflation_sd`) ^ years)",
            f"{s.MAX_INFLATION_GROWTH:g} x",
        ),
        ("`payments.contribution_scale`", f"{s.MAX_CONTRIBUTION_SCALE:g}"),
        ("any distribution parameter (absolute value)", f"{s.MAX_DIST_PARAM:,.0f}"),
        ("an entity key column (a weight)", "1e15"),
        (
            "a scenario file; a CSV table",
            f"{ld.MAX_SCENARIO_BYTES:,} bytes; {ld.MAX_TABLE_BYTES:,} bytes",
        ),
        ("CSV rows; characters in a CSV cell", f"{ld.MAX_TABLE_ROWS:,}; {ld.MAX_CELL_CHARS:,}"),
        (
            "`extends` chain; nesting of tables and arrays",
            f"{ld.MAX_EXTENDS_DEPTH} files; {ld.MAX_NESTING} levels",
        ),
        ("variants of one `[sweep]`", f"{sweep.MAX_VARIANTS:,}"),
    ]


def _limits() -> list[str]:
    """The documented limits and the kinds of malformed input refused."""
    rows, kinds = _limit_rows(), MALFORMED_INPUT
    out = [
        "## Limits and malformed input",
        "",
        "Every number has a documented limit, so that nothing overflows: the model keeps money in",
        "integer cents (int64, up to USD 9.2e16); with these limits one replication moves at most",
        "about USD 1e15, and sums across replications are exact integers. Sizes are limited so "
        "that",
        "no input allocates without bound. `fundsim validate` checks all of them, and what it",
        "accepts `fundsim run` runs.",
        "",
        "| what | limit |",
        "| --- | --- |",
        *(f"| {what} | {limit} |" for what, limit in rows),
        "",
        "Each kind of malformed input below ends with exit 2 and one line on stderr that names the",
        "file (the CSV table when the fault is in it) and the key path or row and column; nothing",
        "is written (`tests/scenario/test_malformed_inputs.py` derives such inputs from the "
        "shipped",
        "scenarios and checks this).",
        "",
        "| malformed input | message |",
        "| --- | --- |",
        *(f"| {what} | {message} |" for what, message in kinds),
        "",
    ]
    return out


if __name__ == "__main__":
    print(reference(), end="")
