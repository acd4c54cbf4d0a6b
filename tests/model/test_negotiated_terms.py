"""The terms entities negotiate, as levers: a minimum contribution, a multi-year funding
agreement, interest on the fund's cash; each a scenario key that options, solve, sensitivity
and explore set like any other."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fundsim.analysis.options import run_options
from fundsim.analysis.sensitivity import sensitivity
from fundsim.analysis.solve import solve
from fundsim.analysis.variants import with_overrides
from fundsim.runner import run_scenario
from fundsim.scenario import load_scenario
from fundsim.scenario.explore import parse_explore
from fundsim.scenario.options import parse_options

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


@pytest.fixture(scope="module")
def mini():
    return load_scenario(MINI)


def _bills(run):
    return run.shares.groupby("entity")["assessed_usd"].mean()


def test_a_minimum_contribution_raises_the_smallest_bill_and_lowers_the_others(mini):
    # Under the shipped rules (bills follow the plan), an entity's bill is its share of the
    # planned budget every year: a cash-based budget would credit a year's surplus to every
    # bill, the floored one included.
    planned = with_overrides(mini, {"mechanism.budget_reference": "plan"})
    base = run_scenario(planned, reps=4, seed=3, workers=1)
    floor = run_scenario(
        with_overrides(planned, {"participation.minimum_usd": 150_000}), reps=4, seed=3, workers=1
    )
    before, after = _bills(base), _bills(floor)
    smallest = before.idxmin()
    assert before[smallest] < 100_000 and after[smallest] == pytest.approx(150_000, rel=0.02)
    assert (after.drop(smallest) < before.drop(smallest)).all()


def test_inside_an_agreement_an_exit_waits_for_its_end(mini):
    leave = with_overrides(mini, {"exits": [{"entity": "A", "year": 2027}]})
    plain = run_scenario(leave, reps=2, seed=3, workers=1).shares
    bound = run_scenario(
        with_overrides(leave, {"participation.agreement_years": 3}), reps=2, seed=3, workers=1
    ).shares

    def years_in(shares):
        a = shares[shares["entity"] == "A"]
        return sorted(a.loc[a["participation"] > 0, "year"])

    assert years_in(plain) == [2026]  # gone from the 2027 budget on
    assert years_in(bound) == [2026, 2027, 2028]  # the three-year agreement ends with 2028


def test_inside_an_agreement_entities_pay_in_part_less_often(mini):
    shaky = with_overrides(
        mini, {"payments.partial_probability": 0.5, "payments.partial_fraction": 0.5}
    )
    plain = run_scenario(shaky, reps=6, seed=3, workers=1).replications
    bound = run_scenario(
        with_overrides(shaky, {"participation.agreement_years": 5}), reps=6, seed=3, workers=1
    ).replications
    assert (bound["paid_usd"] / bound["assessed_usd"]).mean() > (
        plain["paid_usd"] / plain["assessed_usd"]
    ).mean()
    # factor 1: the agreement changes nothing about payments (the same draws, the same numbers)
    same = run_scenario(
        with_overrides(
            shaky,
            {"participation.agreement_years": 5, "participation.agreement_partial_factor": 1.0},
        ),
        reps=6,
        seed=3,
        workers=1,
    ).replications
    np.testing.assert_array_equal(same["paid_usd"].to_numpy(), plain["paid_usd"].to_numpy())


def test_interest_on_the_funds_cash_is_recorded_in_the_statements(mini):
    run = run_scenario(
        with_overrides(mini, {"mechanism.interest_rate_annual": 0.04}), reps=2, seed=3, workers=1
    )
    st = run.statements
    interest = st[(st["window"] == "coordinators") & (st["line"] == "interest")]
    assert not interest.empty and interest["mean"].sum() > 0


def test_each_term_is_an_option_lever(mini, tmp_path):
    spec = parse_options(
        {
            "named": {
                "annual": {},
                "three-year agreement, USD 120k minimum": {
                    "participation.agreement_years": 3,
                    "participation.minimum_usd": 120_000,
                    "participation.max_increase": 0.1,
                    "mechanism.interest_rate_annual": 0.03,
                },
            }
        },
        MINI,
    )
    planned = with_overrides(mini, {"mechanism.budget_reference": "plan"})  # bills follow the plan
    res = run_options(spec, planned, MINI, reps=3, seed=2, workers=1)
    costs = res.entity_costs
    terms = costs[costs["option"] == "three-year agreement, USD 120k minimum"]
    assert terms.groupby("entity")["invoice_usd"].mean().min() > 110_000
    assert res.table.loc[1, "against"] == "annual"


def test_a_term_is_a_solve_lever(mini):
    found = solve(
        mini,
        "coordinator_coverage>=0.5",
        "participation.minimum_usd",
        low=0,
        high=200_000,
        reps=3,
        seed=2,
        max_runs=3,
        workers=1,
    )
    assert found.lever == "participation.minimum_usd"


def test_a_term_is_a_sensitivity_input(mini):
    res = sensitivity(
        mini,
        "coordinator_coverage",
        method="morris",
        samples=2,
        reps=2,
        seed=2,
        ranges={
            "participation.minimum_usd": (0.0, 150_000.0),
            "participation.agreement_partial_factor": (0.2, 1.0),
        },
        workers=1,
    )
    assert {"participation.minimum_usd", "participation.agreement_partial_factor"} <= set(
        res.samples.columns
    )
    assert res.samples["participation.minimum_usd"].nunique() > 1  # the input was varied


def test_a_term_is_an_explore_lever(mini):
    from fundsim.analysis.explore import run_explore

    spec = parse_explore(
        {
            "futures": 2,
            "reps": 2,
            "outcomes": ["coordinator_coverage"],
            "fails_when": ["coordinator_coverage < 0.5"],
            "uncertainties": {"payments.partial_probability": {"low": 0.0, "high": 0.3}},
            "levers": {
                "participation.agreement_years": {"levels": [1, 3], "labels": ["1y", "3y"]},
                "participation.minimum_usd": [0, 100000],
            },
        },
        MINI,
    )
    res = run_explore(mini, spec, seed=2, workers=1)
    assert len(res.experiments) == 2 * 4
    assert set(res.experiments["participation.minimum_usd"].astype(str)) == {"0", "100000"}
