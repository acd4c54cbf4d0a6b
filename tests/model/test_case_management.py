"""Case management beside services: a longer case management costs caseworker time, not
waiting, and a case's services start after its assessment while its case stays open."""

from __future__ import annotations

import numpy as np
from victim_builders import run_world, victim_scenario


def _window(handling_days: float, assessment_days: float | None = 7.0) -> dict[str, float]:
    caseworkers = {
        "capacity": "auto",
        "handling_days": {"dist": "exponential", "mean": handling_days},
        "cost_usd_year": 2500,
    }
    if assessment_days is not None:
        caseworkers["assessment_days"] = {"value": assessment_days}
    scn = victim_scenario(caseworkers=caseworkers, funding={"opening_balance_usd": 1e9})
    totals: dict[str, list[float]] = {}
    for rep in range(4):
        for key, value in run_world(scn, rep=rep).result.metrics.items():
            totals.setdefault(key, []).append(value)
    return {key: float(np.mean(values)) for key, values in totals.items()}


def test_a_longer_case_management_raises_cost_not_waiting() -> None:
    short, long = _window(60), _window(180)
    # Three times the case duration: about three times the slots and their cost.
    assert 2.5 < long["caseworker_cost_usd"] / short["caseworker_cost_usd"] < 3.5
    assert long["caseworker_slots_mean"] > 2.5 * short["caseworker_slots_mean"]
    # Services start after the week's assessment either way: the median wait moves by
    # less than a week and stays near half a month (the next monthly tick).
    assert abs(long["median_wait_days"] - short["median_wait_days"]) < 7
    assert long["median_wait_days"] < 30
    assert long["victims_dropped"] == 0


def test_without_an_assessment_delay_services_wait_for_the_case_to_close() -> None:
    # The first model's structure (assessment unset): six-month case management shows as waiting.
    beside, after = _window(180), _window(180, assessment_days=None)
    assert after["median_wait_days"] > beside["median_wait_days"] + 60
    assert after["caseworker_cost_usd"] == beside["caseworker_cost_usd"]
