"""The Python API keeps the command line's contract: ``fundsim.run`` checks its arguments
as ``--reps``, ``--seed`` and ``--workers`` are checked, and validates a ``Scenario`` it is
given again (pydantic's ``model_copy(update=...)`` skips validation), raising a
:class:`fundsim.errors.BadInput` with a one-line message, never a raw TypeError."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fundsim
from fundsim.errors import BadInput
from fundsim.runner import run_scenario
from fundsim.runner.batch import plan_batch, run_batch


def _copy(scenario, section: str, **update):
    part = getattr(scenario, section)
    return scenario.model_copy(update={section: part.model_copy(update=update)})


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"reps": float("nan")}, "reps"),
        ({"reps": "2"}, "reps"),
        ({"reps": True}, "reps"),
        ({"reps": 2.5}, "reps"),
        ({"reps": 0}, "reps"),
        ({"reps": 10**9}, "reps"),
        ({"seed": "x"}, "seed"),
        ({"seed": -1}, "seed"),
        ({"workers": 0}, "workers"),
        ({"workers": -3}, "workers"),
        ({"workers": 1.0}, "workers"),
        ({"progress": 5}, "progress"),
        ({"executor": "x"}, "executor"),
        ({"audit": "yes"}, "audit"),
        ({"scheduler": 5}, "scheduler"),
    ],
)
def test_bad_arguments_are_one_line_bad_input(mini, kwargs, words) -> None:
    args = {"reps": 2, **kwargs}
    with pytest.raises(BadInput) as info:
        fundsim.run(mini, **args)
    message = str(info.value)
    assert words in message and "\n" not in message


def test_a_scenario_that_is_not_one_is_refused(mini) -> None:
    for bad in (5, None, [mini], {"name": "x"}):
        with pytest.raises(BadInput, match="scenario: must be a Scenario or the path"):
            fundsim.run(bad, reps=2)


@pytest.mark.parametrize(
    ("section", "update", "key"),
    [
        ("posts", {"annual_cost_usd": -1e6}, "posts.annual_cost_usd"),
        ("mechanism", {"admin_fee": 1.5}, "mechanism.admin_fee"),
        ("mechanism", {"admin_fee": 0.9999999}, "mechanism.admin_fee"),
        ("mechanism", {"mode": "bogus"}, "mechanism.mode"),
        ("simulation", {"years": 1000}, "simulation.years"),
        ("mechanism", {"prefinancing_limit_usd": 1e308}, "mechanism.prefinancing_limit_usd"),
    ],
)
def test_a_copied_scenario_is_validated_as_a_file_would_be(mini, section, update, key) -> None:
    with pytest.raises(BadInput) as info:
        fundsim.run(_copy(mini, section, **update), reps=2, seed=1)
    assert key in str(info.value) and "\n" not in str(info.value)


def test_a_copy_that_breaks_a_cross_reference_is_refused(mini) -> None:
    from fundsim.scenario.schema import Cut

    late = Cut(year=mini.simulation.start_year + 100, fraction=0.5)  # beyond the horizon
    with pytest.raises(BadInput, match="cuts"):
        fundsim.run(mini.model_copy(update={"cuts": (late,)}), reps=2)
    ghost = Cut(year=mini.simulation.start_year, fraction=0.5, entity="NOBODY")
    with pytest.raises(BadInput, match="unknown entity"):
        fundsim.run(mini.model_copy(update={"cuts": (ghost,)}), reps=2)


def test_a_valid_copy_runs_exactly_as_the_original(mini) -> None:
    a = fundsim.run(mini, reps=3, seed=5, workers=1)
    b = fundsim.run(mini.model_copy(), reps=3, seed=5, workers=1)
    pd.testing.assert_frame_equal(a.replications, b.replications)


def test_batch_checks_its_arguments_too(mini_path, tmp_path) -> None:
    items = plan_batch([mini_path])
    for kwargs in ({"reps": "2"}, {"seed": 1.5}, {"workers": 0}, {"resume": 1}):
        with pytest.raises(BadInput):
            run_batch(items, tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(
    reps=st.one_of(
        st.none(), st.integers(-5, 5), st.floats(allow_nan=True), st.text(max_size=3), st.booleans()
    ),
    seed=st.one_of(st.none(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=3)),
    workers=st.one_of(st.none(), st.integers(-2, 2), st.floats(), st.booleans()),
)
def test_any_argument_either_runs_or_is_bad_input(mini, reps, seed, workers) -> None:
    """Generated arguments: a run, or one-line BadInput; nothing else escapes."""
    try:
        run = run_scenario(mini, reps=reps, seed=seed, workers=workers)
    except BadInput as exc:
        assert "\n" not in str(exc)
    else:
        assert run.reps == (mini.simulation.replications if reps is None else reps)
        assert 1 <= run.reps <= 5 or reps is None


def test_the_analysis_functions_check_as_fundsim_run_does(mini) -> None:
    from fundsim.analysis.budget_annex import budget_annex
    from fundsim.analysis.explore import run_explore
    from fundsim.analysis.sensitivity import sensitivity
    from fundsim.analysis.share_tables import share_tables
    from fundsim.analysis.solve import solve
    from fundsim.analysis.stress import stress_test

    bad = _copy(mini, "mechanism", admin_fee=1.5)
    calls = {
        "stress_test": lambda s, **k: stress_test(s, **k),
        "solve": lambda s, **k: solve(
            s, "coordinator_coverage >= 0.9", "mechanism.reserve_target_months", **k
        ),
        "sensitivity": lambda s, **k: sensitivity(s, **k),
        "run_explore": lambda s, **k: run_explore(s, None, **k),  # the checks come first
    }
    for name, call in calls.items():
        for scenario, kwargs, words in (
            (5, {}, "scenario"),
            (bad, {}, "admin_fee"),
            (mini, {"reps": "2"}, "reps"),
            (mini, {"seed": 0.5}, "seed"),
            (mini, {"workers": 0}, "workers"),
        ):
            with pytest.raises(BadInput) as info:
                call(scenario, **kwargs)
            assert words in str(info.value) and "\n" not in str(info.value), name
    for call in (budget_annex, share_tables):
        with pytest.raises(BadInput, match="admin_fee"):
            call(bad)
        with pytest.raises(BadInput, match="scenario"):
            call(5)
