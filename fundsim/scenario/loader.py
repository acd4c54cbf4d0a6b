"""Load scenario files: TOML with ``extends``, CSV data tables, one-line errors.

``load_scenario(path)`` reads a TOML file, follows ``extends = "other.toml"``
(relative to the file that says it, cycles refused), merges tables key by key
(the child wins; arrays, distributions and formula weights are replaced whole), reads the entity and country CSV
files it names, validates everything against :mod:`fundsim.scenario.schema`
and checks the cross references (entities named in cuts, formula columns...).
Any problem raises :class:`ScenarioError` naming the file and the key path.

Files are read defensively (:func:`read_text_file`): a path is checked with ``stat``
before it is opened (a directory, device, FIFO or socket is refused unopened, so a
FIFO never blocks), files larger than :data:`MAX_SCENARIO_BYTES` or
:data:`MAX_TABLE_BYTES` are refused, text must be UTF-8 (a byte-order mark is
accepted, as Excel writes one) and hold no NUL byte. ``extends`` chains stop at
:data:`MAX_EXTENDS_DEPTH` files and tables at :data:`MAX_NESTING` levels. CSV tables
are parsed strictly: one delimiter (the comma), unique non-empty column names, every
row as long as the header, cells of at most :data:`MAX_CELL_CHARS` characters, at
most :data:`MAX_TABLE_ROWS` rows. Messages never quote the content of a file that
turned out not to be a scenario or a table.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import math
import os
import stat
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fundsim.scenario.errors import ScenarioError, did_you_mean
from fundsim.scenario.overrides import has_key, validation_problem
from fundsim.scenario.schema import Country, Entity, Scenario, StandardCost, TodayPost

#: Keys whose string value is a path, resolved against the file that sets it.
_PATH_KEYS = (("entities", "file"), ("countries", "file"), ("incumbents", "file"), ("standard_costs", "file"))
#: Largest scenario file (bytes): a scenario is a few kilobytes.
MAX_SCENARIO_BYTES = 1 << 20
#: Largest CSV data table (bytes).
MAX_TABLE_BYTES = 16 << 20
#: Longest ``extends`` chain (files) and deepest nesting of tables and arrays.
MAX_EXTENDS_DEPTH = 32
MAX_NESTING = 32
#: Rows of a CSV table and characters of one cell.
MAX_TABLE_ROWS = 10_000
MAX_CELL_CHARS = 10_000
#: Entity CSV columns that are not numeric keys.
_ENTITY_TEXT_COLUMNS = {"name", "full_name", "groups", "source", "voluntary_share", "fiscal_year_start_month"}


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raise :class:`ScenarioError` on any problem."""
    path = Path(path)
    origin: dict[str, Path] = {}
    raw = _load_merged(path, chain=(), origin=origin)
    return _validate(raw, path, origin)


def load_sweep(path: str | Path) -> list[tuple[str, Scenario, dict[str, Any]]]:
    """The named scenarios of a file: its ``[sweep]`` variants, or the scenario alone.

    Returns ``(name, scenario, parameters)`` triples; ``parameters`` maps each swept
    key path to its value (empty without a sweep). A bad sweep, or a swept value the
    schema rejects, is a :class:`ScenarioError` naming ``sweep.<key>``.
    """
    from fundsim.scenario.sweep import expand_sweep

    path = Path(path)
    origin: dict[str, Path] = {}
    raw = _load_merged(path, chain=(), origin=origin)
    sweep = _read_toml(path).get("sweep")
    if sweep is None:
        scenario = _validate(raw, path, origin)
        return [(scenario.name, scenario, {})]
    _validate(copy.deepcopy(raw), path, origin)  # the base itself must be valid
    out = []
    for name, variant, params in expand_sweep(raw, sweep, path):
        try:
            out.append((name, _validate(variant, path, origin), params))
        except ScenarioError as exc:
            swept = next((k for k in params if _same_branch(k, exc.key_path)), None)
            if swept is None:
                raise
            raise ScenarioError(path, f"sweep.{swept}", f"{params[swept]!r}: {exc.message}") from None
    return out


