"""Today's coordinator posts (``scenarios/data/today_posts.csv``) are complete, valid and sourced.

The table says, for each country of ``countries.csv``, whether an inter-agency PSEA coordinator
exists in January 2026 and how the post is hosted, contracted and funded. Its count of countries
with a dedicated or acting coordinator must lie in the range ``docs/data.md`` derives from the
IASC workshops of 2023-24 and the 2025-26 cuts ("Coordinators today").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "scenarios" / "data"
#: The documented range of countries with a dedicated or acting coordinator in January 2026.
COVERED_LOW, COVERED_HIGH = 10, 20
ALLOWED = {
    "coordinator_today": {"dedicated", "acting", "none"},
    "host": {"UNFPA", "UNICEF", "WFP", "OCHA", "IOM", "RCO"},
    "contract_type": {"temporary_appointment", "fixed_term", "consultant", "surge"},
    "funding_source": {"host_core", "project_grant", "pooled_humanitarian_fund"},
}


@pytest.fixture(scope="module")
def today() -> pd.DataFrame:
    return pd.read_csv(DATA / "today_posts.csv", dtype=str, keep_default_na=False)


def test_every_country_has_exactly_one_row(today: pd.DataFrame) -> None:
    countries = pd.read_csv(DATA / "countries.csv", dtype=str)
    assert not today["code"].duplicated().any(), "a country appears twice"
    assert sorted(today["code"]) == sorted(countries["code"])


@pytest.mark.parametrize("column", sorted(ALLOWED))
def test_values_are_in_the_allowed_sets(today: pd.DataFrame, column: str) -> None:
    values = set(today[column]) - {""}
    assert values <= ALLOWED[column], f"{column}: unknown {sorted(values - ALLOWED[column])}"


def test_a_post_has_a_host_contract_and_funding_and_none_has_neither(today: pd.DataFrame) -> None:
    filled = today["coordinator_today"] != "none"
    details = ["host", "host_entity", "contract_type", "funding_source", "contract_end_month"]
    assert (today.loc[filled, details] != "").all().all(), (
        "a post without host, contract or funding"
    )
    assert (today.loc[~filled, details] == "").all().all(), (
        "a country without a post has post details"
    )


def test_contracts_end_within_their_length(today: pd.DataFrame) -> None:
    months = pd.to_numeric(today.loc[today["contract_end_month"] != "", "contract_end_month"])
    assert (months == months.round()).all()
    assert months.between(1, 12).all(), (
        "no contract in the vacancy notices is longer than 12 months"
    )
    surge = today["contract_type"] == "surge"
    assert pd.to_numeric(today.loc[surge, "contract_end_month"]).le(6).all(), (
        "surge deployments last 6 months"
    )


def test_every_row_is_sourced(today: pd.DataFrame) -> None:
    assert (today["source"].str.strip() != "").all()


def test_covered_countries_lie_in_the_documented_range(today: pd.DataFrame) -> None:
    covered = int(today["coordinator_today"].isin({"dedicated", "acting"}).sum())
    assert COVERED_LOW <= covered <= COVERED_HIGH, f"{covered} countries with a coordinator today"
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert (
        f"**The range the table must meet: {COVERED_LOW} to {COVERED_HIGH} of the 24 countries"
        in doc
    )
    assert f"**How the table meets it: {covered} countries**" in doc


def test_each_host_is_booked_by_the_entity_that_holds_it(today: pd.DataFrame) -> None:
    # OCHA and resident coordinators' offices are part of the UN Secretariat in the CEB statistics.
    entities = set(pd.read_csv(DATA / "entities.csv", dtype=str)["name"])
    filled = today[today["coordinator_today"] != "none"]
    assert set(filled["host_entity"]) <= entities
    secretariat = filled["host"].isin({"OCHA", "RCO"})
    assert (filled.loc[secretariat, "host_entity"] == "UN-Secretariat").all()
    assert (filled.loc[~secretariat, "host_entity"] == filled.loc[~secretariat, "host"]).all()


def _incumbents_scenario(tmp_path: Path, rows: str) -> Path:
    """The tests' mini scenario (4 countries) starting from a table of today's posts."""
    import shutil

    tests_data = ROOT / "tests" / "data"
    for name in ("mini.toml", "entities.csv", "countries.csv"):
        shutil.copy(tests_data / name, tmp_path / name)
    (tmp_path / "today.csv").write_text(
        "code,coordinator_today,host,host_entity,contract_type,funding_source,contract_end_month,source\n"
        + rows
    )
    path = tmp_path / "s.toml"
    path.write_text('extends = "mini.toml"\nname = "s"\n[incumbents]\nfile = "today.csv"\n')
    return path


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("AAA,none,,,,,,x\n", "one row per country"),
        ("AAA,dedicated,UNFPA,NOBODY,fixed_term,host_core,6,x\n", "unknown host_entity"),
        ("AAA,dedicated,UNFPA,,fixed_term,host_core,6,x\n", "needs host_entity"),
        ("AAA,dedicated,UNFPA,E1,fixed_term,host_core,13.5,x\n", "whole number"),
    ],
)
def test_a_bad_table_of_todays_posts_is_refused_with_one_line(
    tmp_path: Path, rows: str, message: str
) -> None:
    from fundsim.scenario import ScenarioError, load_scenario

    codes = pd.read_csv(ROOT / "tests" / "data" / "countries.csv", dtype=str)["code"].tolist()
    entity = pd.read_csv(ROOT / "tests" / "data" / "entities.csv", dtype=str)["name"].iloc[0]
    rest = "".join(f"{c},none,,,,,,x\n" for c in codes[1:])
    first = rows.replace("AAA", codes[0]).replace(",E1,", f",{entity},")
    if message == "one row per country":
        rest = rest.split("\n", 1)[1]
    with pytest.raises(ScenarioError) as err:
        load_scenario(_incumbents_scenario(tmp_path, first + rest))
    assert message in str(err.value)
    assert "\n" not in str(err.value)
