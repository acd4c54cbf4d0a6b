"""Scenario builders for the victim-assistance tests: the small test scenario with a
``[victims]`` section, as a dict for ``fundsim.scenario.scenario_from_dict``."""

from __future__ import annotations

from typing import Any

import numpy as np
from builders import DATA, mini_dict

from fundsim.model.world import World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import Scenario, scenario_from_dict


def victims_section(**over: Any) -> dict[str, Any]:
    """A small victims window: ~40 allegations a year in mini's 4 countries, 2 services,
    a stock of 20 children, pledges, its own host."""
    section: dict[str, Any] = {
        "windows": "separate",
        "allegations": {
            "victims_per_allegation": {"dist": "triangular", "low": 0.5, "mode": 1.0, "high": 3.0},
            "child_share": 0.2,
            "ip_share": 0.5,
        },
        "caseworkers": {
            "capacity": 8,
            "handling_days": {"dist": "exponential", "mean": 30},
        },  # load ~5 of 8
        "services": [
            {
                "name": "medical",
                "share": 0.6,
                "cost_usd": {"dist": "uniform", "low": 200, "high": 1500},
                "months": 2,
            },
            {"name": "psychosocial", "share": 0.8, "cost_usd": 600, "months": 6},
        ],
        "children": {
            "stock": 20,
            "new_per_year": 5,
            "support_usd_year": {"dist": "uniform", "low": 300, "high": 1000},
            "paternity_success": 0.2,
        },
        "funding": {
            "admin_fee": 0.13,
            "reserve_target_months": 6,
            "opening_balance_usd": 50_000,
            "pledges": {
                "annual_usd": {"dist": "lognormal", "mean": 30_000, "sd": 10_000},
                "fatigue_annual": 0.05,
            },
        },
    }
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(section.get(key), dict):
            section[key] = {**section[key], **value}
        else:
            section[key] = value
    return section


def victim_scenario(raw_over: dict[str, Any] | None = None, **victims_over: Any) -> Scenario:
    """mini.toml plus :func:`victims_section` (overridden by ``victims_over``)."""
    raw = mini_dict()
    raw["victims"] = victims_section(**victims_over)
    for key, value in (raw_over or {}).items():
        raw[key] = value
    return scenario_from_dict(raw, base_dir=DATA)


def run_world(scenario: Scenario, rep: int = 0, seed: int = 11) -> World:
    """One replication, returning the finished World (its parts stay inspectable)."""
    world = World(scenario, Streams(replication_seed(seed, rep)))
    world.result = world.run()  # type: ignore[attr-defined]
    return world


def erlang_c(c: int, offered: float) -> float:
    """Erlang C: probability that an arrival waits, with ``c`` servers and ``offered``
    load in Erlangs (arrival rate x mean handling time, below ``c``)."""
    terms = np.cumprod(np.concatenate(([1.0], offered / np.arange(1, c))))  # a^k / k!, k < c
    top = terms[-1] * offered / c * c / (c - offered)  # a^c / c! x c / (c - a)
    return float(top / (terms.sum() + top))