def _same_branch(a: str, b: str) -> bool:
    """Whether key paths ``a`` and ``b`` are equal or one lies inside the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def scenario_from_dict(data: Mapping[str, Any], base_dir: str | Path = ".") -> Scenario:
    """Validate a scenario given as a dict (as parsed from TOML); paths relative to ``base_dir``."""
    fake = Path(base_dir) / "<dict>"
    raw = copy.deepcopy(dict(data))
    raw.pop("extends", None)
    origin: dict[str, Path] = {}
    _resolve_paths(raw, fake, origin)
    return _validate(raw, fake, origin)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario (data tables included), hex, for the manifest."""
    blob = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


# --------------------------------------------------------------------------- TOML and extends


def read_text_file(path: Path, limit: int, *, ref: Path | None = None, key: str = "", what: str = "file") -> str:
    """The text of ``path``, checked before it is opened; :class:`ScenarioError` if it is
    missing, not a regular file (directory, device, FIFO, socket), larger than ``limit``
    bytes, not UTF-8 or binary. A missing file is reported against ``ref`` at ``key``
    when given (the file that names it). A UTF-8 byte-order mark is dropped."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if ref is not None:
            raise ScenarioError(ref, key, f"{what} not found: {path.name}") from None
        raise ScenarioError(path, "", "file not found") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(ref or path, key, f"{path} is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        # Never opened: opening a FIFO blocks until a writer comes, a device may not end.
        raise ScenarioError(ref or path, key, f"{path} is not a regular file (a device, FIFO or socket)")
    if info.st_size > limit:
        raise ScenarioError(path, "", f"is {info.st_size:,} bytes; the limit for a {what} is {limit:,}")
    try:
        with open(path, "rb") as fh:
            blob = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror}") from None
    if len(blob) > limit:
        raise ScenarioError(path, "", f"is larger than the limit for a {what} ({limit:,} bytes)")
    if b"\x00" in blob:
        raise ScenarioError(path, "", f"is a binary file, not a {what} (UTF-8 text)")
    try:
        return blob.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        raise ScenarioError(path, "", f"not UTF-8 text (an invalid byte on line {line})") from None


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_text_file(path, MAX_SCENARIO_BYTES, what="scenario file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(path, "", f"nested too deeply (the limit is {MAX_NESTING} levels)") from None
    where = _too_deep(data, MAX_NESTING)
    if where is not None:
        raise ScenarioError(path, where, f"nested too deeply (the limit is {MAX_NESTING} levels)")
    return data


def _too_deep(data: Any, limit: int) -> str | None:
    """The key path where ``data`` nests deeper than ``limit`` tables or arrays, if any
    (iterative: a deep structure must not exhaust the stack here either)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > limit:
            return path or "(top level)"
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
    return None


def _load_merged(path: Path, chain: tuple[Path, ...], origin: dict[str, Path]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(path, "extends", f"cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(path, "extends", f"a chain of more than {MAX_EXTENDS_DEPTH} files (the limit)")
    data = _read_toml(path)
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
        base = _load_merged(parent, (*chain, resolved), origin)
    _resolve_paths(data, path, origin)
    _record_origin(data, path, origin, prefix="")
    return _merge(base, data)


def _resolve_paths(data: dict[str, Any], path: Path, origin: dict[str, Path]) -> None:
    for section, key in _PATH_KEYS:
        table = data.get(section)
        if not isinstance(table, dict) or key not in table:
            continue
        value = table[key]
        if not isinstance(value, str):
            raise ScenarioError(path, f"{section}.{key}", f"must be a file name (a string), not {_kind(value)}")
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


def _file_for(key_path: str, origin: Mapping[str, Path], default: Path) -> Path:
    parts = key_path.replace("[", ".[").split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n]).replace(".[", "[")
        if candidate in origin:
            return origin[candidate]
    return default


