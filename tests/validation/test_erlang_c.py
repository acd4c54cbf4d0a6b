"""The caseworker queue against Erlang C (M/M/c) when money is unlimited.

Poisson arrivals (one victim per allegation), ``c`` caseworker slots, exponential
case-management times: the simulated mean wait for a caseworker and the probability of
waiting must match the Erlang C formulas within the Monte Carlo 95 % interval, at a
moderate and a high load. A case holds its slot for its whole case management while its
services start after the assessment (here a week): the queue is the caseworkers', and
every case's services start at the first monthly tick after its assessment, not after
its case management ends.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from victim_builders import erlang_c, run_world, victim_scenario

from fundsim.scenario.schema import DAYS_PER_MONTH

HANDLING_DAYS = 30.4375  # one month
ASSESSMENT_DAYS = 7.0
YEARS = 50
WARM_UP_MONTHS = 24  # the queue starts empty: leave out the first two years
REPS = 40


def _waits(c: int, offered: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-replication mean wait (months) and share of cases that waited."""
    rate_per_year = offered * 12  # arrivals a year, for a one-month mean handling time
    scn = victim_scenario(
        raw_over={
            "simulation": {"start_year": 2026, "years": YEARS, "replications": REPS, "seed": 1}
        },
        allegations={"scale": rate_per_year / 40.0, "victims_per_allegation": 1, "ip_share": 0.0},
        caseworkers={
            "pooling": "pooled",
            "capacity": c,
            "handling_days": {"dist": "exponential", "mean": HANDLING_DAYS},
            "assessment_days": {"value": ASSESSMENT_DAYS},
        },
        funding={"opening_balance_usd": 1e10},
        children={"stock": 0, "new_per_year": 0},
    )
    means, shares = [], []
    for rep in range(REPS):
        a = run_world(scn, rep=rep, seed=20260101).cases
        arrival, start = a.arrival, a.cw_start
        # Leave out the warm-up and the last year (cases still queued at the end).
        keep = (arrival >= WARM_UP_MONTHS) & (arrival < 12 * (YEARS - 1))
        assert not np.isnan(start[keep]).any()
        # Services start at the first tick (mid-month) after the assessment, or after the
        # case closes if it closes sooner: never held back until the end of the case management.
        # A case still waiting for a caseworker after max_wait_months is dropped (rare: a
        # long queue at the high load), and only then.
        ready = start + np.minimum(ASSESSMENT_DAYS / DAYS_PER_MONTH, a.draws.handling_months)
        served = keep & ~a.dropped
        assert (ready[keep & a.dropped] - arrival[keep & a.dropped] > 12 - 1).all()
        assert served.mean() > 0.95 * keep.mean()
        np.testing.assert_array_equal(a.first_assist[served], np.ceil(ready[served] - 0.5) + 0.5)
        long_cases = served & (
            a.draws.handling_months > 1.5
        )  # open beyond the tick after the assessment
        assert long_cases.any()
        assert (a.first_assist < start + a.draws.handling_months)[long_cases].all()
        wait = start[keep] - arrival[keep]
        means.append(wait.mean())
        shares.append((wait > 0).mean())
    return np.array(means), np.array(shares)


def _interval(x: np.ndarray) -> tuple[float, float]:
    half = 1.959964 * x.std(ddof=1) / math.sqrt(x.size)
    return x.mean() - half, x.mean() + half


@pytest.mark.parametrize(("c", "offered"), [(2, 1.0), (3, 2.4)], ids=["rho=0.5", "rho=0.8"])
def test_caseworker_queue_matches_erlang_c(c: int, offered: float) -> None:
    p_wait = erlang_c(c, offered)
    mean_wait = p_wait / (c - offered)  # months: E[Wq] = C(c, a) / (c mu - lambda), mu = 1
    means, shares = _waits(c, offered)
    lo, hi = _interval(means)
    assert lo <= mean_wait <= hi, (
        f"mean wait {means.mean():.4f} months, 95 % CI [{lo:.4f}, {hi:.4f}], Erlang C "
        f"{mean_wait:.4f}"
    )
    lo, hi = _interval(shares)
    assert lo <= p_wait <= hi, (
        f"P(wait) {shares.mean():.4f}, 95 % CI [{lo:.4f}, {hi:.4f}], Erlang C {p_wait:.4f}"
    )


def test_erlang_c_helper_against_hand_values() -> None:
    # One server: P(wait) = rho. Two servers at a = 1: C = (1/2 x 2) / (1 + 1 + 1) = 1/3.
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
