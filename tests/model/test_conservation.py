"""Money in equals money out plus the change in balance, to the cent, in every replication."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from builders import mini_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundsim.model import simulate
from fundsim.runner import Streams, replication_seed, run_scenario
from fundsim.scenario import scenario_from_dict


def _base() -> dict[str, Any]:
    return mini_dict()


fractions = st.floats(0.0, 0.9, allow_nan=False)


@st.composite
def small_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    raw = _base()
    raw["simulation"]["years"] = draw(st.integers(1, 4))
    m = raw["mechanism"]
    m["admin_fee"] = draw(
        st.floats(0.0, 0.49, allow_nan=False)
    )  # every fee is below the 50 % ceiling
    m["reserve_target_months"] = draw(st.floats(0, 12))
    m["interest_rate_annual"] = draw(st.sampled_from([0.0, 0.01, 0.05]))
    m["opening_balance_usd"] = draw(st.sampled_from([0.0, 123456.78, 2_000_000.01]))
    raw["posts"]["annual_cost_usd"] = draw(st.floats(10_000, 500_000))
    raw["posts"]["operating_cost_usd"] = draw(st.floats(0, 200_000))
    raw["posts"]["contract_months"] = draw(st.integers(1, 24))
    raw["posts"]["renewal_rule"] = draw(st.sampled_from(["whole_contract", "months"]))
    raw["posts"]["renewal_commit_months"] = draw(st.integers(1, 12))
    raw["payments"]["instalments_per_year"] = draw(st.sampled_from([1, 2, 4, 12]))
    raw["payments"]["partial_probability"] = draw(fractions)
    raw["payments"]["partial_fraction"] = draw(fractions)
    raw["costs"]["inflation_annual"] = draw(st.floats(-0.05, 0.2))
    raw["shocks"]["annual_probability"] = draw(fractions)
    years = raw["simulation"]["years"]
    if draw(st.booleans()):
        raw["cuts"] = [
            {"year": 2026 + draw(st.integers(0, years - 1)), "fraction": draw(fractions)}
        ]
    if draw(st.booleans()):
        raw["exits"] = [{"entity": "largest", "year": 2026 + draw(st.integers(0, years - 1))}]
    return raw


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=small_scenarios(), rep=st.integers(0, 10_000))
def test_every_replication_conserves_money_to_the_cent(raw: dict[str, Any], rep: int) -> None:
    scenario = scenario_from_dict(raw)
    r = simulate(scenario, Streams(replication_seed(11, rep)))
    m = {k: round(v * 100) for k, v in r.metrics.items() if k.endswith("_usd")}
    assert (
        m["opening_balance_usd"] + m["inflows_usd"] - m["outflows_usd"] == m["closing_balance_usd"]
    )
    # Every inflow is a contribution actually paid (plus interest); no money appears from nowhere.
    assert int(r.paid_cents.sum()) <= m["inflows_usd"]
    assert (r.paid_cents <= r.assessed_cents).all()
    # The fund never spends money it does not hold.
    assert (r.monthly[:, 0] >= 0).all()
    assert r.monthly[-1, 0] * 100 == m["closing_balance_usd"] or r.monthly[-1, 0] >= 0


def test_replications_csv_identity_holds_after_a_round_trip(
    tmp_path: Path, mini_path: Path
) -> None:
    from fundsim.results import read_run

    run_scenario(mini_path, reps=30, seed=3, out=tmp_path / "run")
    table = read_run(tmp_path / "run").replications
    cents = {
        c: np.rint(table[c].to_numpy() * 100).astype(np.int64)
        for c in table.columns
        if c.endswith("_usd")
    }
    lhs = cents["opening_balance_usd"] + cents["inflows_usd"] - cents["outflows_usd"]
    assert (lhs == cents["closing_balance_usd"]).all()
    # Outflows are exactly salaries + operating + fees; fees are what the fee rule says.
    assert (cents["admin_fees_usd"] <= cents["outflows_usd"]).all()


def test_audit_journal_adds_up_to_the_ledger(tmp_path: Path, mini_path: Path) -> None:
    import pandas as pd

    result = run_scenario(mini_path, reps=3, seed=5, audit=True, out=tmp_path / "run")
    journal = pd.read_csv(tmp_path / "run" / "journal.csv")
    for rep, rows in journal.groupby("replication"):
        into = rows.loc[rows["to"] == "coordinator_fund", "cents"].sum()
        out = rows.loc[rows["from"] == "coordinator_fund", "cents"].sum()
        row = result.replications.loc[rep]
        assert into == round(row["inflows_usd"] * 100)
        assert out == round(row["outflows_usd"] * 100)
