"""New children born of SEA from every source of allegations."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.scenario import load_scenario
from fundsim.scenario.schema import Children

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_the_baseline_draws_children_from_every_source() -> None:
    children = load_scenario(SCENARIOS / "baseline.toml").victims.children
    assert {s.source for s in children.sources} == {
        "peacekeeping",
        "agencies",
        "implementing_partners",
    }
    assert children.new_per_year == pytest.approx(100 * 0.5 + 190 * 0.05 + 382 * 0.05)


def test_new_per_year_beside_sources_must_be_their_sum() -> None:
    sources = [
        {"source": "peacekeeping", "allegations_per_year": 100.0, "births_per_allegation": 0.5}
    ]
    assert Children.model_validate({"sources": sources, "new_per_year": 50.0}).new_per_year == 50.0
    with pytest.raises(ValueError, match="differs from its sources"):
        Children.model_validate({"sources": sources, "new_per_year": 65.0})
