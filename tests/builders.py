"""Scenario builders for tests: the small test scenario as a dict, and a version of it
without any randomness, ready for ``fundsim.scenario.scenario_from_dict``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def mini_dict() -> dict[str, Any]:
    """``tests/data/mini.toml`` as a dict with absolute CSV paths."""
    raw = tomllib.loads((DATA / "mini.toml").read_text())
    raw["entities"] = {"file": str(DATA / "entities.csv")}
    raw["countries"] = {"file": str(DATA / "countries.csv")}
    return raw


def deterministic_dict(
    fee: float = 0.0, opening: float = 0.0, reserve_months: float = 0.0, years: int = 3
) -> dict[str, Any]:
    """4 entities paying equal shares once a year on time, 4 posts with a 2-month lag and
    12-month contracts, no inflation, no shocks: every number can be computed by hand."""
    raw = mini_dict()
    raw["simulation"]["years"] = years
    raw["mechanism"] = {
        "admin_fee": fee,
        "reserve_target_months": reserve_months,
        "opening_balance_usd": opening,
        "formula": {"kind": "equal"},
    }
    raw["posts"] = {
        "annual_cost_usd": 280_000,
        "operating_cost_usd": 100_000,
        "contract_months": 12,
        "recruitment_lag_months": 2,
        "renewal_rule": "whole_contract",
    }
    raw["payments"] = {"instalments_per_year": 1, "delay_months": 0}
    raw["costs"] = {"inflation_annual": 0.0}
    raw["shocks"] = {}
    return raw
