"""The statements in a run directory: per replication and as percentiles by year, read back
the same, and agreeing with the run's own metrics in every replication."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SCENARIOS

import fundsim
from fundsim.results import read_run
from fundsim.results.statements import statement
from fundsim.scenario import load_scenario
from fundsim.scenario.overrides import with_overrides


@pytest.mark.parametrize("name", ["baseline", "stress_partial_payment"])
def test_statements_are_written_read_back_and_agree_with_the_metrics(
    name: str, tmp_path: Path
) -> None:
    scenario = with_overrides(load_scenario(SCENARIOS / f"{name}.toml"), {"simulation.years": 3})
    run = fundsim.run(scenario, reps=4, seed=3, workers=1, out=tmp_path / "run")
    assert (tmp_path / "run" / "statements.parquet").is_file()
    assert (tmp_path / "run" / "statements_by_replication.parquet").is_file()
    again = read_run(tmp_path / "run")
    assert again.statements.equals(run.statements)
    per_rep = again.tables["statements_by_replication"]
    last = per_rep[per_rep["year"] == 2028].set_index("replication")
    reps = again.replications.set_index("replication")
    # Closing cash of each window at the horizon = the run's closing balance, to the cent.
    assert (
        last["cash_flow/coordinators/closing_cash"] == (reps["closing_balance_usd"] * 100).round()
    ).all()
    assert (
        last["cash_flow/victims/closing_cash"] == (reps["victim_closing_balance_usd"] * 100).round()
    ).all()
    # Contributions over the horizon = what the entities paid into the pooled fund.
    paid = per_rep.groupby("replication")["cash_flow/coordinators/contributions"].sum()
    assert (paid == (reps["paid_usd"] * 100).round()).all()
    # The summary's means are the per-replication means; percentiles are ordered.
    summary = again.statements
    row = summary[
        (summary["window"] == "coordinators")
        & (summary["line"] == "closing_cash")
        & (summary["year"] == 2028)
    ]
    assert row["mean"].item() == pytest.approx(
        last["cash_flow/coordinators/closing_cash"].mean() / 100, abs=1e-6
    )
    q = summary[["p05", "p25", "p50", "p75", "p95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-6).all()


def test_a_statement_reads_as_lines_by_year(tmp_path: Path) -> None:
    scenario = with_overrides(load_scenario(SCENARIOS / "baseline.toml"), {"simulation.years": 2})
    run = fundsim.run(scenario, reps=2, seed=1, workers=1)
    cash_flow = statement(run.statements, "coordinators", "cash_flow")
    assert list(cash_flow.columns) == [2026, 2027]
    assert cash_flow.index[0] == "opening_cash" and cash_flow.index[-1] == "closing_cash"
    body = cash_flow.drop(index=["opening_cash", "closing_cash"])
    totals = body[~body.index.str.startswith("  ")].sum()
    assert np.allclose(cash_flow.loc["opening_cash"] + totals, cash_flow.loc["closing_cash"])
