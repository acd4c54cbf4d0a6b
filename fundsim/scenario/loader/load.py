"""The loader's entry points: a scenario file, a file's sweep variants, a dict; each read
(:mod:`~fundsim.scenario.loader.reading`), merged (:mod:`~fundsim.scenario.loader.merging`),
its tables read (:mod:`~fundsim.scenario.loader.tables`), validated against the schema and
its cross references checked (:mod:`~fundsim.scenario.loader.cross_references`)."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.loader.cross_references import check_references
from fundsim.scenario.loader.merging import file_for, load_merged, resolve_paths
from fundsim.scenario.loader.reading import read_toml
from fundsim.scenario.loader.tables import (
    load_countries,
    load_entities,
    load_existing_services,
    load_incumbents,
    load_standard_costs,
)
from fundsim.scenario.overrides import validation_problem
from fundsim.scenario.schema import Scenario


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raise :class:`ScenarioError` on any problem."""
    path = Path(path)
    origin: dict[str, Path] = {}
    raw = load_merged(path, chain=(), origin=origin)
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
    raw = load_merged(path, chain=(), origin=origin)
    sweep = read_toml(path).get("sweep")
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
            raise ScenarioError(
                path, f"sweep.{swept}", f"{params[swept]!r}: {exc.message}"
            ) from None
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
    resolve_paths(raw, fake, origin)
    return _validate(raw, fake, origin)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario (data tables included), hex, for the manifest."""
    blob = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _pydantic_error(exc: ValidationError, path: Path, origin: Mapping[str, Path]) -> ScenarioError:
    key_path, message = validation_problem(exc)
    return ScenarioError(file_for(key_path, origin, path), key_path, message)


def _validate(raw: dict[str, Any], path: Path, origin: Mapping[str, Path]) -> Scenario:
    """The scenario of the merged table ``raw`` (from ``path``): its CSV tables read, the
    schema applied, the cross references checked."""
    data = dict(raw)
    data.setdefault("name", path.stem)
    if "entities" not in data:
        raise ScenarioError(
            path, "entities", 'required key is missing (entities = { file = "x.csv" })'
        )
    if "countries" not in data:
        raise ScenarioError(
            path, "countries", 'required key is missing (countries = { file = "x.csv" })'
        )
    data["entities"] = load_entities(data["entities"], path, origin)
    data["countries"] = load_countries(data["countries"], path, origin)
    if "incumbents" in data:
        data["incumbents"] = load_incumbents(data["incumbents"], path, origin)
    if "standard_costs" in data:
        data["standard_costs"] = load_standard_costs(data["standard_costs"], path, origin)
    victims = data.get("victims")
    if isinstance(victims, dict) and "existing_services" in victims:
        data["victims"] = {
            **victims,
            "existing_services": load_existing_services(victims["existing_services"], path, origin),
        }
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_error(exc, path, origin) from None
    check_references(scenario, raw, path, origin)
    return scenario
