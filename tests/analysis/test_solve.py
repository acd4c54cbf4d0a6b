"""Solve for a target: bisection with common random numbers lands on a value that meets it."""

from __future__ import annotations

import pytest

from fundsim.analysis.solve import SolveError, Target, default_bracket, parse_target, solve
from fundsim.analysis.variants import with_overrides
from fundsim.runner import run_scenario


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p_gap<=0.05", Target("p_gap", "<=", 0.05)),
        (" coordinator_coverage >= 0.9 ", Target("coordinator_coverage", ">=", 0.9)),
        ("p_gap < 5%", Target("p_gap", "<", 0.05)),
    ],
)
def test_targets_parse(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["p_gap=0.05", "<=0.05", "p_gap<=", "p_gap<=five"])
def test_bad_targets_are_refused_with_the_syntax(text):
    with pytest.raises(SolveError, match="METRIC<=VALUE"):
        parse_target(text)


def test_default_bracket_uses_schema_bounds_or_the_current_value(mini):
    assert default_bracket(mini, "mechanism.reserve_target_months") == (0.0, 60.0)
    assert default_bracket(mini, "posts.annual_cost_usd") == (70000.0, 1120000.0)


def test_solution_meets_the_target_and_the_other_end_of_the_bracket_does_not(mini):
    lever, reps, seed = "payments.contribution_scale", 6, 3
    ends = [
        run_scenario(with_overrides(mini, {lever: x}), reps=reps, seed=seed, workers=1).summary.loc[
            "coordinator_coverage", "mean"
        ]
        for x in (0.5, 1.5)
    ]
    assert ends[1] > ends[0]  # more money, more coverage: the lever works on this scenario
    threshold = (ends[0] + ends[1]) / 2
    res = solve(
        mini,
        f"coordinator_coverage>={threshold}",
        lever,
        low=0.5,
        high=1.5,
        reps=reps,
        seed=seed,
        tolerance=0.05,
        max_runs=10,
    )
    assert res.status == "solved"
    assert res.metric_mean >= threshold
    lo, hi = res.bracket
    assert res.value == hi and hi - lo <= 0.05
    bad = res.runs[res.runs["lever_value"] == lo]
    assert not bad["met"].iloc[0]
    assert len(res.runs) <= 10


def test_unreachable_target_is_reported_not_invented(mini):
    res = solve(
        mini,
        "coordinator_coverage>=1.01",
        "mechanism.reserve_target_months",
        low=0,
        high=12,
        reps=2,
        seed=1,
        max_runs=5,
    )
    assert res.status == "not_met"
    assert "not met anywhere" in res.message
    assert len(res.runs) == 2


def test_unknown_lever_is_refused(mini):
    with pytest.raises(SolveError, match="names no key"):
        solve(mini, "p_gap<=0.05", "mechanism.reserve_months", reps=2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pgap<=0.05", "did you mean 'p_gap'"),
        ("p_gapp<0.1", "did you mean 'p_gap'"),
        ("closing_balance_usd>=5%", "not a percentage"),
    ],
)
def test_unknown_metrics_and_misused_percentages_are_refused_before_any_run(text, message):
    with pytest.raises(SolveError, match=message):
        parse_target(text)


def test_strict_and_non_strict_bounds_mean_what_they_say():
    strict, loose = parse_target("p_gap<0.05"), parse_target("p_gap<=0.05")
    assert strict.op == "<" and loose.op == "<="
    assert not strict.met(0.05) and loose.met(0.05)
    assert strict.met(0.04)
    assert not parse_target("coordinator_coverage>0.9").met(0.9)
    # an interval that ends on the threshold clearly meets <= but not <
    assert loose.clearly_met(0.01, 0.05) and not strict.clearly_met(0.01, 0.05)
    assert strict.clearly_missed(0.05, 0.2) and not loose.clearly_missed(0.05, 0.2)


def test_a_victim_metric_without_a_victims_window_is_refused_before_any_run(mini, monkeypatch):
    import fundsim.analysis.solve as solve_module

    def no_run(*args, **kwargs):
        raise AssertionError("a replication ran")

    monkeypatch.setattr(solve_module, "run_scenario", no_run)
    if getattr(mini, "victims", None) is not None:
        pytest.skip("the test scenario has a victims' window")
    with pytest.raises(SolveError, match="victim-assistance window"):
        solve(mini, "median_wait_days<=30", "mechanism.reserve_target_months", reps=2)


def test_the_envelope_is_a_lever_a_need_budget_becomes_a_fixed_envelope(mini):
    from fundsim.analysis.solve import ENVELOPE, lever_scenario, need_envelope_usd

    need = need_envelope_usd(mini)
    assert default_bracket(mini, ENVELOPE) == (need / 2, need * 1.25)
    fixed = lever_scenario(mini, ENVELOPE)
    assert fixed.mechanism.budget != "need" and fixed.mechanism.budget.usd_per_year == need
    practice = with_overrides(
        mini,
        {
            "mechanism.shortfall_order": ["freeze_vacant", "decline_renewals"],
            "posts.contract_alignment": "budget_year",
            "mechanism.commitment_basis": "receivables",
        },
    )
    res = solve(
        practice,
        "funding_lost_share<=0.05",
        "envelope_usd",
        reps=4,
        seed=3,
        tolerance=need / 50,
        max_runs=8,
    )
    assert res.lever == ENVELOPE and res.status == "solved"
    assert res.metric_mean <= 0.05  # the answer meets the target...
    runs = res.runs.set_index("lever_value")["mean"]
    assert runs[need / 2] > 0.05  # ... half the need does not: fewer posts are sustained
    assert need / 2 < res.value <= need * 1.25