# --------------------------------------------------------------------------- CSV tables


def _read_csv(
    file: Path, ref_file: Path, key: str, required: tuple[str, ...], what: str
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV table as ``(line number, row)``, strictly parsed (see the
    module docstring).

    ``required`` columns must all be in the header, or the file is not taken for a
    table of ``what`` at all (and none of its content is quoted back)."""
    text = read_text_file(file, MAX_TABLE_BYTES, ref=ref_file, key=key, what="data file")
    reader = csv.reader(text.splitlines(), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ScenarioError(file, "", "is empty (a header row and at least one row are needed)")
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            hint = ""
            if len(header) == 1 and any(d in header[0] for d in ";\t|"):
                hint = " (columns must be separated by commas)"
            raise ScenarioError(file, "", f"not a table of {what}: no column {', '.join(repr(m) for m in missing)}{hint}")
        for j, name in enumerate(header, start=1):
            if not name:
                raise ScenarioError(file, f"column {j}", "has no name in the header")
            if len(name) > 100:
                raise ScenarioError(file, f"column {j}", "name longer than 100 characters")
            if header.index(name) != j - 1:
                raise ScenarioError(file, f"column {j}", f"column '{name}' appears twice in the header")
        rows = []
        for cells in reader:
            row_no = reader.line_num
            if not cells or (all(not c.strip() for c in cells) and len(cells) <= 1):
                continue  # a blank line
            if len(cells) != len(header):
                more = "more" if len(cells) > len(header) else "fewer"
                raise ScenarioError(
                    file, f"row {row_no}", f"has {len(cells)} cells, {more} than the {len(header)} columns of the header"
                )
            for name, cell in zip(header, cells, strict=True):
                if len(cell) > MAX_CELL_CHARS:
                    raise ScenarioError(file, f"row {row_no}.{name}", f"cell longer than {MAX_CELL_CHARS:,} characters")
            rows.append((row_no, dict(zip(header, cells, strict=True))))
            if len(rows) > MAX_TABLE_ROWS:
                raise ScenarioError(file, "", f"more than {MAX_TABLE_ROWS:,} rows (the limit)")
    except csv.Error as exc:
        raise ScenarioError(file, f"row {reader.line_num}", f"malformed CSV ({exc})") from None
    if not rows:
        raise ScenarioError(file, "", "the table has no rows")
    return rows


def _csv_error(file: Path, row: type[BaseModel], row_no: int, label: str, exc: ValidationError) -> ScenarioError:
    field, message = validation_problem(exc, row)
    return ScenarioError(file, f"row {row_no} ({label}).{field}", message)


def _number_cell(file: Path, row_no: int, label: str, col: str, cell: str | None) -> float:
    """A CSV cell that must hold a finite number (``ScenarioError`` naming file, row and column)."""
    where = f"row {row_no} ({label}).{col}"
    if cell is None or cell.strip() == "":
        raise ScenarioError(file, where, "is empty (a number is required)")
    try:
        value = float(cell)
    except ValueError:
        raise ScenarioError(file, where, f"not a number: '{cell[:40]}'") from None
    if not math.isfinite(value):
        raise ScenarioError(file, where, "must be a finite number")
    return value


def _integer_cell(file: Path, row_no: int, label: str, col: str, cell: str) -> int:
    """A CSV cell that must hold a whole number."""
    value = _number_cell(file, row_no, label, col, cell)
    if value != int(value):
        raise ScenarioError(file, f"row {row_no} ({label}).{col}", "must be a whole number")
    return int(value)


def _fiscal_start_cell(file: Path, i: int, label: str, cell: str | None) -> int:
    """The optional ``fiscal_year_start_month`` cell: a whole month 1-12, 1 when empty."""
    if cell is None or cell.strip() == "":
        return 1
    value = _number_cell(file, i, label, "fiscal_year_start_month", cell)
    if value != int(value) or not 1 <= value <= 12:
        raise ScenarioError(file, f"row {i} ({label}).fiscal_year_start_month", f"must be a month 1-12, not '{cell}'")
    return int(value)


def _load_entities(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[Entity]:
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "entities", "must be a table with one key: file = \"x.csv\"")
    file = Path(table["file"])
    rows = _read_csv(file, _file_for("entities.file", origin, ref), "entities.file",
                     ("name", "voluntary_share", "source"), "entities")
    out = []
    for i, row in rows:
        label = (row.get("name") or "?")[:40]
        keys: dict[str, float] = {}
        for col, cell in row.items():
            if col in _ENTITY_TEXT_COLUMNS or col is None or cell is None or cell.strip() == "":
                continue
            try:
                value = float(cell)
            except ValueError:
                raise ScenarioError(file, f"row {i} ({label}).{col}", f"not a number: '{cell[:40]}'") from None
            if not math.isfinite(value):
                raise ScenarioError(file, f"row {i} ({label}).{col}", "must be a finite number")
            keys[col] = value
        try:
            out.append(
                Entity(
                    name=row["name"].strip(),
                    full_name=(row.get("full_name") or "").strip(),
                    voluntary_share=_number_cell(file, i, label, "voluntary_share", row.get("voluntary_share")),
                    keys=keys,
                    groups=tuple(g.strip() for g in (row.get("groups") or "").split(";") if g.strip()),
                    fiscal_year_start_month=_fiscal_start_cell(file, i, label, row.get("fiscal_year_start_month")),
                    source=(row.get("source") or "").strip(),
                )
            )
        except ValidationError as exc:
            raise _csv_error(file, Entity, i, label, exc) from None
    return out


def _coded_rows(file: Path, where: Path, key: str, required: tuple[str, ...], what: str,
                known: set[str]) -> list[tuple[int, str, dict[str, Any]]]:
    """The rows of a CSV table keyed by country ``code``: each row's number, its label (the
    code) and its non-empty cells, stripped; a column outside ``known`` is refused."""
    rows = _read_csv(file, where, key, required, what)
    for col in rows[0][1]:
        if col not in known:
            raise ScenarioError(file, "", f"unknown column '{col}'{did_you_mean(str(col), known)}")
    return [
        (i, (row.get("code") or "?")[:40], {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""})
        for i, row in rows
    ]


def _load_countries(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[Country]:
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "countries", "must be a table with one key: file = \"x.csv\"")
    file = Path(table["file"])
    out = []
    for i, label, data in _coded_rows(file, _file_for("countries.file", origin, ref), "countries.file",
                                      ("code", "risk_tier", "source"), "countries", set(Country.model_fields)):
        if "entities" in data:
            data["entities"] = tuple(e.strip() for e in data["entities"].split(";") if e.strip())
        if "risk_tier" in data:
            data["risk_tier"] = _integer_cell(file, i, label, "risk_tier", data["risk_tier"])
        if "allegations_per_year" in data:
            data["allegations_per_year"] = _number_cell(file, i, label, "allegations_per_year",
                                                        data["allegations_per_year"])
        try:
            out.append(Country(**data))
        except ValidationError as exc:
            raise _csv_error(file, Country, i, label, exc) from None
    return out


def _load_incumbents(table: Any, ref: Path, origin: Mapping[str, Path]) -> dict[str, Any]:
    """``[incumbents]``: the table of today's posts (``file``) read into ``posts``; the other
    keys (``transition``) passed on to the schema."""
    if not isinstance(table, dict) or "file" not in table:
        raise ScenarioError(ref, "incumbents", "must be a table with a key file = \"today_posts.csv\"")
    if "posts" in table:
        raise ScenarioError(ref, "incumbents.posts", "is read from incumbents.file, not set by hand")
    file = Path(table["file"])
    posts = []
    for i, label, data in _coded_rows(file, _file_for("incumbents.file", origin, ref), "incumbents.file",
                                      ("code", "coordinator_today", "source"), "today's posts",
                                      set(TodayPost.model_fields)):
        if "contract_end_month" in data:
            data["contract_end_month"] = _integer_cell(file, i, label, "contract_end_month", data["contract_end_month"])
        try:
            posts.append(TodayPost(**data))
        except ValidationError as exc:
            raise _csv_error(file, TodayPost, i, label, exc) from None
    out = {k: v for k, v in table.items() if k != "file"}
    out["posts"] = posts
    return out


def _load_standard_costs(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[StandardCost]:
    """The standard-cost table (grade, duty-station class, annual cost, source)."""
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "standard_costs", "must be a table with one key: file = \"x.csv\"")
    file = Path(table["file"])
    required = ("grade", "duty_station_class", "annual_cost_usd", "source")
    rows = _read_csv(file, _file_for("standard_costs.file", origin, ref), "standard_costs.file", required,
                     "standard costs")
    for col in rows[0][1]:
        if col not in required:
            raise ScenarioError(file, "", f"unknown column '{col}'{did_you_mean(str(col), required)}")
    out, seen = [], set()
    for i, row in rows:
        label = f"{(row.get('grade') or '?')[:20]} {(row.get('duty_station_class') or '?')[:20]}"
        try:
            cost = StandardCost(
                grade=(row.get("grade") or "").strip(),
                duty_station_class=(row.get("duty_station_class") or "").strip(),
                annual_cost_usd=_number_cell(file, i, label, "annual_cost_usd", row.get("annual_cost_usd")),
                source=(row.get("source") or "").strip(),
            )
        except ValidationError as exc:
            raise _csv_error(file, StandardCost, i, label, exc) from None
        if (cost.grade, cost.duty_station_class) in seen:
            raise ScenarioError(file, f"row {i} ({label})", "grade and duty-station class appear twice")
        seen.add((cost.grade, cost.duty_station_class))
        out.append(cost)
    return out


# --------------------------------------------------------------------------- validation


def _pydantic_error(exc: ValidationError, path: Path, origin: Mapping[str, Path]) -> ScenarioError:
    key_path, message = validation_problem(exc)
    return ScenarioError(_file_for(key_path, origin, path), key_path, message)


def _validate(raw: dict[str, Any], path: Path, origin: Mapping[str, Path]) -> Scenario:
    data = dict(raw)
    data.setdefault("name", path.stem)
    if "entities" not in data:
        raise ScenarioError(path, "entities", "required key is missing (entities = { file = \"x.csv\" })")
    if "countries" not in data:
        raise ScenarioError(path, "countries", "required key is missing (countries = { file = \"x.csv\" })")
    data["entities"] = _load_entities(data["entities"], path, origin)
    data["countries"] = _load_countries(data["countries"], path, origin)
    if "incumbents" in data:
        data["incumbents"] = _load_incumbents(data["incumbents"], path, origin)
    if "standard_costs" in data:
        data["standard_costs"] = _load_standard_costs(data["standard_costs"], path, origin)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_error(exc, path, origin) from None
    _check_references(scenario, raw, path, origin)
    return scenario


def _check_references(s: Scenario, raw: Mapping[str, Any], path: Path, origin: Mapping[str, Path]) -> None:
    def fail(key: str, msg: str) -> None:
        raise ScenarioError(_file_for(key, origin, path), key, msg)

    names = s.entity_names
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        fail("entities.file", f"entity '{dup}' appears twice")
    codes = [c.code for c in s.countries]
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        fail("countries.file", f"country '{dup}' appears twice")
    groups = s.groups()
    for c in s.countries:
        for ent in (c.lead_entity, *c.entities):
            if ent and ent not in names:
                fail("countries.file", f"country {c.code} names unknown entity '{ent}'{did_you_mean(ent, names)}")
    if s.mechanism.mode != "pooled":
        for c in s.countries:
            if not c.lead_entity:
                fail("countries.file", f"country {c.code} has no lead_entity (mode '{s.mechanism.mode}' needs one)")
    f = s.mechanism.formula
    for col in f.columns():
        missing = [e.name for e in s.entities if col not in e.keys]
        if missing:
            key = "mechanism.formula.key" if col in (f.key, f.risk_key) else f"mechanism.formula.weights.{col}"
            known = {k for e in s.entities for k in e.keys}
            preset = f" (the '{f.preset}' preset reads it: add the column to the entities table)" if f.preset else ""
            if len(missing) == len(names):
                fail(key, f"no entity column '{col}'{did_you_mean(col, known)}{preset}")
            fail(key, f"column '{col}' is empty for {', '.join(missing[:3])}{preset}")
    for col in f.columns():
        weight = f.weights.get(col, 1.0) if col != f.key and col != f.risk_key else 1.0
        if weight > 0 and not any(e.keys.get(col, 0.0) > 0 for e in s.entities):
            key = "mechanism.formula.key" if col in (f.key, f.risk_key) else f"mechanism.formula.weights.{col}"
            fail(key, f"column '{col}' is zero for every entity: the formula would divide by zero")
    n = len(names)
    if f.floor * n > 1 + 1e-12:
        fail("mechanism.formula.floor", f"{f.floor} x {n} entities exceeds 1")
    if f.ceiling * n < 1 - 1e-12:
        fail("mechanism.formula.ceiling", f"{f.ceiling} x {n} entities is below 1")
    sim = s.simulation
    for i, cut in enumerate(s.cuts):
        if cut.entity and cut.entity not in names:
            fail(f"cuts[{i}].entity", f"unknown entity '{cut.entity}'{did_you_mean(cut.entity, names)}")
        if cut.group and cut.group not in groups:
            fail(f"cuts[{i}].group", f"unknown group '{cut.group}'{did_you_mean(cut.group, groups)}")
        if not sim.start_year <= cut.year <= sim.end_year:
            fail(f"cuts[{i}].year", f"{cut.year} is outside the simulated years {sim.start_year}-{sim.end_year}")
    for i, ex in enumerate(s.exits):
        if ex.entity != "largest" and ex.entity not in names:
            fail(f"exits[{i}].entity", f"unknown entity '{ex.entity}'{did_you_mean(ex.entity, names)}")
        if not sim.start_year <= ex.year <= sim.end_year:
            fail(f"exits[{i}].year", f"{ex.year} is outside the simulated years {sim.start_year}-{sim.end_year}")
    if s.shocks.group and s.shocks.group not in groups:
        fail("shocks.group", f"unknown group '{s.shocks.group}'{did_you_mean(s.shocks.group, groups)}")
    if s.victims is not None:
        _check_victims(s, fail)
    if s.incumbents is not None:
        _check_incumbents(s, codes, names, fail)
    _check_fees(s, fail)
    for key in s.sources:
        if not has_key(raw, key):
            fail(f"sources.{key}", "names no key of this scenario")
    if s.uncertainties:
        dump = s.model_dump()
        for key in s.uncertainties:
            if not has_key(dump, key):
                fail(f"uncertainties.{key}", "names no key of this scenario")


def _check_incumbents(s: Scenario, codes: list[str], names: tuple[str, ...], fail: Callable[[str, str], None]) -> None:
    """Today's posts: one row per country of the countries table, hosts that are entities."""
    assert s.incumbents is not None
    rows = [p.code for p in s.incumbents.posts]
    if sorted(rows) != sorted(codes):
        odd = sorted(set(rows) ^ set(codes)) or [next(c for c in rows if rows.count(c) > 1)]
        fail("incumbents.file", f"needs one row per country of the countries table (differs at {', '.join(odd[:3])})")
    for p in s.incumbents.posts:
        if p.host_entity and p.host_entity not in names:
            fail("incumbents.file", f"country {p.code} names unknown host_entity '{p.host_entity}'{did_you_mean(p.host_entity, names)}")


