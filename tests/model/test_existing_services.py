"""Existing GBV and child-protection services by country (para 50): a victim in a country
whose services are available costs the fund less; the one-number override still applies
everywhere; a per-victim share that is the same everywhere gives the one-number result to
the cent; the fund plans for what it pays."""

from __future__ import annotations

from pathlib import Path

import pytest
from victim_builders import run_world, victim_scenario

from fundsim.model.allegations import caseload_plan
from fundsim.model.existing_services import paid_fraction_by_country
from fundsim.scenario.errors import ScenarioError

HEADER = (
    "code,gbv_coordination,cp_coordination,gbv_funding_coverage,cp_funding_coverage,"
    "source,confidence\n"
)


def table(tmp_path: Path, rows: dict[str, tuple[str, str, str, str]]) -> str:
    """A services-by-country CSV for the test countries (code -> GBV and CP coordination
    yes/no, GBV and CP coverage or empty)."""
    path = tmp_path / "services.csv"
    lines = [f"{code},{g},{c},{gc},{cc},test row,L\n" for code, (g, c, gc, cc) in rows.items()]
    path.write_text(HEADER + "".join(lines))
    return str(path)


CODES = ["AAA", "BBB", "CCC", "DDD"]


def everywhere(tmp_path: Path, coverage: str) -> str:
    return table(tmp_path, {code: ("yes", "yes", coverage, coverage) for code in CODES})


FUNDED = {"opening_balance_usd": 5_000_000}


def test_a_country_with_services_costs_the_fund_less(tmp_path: Path) -> None:
    # Services exist (fully funded) in country AAA only; nowhere else.
    rows = {
        "AAA": ("yes", "yes", "1", "1"),
        "BBB": ("no", "no", "", ""),
        "CCC": ("no", "no", "", ""),
        "DDD": ("no", "no", "", ""),
    }
    services = {"file": table(tmp_path, rows), "referable_share": 0.5, "default_coverage": 0.3}
    alone = run_world(victim_scenario(None, funding=FUNDED))
    helped = run_world(victim_scenario(None, funding=FUNDED, existing_services=services))
    assert alone.cases is not None
    draws = alone.cases.draws
    in_aaa = draws.country == 0
    assert in_aaa.any() and (~in_aaa).any()
    # The fund pays half of an AAA victim's package and the whole of the others'.
    paid_alone = alone.result.metrics["services_paid_usd"]
    paid_helped = helped.result.metrics["services_paid_usd"]
    assert paid_helped < paid_alone
    # Only AAA's victims cost less, and by half at most: the others' packages are whole.
    share_aaa = in_aaa.mean()
    assert paid_helped == pytest.approx(paid_alone * (1 - 0.5 * share_aaa), rel=0.25)
    assert paid_helped > paid_alone * (1 - 0.5 * share_aaa) * 0.75
    assert helped.result.metrics["victims_assisted"] == alone.result.metrics["victims_assisted"]
    # The plan expects what the fund pays: half the package in AAA, whole elsewhere.
    frac = paid_fraction_by_country(helped.scenario)
    assert frac is not None
    assert frac[0] == pytest.approx(0.5) and list(frac[1:]) == [1.0, 1.0, 1.0]
    assert caseload_plan(helped.scenario).package_usd < caseload_plan(alone.scenario).package_usd


def test_no_coordination_means_no_existing_service(tmp_path: Path) -> None:
    rows = {code: ("no", "no", "1", "1") for code in ["AAA", "BBB", "CCC", "DDD"]}
    services = {"file": table(tmp_path, rows), "referable_share": 0.7, "default_coverage": 0.3}
    alone = run_world(victim_scenario(None, funding=FUNDED)).result.metrics
    helped = run_world(
        victim_scenario(None, funding=FUNDED, existing_services=services)
    ).result.metrics
    assert helped["services_paid_usd"] == alone["services_paid_usd"]


def test_the_override_applies_everywhere_whatever_the_table(tmp_path: Path) -> None:
    services = {"file": everywhere(tmp_path, "1"), "referable_share": 0.9}
    flat = run_world(victim_scenario(None, funding=FUNDED, existing_services_share=0.25))
    both = run_world(
        victim_scenario(
            None, funding=FUNDED, existing_services_share=0.25, existing_services=services
        )
    )
    assert both.result.metrics["services_paid_usd"] == flat.result.metrics["services_paid_usd"]
    alone = run_world(victim_scenario(None, funding=FUNDED)).result.metrics
    assert flat.result.metrics["services_paid_usd"] == pytest.approx(
        0.75 * alone["services_paid_usd"], rel=1e-4
    )


def test_one_share_everywhere_from_the_table_equals_the_override_to_the_cent(
    tmp_path: Path,
) -> None:
    # referable 0.5 x coverage 0.5 = 0.25 in every country for adults and children: the
    # per-victim scaling gives exactly what the one number gives.
    services = {"file": everywhere(tmp_path, "0.5"), "referable_share": 0.5}
    per_victim = run_world(victim_scenario(None, existing_services=services)).result.metrics
    flat = run_world(victim_scenario(None, existing_services_share=0.25)).result.metrics
    for key in ("services_paid_usd", "services_unmet_usd", "partner_paid_usd", "victims_assisted"):
        assert per_victim[key] == flat[key], key


def test_every_country_needs_a_row(tmp_path: Path) -> None:
    rows = {"AAA": ("yes", "yes", "", "")}
    with pytest.raises(ScenarioError, match="no row for BBB"):
        victim_scenario(None, existing_services={"file": table(tmp_path, rows)})


def test_coordination_cells_are_yes_or_no(tmp_path: Path) -> None:
    rows = {code: ("maybe", "yes", "", "") for code in ["AAA", "BBB", "CCC", "DDD"]}
    with pytest.raises(ScenarioError, match="yes or no"):
        victim_scenario(None, existing_services={"file": table(tmp_path, rows)})
