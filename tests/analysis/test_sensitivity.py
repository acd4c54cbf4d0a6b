"""Sensitivity analysis: indices separate inputs that matter from inputs that do not."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from fundsim.analysis.sensitivity import SensitivityError, sensitivity
from fundsim.scenario import ScenarioError, load_scenario

#: Reserve months change coverage in the mini scenario; an opt-out threshold above every
#: share (shares are capped at 50 % there) cannot change anything.
RANGES = {"mechanism.reserve_target_months": (0.0, 12.0), "participation.max_share": (0.9, 1.0)}


def test_morris_finds_the_input_that_matters(mini):
    res = sensitivity(
        mini,
        "coordinator_coverage",
        method="morris",
        samples=3,
        reps=3,
        seed=2,
        ranges=RANGES,
        workers=1,
    )
    t = res.table.set_index("input")
    assert t.loc["mechanism.reserve_target_months", "mu_star"] > 0
    # Common random numbers: a no-op input gives exactly the same output at every point.
    assert t.loc["participation.max_share", "mu_star"] == 0
    assert len(res.samples) == 3 * (len(RANGES) + 1)


def test_sobol_gives_first_and_total_order_with_intervals(mini):
    res = sensitivity(
        mini,
        "coordinator_coverage",
        method="sobol",
        samples=4,
        reps=2,
        seed=2,
        ranges=RANGES,
        workers=1,
    )
    t = res.table.set_index("input")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(t.columns)
    assert t.loc["participation.max_share", "ST"] == pytest.approx(0.0, abs=1e-12)
    assert t.loc["mechanism.reserve_target_months", "ST"] > 0
    assert np.isfinite(t["ST_conf"]).all()


def test_no_uncertainties_is_a_clear_error(mini):
    with pytest.raises(SensitivityError, match=r"\[uncertainties\]"):
        sensitivity(mini, samples=2, reps=1)


def test_sobol_needs_a_power_of_two(mini):
    with pytest.raises(SensitivityError, match="power of 2"):
        sensitivity(mini, samples=6, reps=1, ranges=RANGES)


def test_range_outside_the_schema_is_refused(mini):
    with pytest.raises(SensitivityError, match="reserve_target_months"):
        sensitivity(mini, samples=2, reps=1, ranges={"mechanism.reserve_target_months": (0, 100)})


def _scenario_with(tmp_path, mini_path, table: str):
    f = tmp_path / "s.toml"
    f.write_text(
        f'extends = "{mini_path.as_posix()}"\nname = "s"\n' + textwrap.dedent(table),
        encoding="utf-8",
    )
    return f


def test_uncertainties_table_is_read_from_the_scenario(tmp_path, mini_path):
    f = _scenario_with(
        tmp_path,
        mini_path,
        """
        [uncertainties]
        "posts.annual_cost_usd" = { low = 230000, high = 330000 }
        """,
    )
    s = load_scenario(f)
    assert s.uncertainties["posts.annual_cost_usd"].low == 230000


def test_uncertainty_naming_no_key_is_a_one_line_error(tmp_path, mini_path):
    f = _scenario_with(
        tmp_path,
        mini_path,
        """
        [uncertainties]
        "posts.annual_cost" = { low = 1, high = 2 }
        """,
    )
    with pytest.raises(
        ScenarioError, match=r"uncertainties\.posts\.annual_cost: names no key of this scenario"
    ):
        load_scenario(f)
