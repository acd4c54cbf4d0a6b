"""The Victims' Rights Advocate function: costed by grade and duty station, paid monthly by
the victims' window when switched on, nothing when off."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.model.advocates import advocate_lines, advocates_usd_year
from fundsim.scenario import load_scenario
from fundsim.scenario.errors import ScenarioError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def advocates():
    return load_scenario(SCENARIOS / "victims_rights_advocates.toml")


def test_the_function_costs_its_posts_at_standard_cost_plus_the_office(advocates) -> None:
    lines = advocate_lines(advocates)
    table = {(r.grade, r.duty_station_class): r.annual_cost_usd for r in advocates.standard_costs}
    posts = [line for line in lines if line.grade]
    assert sum(line.count for line in posts) == 11
    priced = [line for line in posts if line.grade != "ASG"]
    assert all(line.unit_usd == table[(line.grade, line.duty_station_class)] for line in priced)
    assert [line.unit_usd for line in posts if line.grade == "ASG"] == [
        420_000
    ]  # its own annual_cost_usd
    assert advocates_usd_year(advocates) == pytest.approx(
        420_000 + 230_000 + 195_000 + 4 * 325_000 + 4 * 85_000 + 250_000
    )


def test_off_in_the_baseline(baseline_path) -> None:
    assert advocates_usd_year(load_scenario(baseline_path)) == 0.0


def test_the_window_pays_it_each_month_at_that_years_prices(advocates) -> None:
    from victim_builders import run_world

    world = run_world(
        advocates.model_copy(
            update={"simulation": advocates.simulation.model_copy(update={"years": 3})}
        )
    )
    fund = world.victim_fund
    monthly = advocates_usd_year(advocates) / 12
    expected = sum(round(monthly * world.price_index[m // 12] * 100) for m in range(36))
    assert fund.advocates_missed_cents == 0
    assert fund.advocates_cents == expected
    assert world.result.metrics["advocates_cost_usd"] == expected / 100


def test_a_post_without_a_standard_cost_is_refused(advocates) -> None:
    raw = advocates.model_dump(mode="json")
    raw["victims"]["advocates"]["posts"][1]["grade"] = "USG"
    with pytest.raises((ScenarioError, ValueError), match="no standard cost"):
        type(advocates).model_validate(raw)