def _check_fees(s: Scenario, fail: Callable[[str, str], None]) -> None:
    """The coordinator fund's fee: one of ``mechanism.admin_fee`` or a ``[host]`` fee stack;
    fees on expenditure only where the pooled fund pays the posts."""
    mech, host = s.mechanism, s.host
    if host is not None and host.fees:
        if mech.admin_fee != 0:
            fail("mechanism.admin_fee", "the [host] fee stack (host.fees) replaces it: set it to 0")
        if mech.fee_basis != "receipts":
            fail("mechanism.fee_basis", "the [host] fee stack (host.fees) replaces it: each layer has its basis")
        if s.victims is not None and s.victims.windows == "shared_host":
            fail("host.fees", "a [host] fee stack with victims.windows = \"shared_host\" is not modelled: "
                 "use victims.funding.shared_admin_fee")
        names = [f.name for f in host.fees]
        for i, name in enumerate(names):
            if names.index(name) != i:
                fail(f"host.fees[{i}].name", f"fee '{name}' appears twice")
    on_spending = mech.fee_basis == "expenditure" or (host is not None and any(f.basis == "expenditure" for f in host.fees))
    if on_spending and mech.mode != "pooled":
        key = "mechanism.fee_basis" if mech.fee_basis == "expenditure" else "host.fees"
        fail(key, f"a fee on expenditure needs mechanism.mode = \"pooled\" (not \"{mech.mode}\")")
    if host is not None and host.secretariat and mech.mode != "pooled":
        fail("host.secretariat", f"secretariat lines are paid by the pooled fund: mechanism.mode = \"{mech.mode}\"")


