"""The EMA Workbench adapter: the workbench's experiments on fundsim give exactly the
outcomes of ``fundsim explore`` on the same futures, policies and seed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundsim.analysis.explore import evaluated_outcomes, run_explore
from fundsim.scenario.explore import load_explore
from tests.explore_builders import write_mini_explore

wb = pytest.importorskip("ema_workbench")

from fundsim.analysis.ema_adapter import ema_model, ema_name, ema_policies, ema_scenarios  # noqa: E402


def test_the_model_declares_the_explore_table(tmp_path: Path) -> None:
    scenario, spec = load_explore(write_mini_explore(tmp_path))
    model = ema_model(scenario, spec)
    kinds = {u.name: type(u).__name__ for u in model.uncertainties}
    assert kinds == {
        "cuts_0_fraction": "RealParameter",
        "cuts_0_year": "IntegerParameter",
        "exits": "CategoricalParameter",
    }
    assert [lv.name for lv in model.levers] == [
        "mechanism_reserve_target_months",
        "mechanism_commitment_basis",
    ]
    outcomes = {o.name: o.kind for o in model.outcomes}
    # the spec's outcomes with their direction; the design's cost and idle cash kept as information
    assert outcomes == {
        "funding_lost_share": wb.ScalarOutcome.MINIMIZE,
        "coordinator_coverage": wb.ScalarOutcome.MAXIMIZE,
        "assessed_usd": wb.ScalarOutcome.INFO,
        "closing_balance_usd": wb.ScalarOutcome.INFO,
    }
    assert ema_name("cuts.0.fraction") == "cuts_0_fraction"


def test_workbench_experiments_equal_fundsim_explore(tmp_path: Path) -> None:
    scenario, spec = load_explore(write_mini_explore(tmp_path))
    ours = run_explore(scenario, spec, futures=3, reps=2, seed=21, out=tmp_path / "explore")
    futures = pd.read_csv(tmp_path / "explore" / "futures.csv").set_index("future")
    model = ema_model(scenario, spec, reps=2, seed=21)
    with wb.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = wb.perform_experiments(
            model, ema_scenarios(spec, futures), ema_policies(spec), evaluator=evaluator
        )
    theirs = pd.DataFrame(outcomes)
    theirs["future"] = experiments["scenario"].astype(int).to_numpy()
    theirs["policy"] = experiments["policy"].astype(str).to_numpy()
    merged = ours.experiments.merge(theirs, on=["future", "policy"], suffixes=("", "_ema"))
    assert len(merged) == 3 * 2
    for name in evaluated_outcomes(scenario, spec):  # the spec's outcomes and the designs' cost
        assert (merged[name] == merged[f"{name}_ema"]).all(), name
