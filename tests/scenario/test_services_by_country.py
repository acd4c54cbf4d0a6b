"""The shipped existing-services table: it loads, has a row for every country of the model
with a source and a confidence, and the existing_services scenario reads it."""

from __future__ import annotations

import csv
from pathlib import Path

import fundsim

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "scenarios" / "data" / "services_by_country.csv"


def test_every_country_of_the_model_has_a_sourced_row() -> None:
    rows = list(csv.DictReader(TABLE.open()))
    countries = {r["code"] for r in csv.DictReader((ROOT / "scenarios/data/countries.csv").open())}
    assert {r["code"] for r in rows} == countries
    for row in rows:
        assert row["source"].strip() and row["confidence"].strip(), row["code"]
        assert row["gbv_coordination"] in ("yes", "no") and row["cp_coordination"] in ("yes", "no")
        # A row without its own coverage says which default it takes.
        if not row["gbv_funding_coverage"] or not row["cp_funding_coverage"]:
            assert "default_coverage" in row["source"], row["code"]


def test_the_existing_services_scenario_pays_less_per_victim_than_the_baseline() -> None:
    scenario = fundsim.load_scenario(ROOT / "scenarios" / "existing_services.toml")
    v = scenario.victims
    assert v is not None and v.existing_services is not None
    assert len(v.existing_services.rows) == len(scenario.countries)
    assert v.existing_services_share is None  # the table, not the one-number override
    baseline = fundsim.load_scenario(ROOT / "scenarios" / "baseline.toml")
    assert baseline.victims is not None and baseline.victims.existing_services is None
    from fundsim.model.allegations import caseload_plan

    assert caseload_plan(scenario).package_usd < 0.9 * caseload_plan(baseline).package_usd