def _check_victims(s: Scenario, fail: Callable[[str, str], None]) -> None:
    """Cross references of the ``[victims]`` section (victim-assistance window)."""
    v = s.victims
    assert v is not None
    f = v.funding.formula
    if f is not None:
        names = s.entity_names
        known = {k for e in s.entities for k in e.keys}
        for col in f.columns():
            missing = [e.name for e in s.entities if col not in e.keys]
            if missing:
                key = "victims.funding.formula.key" if col in (f.key, f.risk_key) else f"victims.funding.formula.weights.{col}"
                if len(missing) == len(names):
                    fail(key, f"no entity column '{col}'{did_you_mean(col, known)}")
                fail(key, f"column '{col}' is empty for {', '.join(missing[:3])}")
            weight = f.weights.get(col, 1.0) if col not in (f.key, f.risk_key) else 1.0
            if weight > 0 and not any(e.keys.get(col, 0.0) > 0 for e in s.entities):
                key = "victims.funding.formula.key" if col in (f.key, f.risk_key) else f"victims.funding.formula.weights.{col}"
                fail(key, f"column '{col}' is zero for every entity: the formula would divide by zero")
    ekey = v.allegations.entity_key
    if ekey is not None:
        known = {k for e in s.entities for k in e.keys}
        missing = [e.name for e in s.entities if ekey not in e.keys]
        if len(missing) == len(s.entities):
            fail("victims.allegations.entity_key", f"no entity column '{ekey}'{did_you_mean(ekey, known)}")
        if missing:
            fail("victims.allegations.entity_key", f"column '{ekey}' is empty for {', '.join(missing[:3])}")
    sim = s.simulation
    for i, surge in enumerate(v.allegations.surges):
        if not sim.start_year <= surge.year <= sim.end_year:
            fail(f"victims.allegations.surges[{i}].year", f"{surge.year} is outside the simulated years {sim.start_year}-{sim.end_year}")
    seen: set[str] = set()
    for i, service in enumerate(v.services):
        if service.name in seen:
            fail(f"victims.services[{i}].name", f"service '{service.name}' appears twice")
        seen.add(service.name)
    if v.funding.shared_admin_fee is not None and v.windows != "shared_host":
        fail("victims.funding.shared_admin_fee", "only used with victims.windows = \"shared_host\"")

