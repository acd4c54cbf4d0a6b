"""Load scenario files: TOML with ``extends``, CSV data tables, one-line errors.

``load_scenario(path)`` reads a TOML file, follows ``extends = "other.toml"``
(relative to the file that says it, cycles refused), merges tables key by key
(the child wins; arrays, distributions and formula weights are replaced whole), reads the entity and country CSV
files it names, validates everything against :mod:`fundsim.scenario.schema`
and checks the cross references (entities named in cuts, formula columns...).
Any problem raises :class:`ScenarioError` naming the file and the key path.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import math
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fundsim.scenario.errors import ScenarioError, did_you_mean
from fundsim.scenario.overrides import has_key, validation_problem
from fundsim.scenario.schema import Country, Entity, Scenario

#: Keys whose string value is a path, resolved against the file that sets it.
_PATH_KEYS = (("entities", "file"), ("countries", "file"))
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


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"not valid TOML: {exc}") from None


def _load_merged(path: Path, chain: tuple[Path, ...], origin: dict[str, Path]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(path, "extends", f"cycle: {cycle}")
    data = _read_toml(path)
    data.pop("sweep", None)  # a sweep belongs to the file that declares it: see load_sweep
    parent_name = data.pop("extends", None)
    base: dict[str, Any] = {}
    if parent_name is not None:
        if not isinstance(parent_name, str) or not parent_name:
            raise ScenarioError(path, "extends", "must be the name of another scenario file")
        parent = path.parent / parent_name
        if not parent.exists():
            raise ScenarioError(path, "extends", f"no such file '{parent_name}'")
        base = _load_merged(parent, (*chain, resolved), origin)
    _resolve_paths(data, path, origin)
    _record_origin(data, path, origin, prefix="")
    return _merge(base, data)


def _resolve_paths(data: dict[str, Any], path: Path, origin: dict[str, Path]) -> None:
    for section, key in _PATH_KEYS:
        table = data.get(section)
        if isinstance(table, dict) and isinstance(table.get(key), str):
            table[key] = str((path.parent / table[key]).resolve())


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


def _read_csv(file: Path, ref_file: Path, key: str) -> list[dict[str, str]]:
    try:
        with file.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise ScenarioError(ref_file, key, f"data file not found: {file.name}") from None
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
    rows = _read_csv(file, _file_for("entities.file", origin, ref), "entities.file")
    header = set(rows[0])
    for required in ("name", "voluntary_share", "source"):
        if required not in header:
            raise ScenarioError(file, "", f"missing column '{required}'")
    out = []
    for i, row in enumerate(rows, start=2):
        label = row.get("name") or "?"
        keys: dict[str, float] = {}
        for col, cell in row.items():
            if col in _ENTITY_TEXT_COLUMNS or col is None or cell is None or cell.strip() == "":
                continue
            try:
                value = float(cell)
            except ValueError:
                raise ScenarioError(file, f"row {i} ({label}).{col}", f"not a number: '{cell}'") from None
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


def _load_countries(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[Country]:
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "countries", "must be a table with one key: file = \"x.csv\"")
    file = Path(table["file"])
    rows = _read_csv(file, _file_for("countries.file", origin, ref), "countries.file")
    known = set(Country.model_fields)
    out = []
    for i, row in enumerate(rows, start=2):
        label = row.get("code") or "?"
        for col in row:
            if col not in known:
                raise ScenarioError(file, f"row {i} ({label})", f"unknown column '{col}'{did_you_mean(str(col), known)}")
        data: dict[str, Any] = {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
        if "entities" in data:
            data["entities"] = tuple(e.strip() for e in data["entities"].split(";") if e.strip())
        try:
            out.append(Country(**data))
        except ValidationError as exc:
            raise _csv_error(file, Country, i, label, exc) from None
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
            if len(missing) == len(names):
                fail(key, f"no entity column '{col}'{did_you_mean(col, known)}")
            fail(key, f"column '{col}' is empty for {', '.join(missing[:3])}")
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
    for key in s.sources:
        if not has_key(raw, key):
            fail(f"sources.{key}", "names no key of this scenario")
    if s.uncertainties:
        dump = s.model_dump()
        for key in s.uncertainties:
            if not has_key(dump, key):
                fail(f"uncertainties.{key}", "names no key of this scenario")


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

