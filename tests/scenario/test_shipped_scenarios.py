"""The shipped scenarios load, and every default figure in them carries a source.

Pins down the "honest default data" rule of the brief: each value the baseline sets is
named in its ``[sources]`` table (by its own key path or a parent's), every CSV row has a
non-empty source cell, and the tables have the expected size.
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from fundsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"
NOT_DATA = {
    "sources",
    "name",
    "description",
    "extends",
    "explore",
    "options",
}  # [explore], [options]: designs, sourced in the files they name
ENTITY_NUMERIC = (
    "voluntary_share",
    "expenses_usd",
    "personnel",
    "field_personnel",
    "hrp_expenses_usd",
    "hrp_countries",
    "sea_allegations",
)
COUNTRY_COLUMNS = [
    "code",
    "name",
    "risk_tier",
    "lead_entity",
    "entities",
    "allegations_per_year",
    "grade",
    "duty_station_class",
    "source",
]


def _leaves(table: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            yield from _leaves(value, path)
        else:
            yield path


def _is_covered(path: str, sources: Mapping[str, str]) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:n]) in sources for n in range(len(parts), 0, -1))


def _rows(name: str) -> list[dict[str, str]]:
    with (SCENARIOS / "data" / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_scenario_describes_and_sources_itself(path: Path) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert raw.get("name") == path.stem
    assert raw.get("description", "").strip()
    assert raw.get("sources"), f"{path.name} has no [sources] table"
    assert all(text.strip() for text in raw["sources"].values())


def test_every_baseline_leaf_has_a_source() -> None:
    raw = tomllib.loads(BASELINE.read_text(encoding="utf-8"))
    sources = raw["sources"]
    data = {k: v for k, v in raw.items() if k not in NOT_DATA}
    missing = [leaf for leaf in _leaves(data) if not _is_covered(leaf, sources)]
    assert not missing, f"no [sources] entry for: {', '.join(missing)}"


def test_every_variant_sources_what_it_changes() -> None:
    for path in sorted(SCENARIOS.glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        if "extends" not in raw:
            continue
        data = {k: v for k, v in raw.items() if k not in NOT_DATA}
        missing = [leaf for leaf in _leaves(data) if not _is_covered(leaf, raw["sources"])]
        assert not missing, f"{path.name}: no [sources] entry for: {', '.join(missing)}"


def test_baseline_has_the_twenty_entities() -> None:
    scenario = load_scenario(BASELINE)
    assert len(scenario.entities) == 20
    assert "OCHA" not in scenario.entity_names  # inside UN-Secretariat, not a row of its own
    assert {"voluntary", "assessed", "humanitarian", "secretariat"} <= scenario.groups()


def test_baseline_has_fifteen_to_thirty_priority_countries() -> None:
    scenario = load_scenario(BASELINE)
    assert 15 <= len(scenario.countries) <= 30
    assert sum(c.risk_tier == 1 for c in scenario.countries) >= 15
    total = sum(c.allegations_per_year for c in scenario.countries)
    assert 400 <= total <= 550


def test_every_entity_row_is_sourced_and_complete() -> None:
    rows = _rows("entities.csv")
    assert len(rows) == 20
    for row in rows:
        assert row["source"].strip(), f"{row['name']}: empty source"
        for col in ENTITY_NUMERIC:
            value = float(row[col])
            assert math.isfinite(value) and value >= 0, f"{row['name']}.{col} = {row[col]!r}"


def test_every_country_row_is_sourced() -> None:
    with (SCENARIOS / "data" / "countries.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COUNTRY_COLUMNS
        rows = list(reader)
    for row in rows:
        assert row["source"].strip(), f"{row['code']}: empty source"
