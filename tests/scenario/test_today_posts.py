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
    details = ["host", "contract_type", "funding_source", "contract_end_month"]
    assert (today.loc[filled, details] != "").all().all(), "a post without host, contract or funding"
    assert (today.loc[~filled, details] == "").all().all(), "a country without a post has post details"


def test_contracts_end_within_their_length(today: pd.DataFrame) -> None:
    months = pd.to_numeric(today.loc[today["contract_end_month"] != "", "contract_end_month"])
    assert (months == months.round()).all()
    assert months.between(1, 12).all(), "no contract in the vacancy notices is longer than 12 months"
    surge = today["contract_type"] == "surge"
    assert pd.to_numeric(today.loc[surge, "contract_end_month"]).le(6).all(), "surge deployments last 6 months"


def test_every_row_is_sourced(today: pd.DataFrame) -> None:
    assert (today["source"].str.strip() != "").all()


def test_covered_countries_lie_in_the_documented_range(today: pd.DataFrame) -> None:
    covered = int(today["coordinator_today"].isin({"dedicated", "acting"}).sum())
    assert COVERED_LOW <= covered <= COVERED_HIGH, f"{covered} countries with a coordinator today"
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert f"**The range the table must meet: {COVERED_LOW} to {COVERED_HIGH} of the 24 countries" in doc
    assert f"**How the table meets it: {covered} countries**" in doc
