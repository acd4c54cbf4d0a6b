"""fundsim options: the table's paired differences are compare's, the bills add up to the
fund's invoices, a second run resumes, a ladder's steps add up, and executors agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fundsim.analysis.compare import compare_runs
from fundsim.analysis.options import COST, OptionsError, run_options
from fundsim.results import read_run
from fundsim.scenario import load_scenario
from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.options import parse_options

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"
TABLE = {
    "reference": "3 months",
    "named": {
        "no reserve": {"mechanism.reserve_target_months": 0},
        "3 months": {},
        "6 months, fee 5 %": {"mechanism.reserve_target_months": 6, "mechanism.admin_fee": 0.05},
    },
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("options") / "out"
    spec = parse_options(TABLE, MINI)
    return run_options(spec, load_scenario(MINI), MINI, reps=8, seed=11, out=out, workers=1)


def test_paired_differences_equal_fundsim_compare(result):
    runs = result.out / "runs"
    folders = {o.name: o.folder for o in result.options}
    ref = read_run(runs / folders["3 months"])
    checked = 0
    for _, row in result.table.iterrows():
        if row["option"] == "3 months":
            assert row["against"] == "" and np.isnan(row["coordinator_coverage_diff"])
            continue
        cmp = compare_runs(ref, read_run(runs / folders[row["option"]]))
        for metric in (
            "coordinator_coverage",
            "funding_lost_share",
            "liquidity_at_risk_usd",
            "admin_fees_usd",
        ):
            r = cmp.row(metric)
            assert row[f"{metric}_diff"] == pytest.approx(r["diff"], abs=1e-12)
            assert row[f"{metric}_diff_low"] == pytest.approx(r["ci95_low"], abs=1e-9, nan_ok=True)
            assert row[f"{metric}_diff_high"] == pytest.approx(
                r["ci95_high"], abs=1e-9, nan_ok=True
            )
            checked += 1
    assert checked == 8
    # the fee cut is a real difference in fees, not a zero
    fee = result.table.set_index("option").loc["6 months, fee 5 %", "admin_fees_usd_diff"]
    assert fee < 0


def test_entity_costs_sum_to_the_funds_invoices_to_the_cent(result):
    costs = result.entity_costs
    for o in result.options:
        total = costs.loc[costs["option"] == o.name, "invoice_usd"].sum()
        assessed = result.runs[o.name].replications["assessed_usd"].mean()
        assert round(total, 2) == round(assessed, 2)
    assert set(costs["entity"]) == set(load_scenario(MINI).entity_names)


def test_running_again_into_the_same_folder_resumes_with_the_same_numbers(result):
    again = run_options(
        parse_options(TABLE, MINI),
        load_scenario(MINI),
        MINI,
        reps=8,
        seed=11,
        out=result.out,
        workers=1,
    )
    assert again.kept == len(result.options)
    np.testing.assert_array_equal(
        again.table[f"{COST}_diff"].to_numpy(), result.table[f"{COST}_diff"].to_numpy()
    )


def test_a_folder_of_another_set_is_refused(result):
    with pytest.raises(OptionsError, match="another option set"):
        run_options(
            parse_options(TABLE, MINI),
            load_scenario(MINI),
            MINI,
            reps=9,
            seed=11,
            out=result.out,
            workers=1,
        )


def test_a_ladder_adds_up_to_the_total(tmp_path):
    spec = parse_options(
        {
            "pairing": "previous",
            "named": {
                "start": {"mechanism.reserve_target_months": 0},
                "reserve": {"mechanism.reserve_target_months": 6},
                "reserve and fee": {
                    "mechanism.reserve_target_months": 6,
                    "mechanism.admin_fee": 0.02,
                },
            },
        },
        MINI,
    )
    res = run_options(spec, load_scenario(MINI), MINI, reps=6, seed=5, workers=1)
    d = res.decomposition
    for metric in ("coordinator_coverage", COST):
        steps = d[(d["metric"] == metric) & (d["change"] != "total")]["diff"].sum()
        total = d[(d["metric"] == metric) & (d["change"] == "total")].iloc[0]
        assert steps == pytest.approx(total["diff"], rel=1e-9, abs=1e-9)
    assert list(res.table["against"]) == ["", "start", "reserve"]


def test_bad_options_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(ScenarioError, match=r"options\.reference"):
        parse_options({"reference": "nope", "named": {"a": {}, "b": {}}}, MINI)
    with pytest.raises(ScenarioError, match="at least two"):
        parse_options({"named": {"a": {}}}, MINI)
    spec = parse_options({"named": {"a": {}, "b": {"mechanism.no_such_key": 1}}}, MINI)
    with pytest.raises(OptionsError, match=r"'b'.*no_such_key"):
        run_options(spec, load_scenario(MINI), MINI, reps=2, seed=1, out=tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_crossed_dimensions_name_their_options():
    spec = parse_options(
        {
            "cross": {
                "mechanism.reserve_target_months": [0, 3],
                "mechanism.formula": {"levels": [None, {"kind": "jiu"}], "labels": ["own", "JIU"]},
            }
        },
        MINI,
    )
    assert [o.name for o in spec.options] == ["0 / own", "0 / JIU", "3 / own", "3 / JIU"]


@pytest.mark.slow
def test_twelve_options_on_a_dask_cluster_give_identical_numbers(tmp_path):
    table = {
        "cross": {
            "mechanism.reserve_target_months": [0, 2, 4, 6],
            "mechanism.admin_fee": [0.0, 0.04, 0.08],
        }
    }
    spec = parse_options(table, MINI)
    assert len(spec.options) == 12
    scenario = load_scenario(MINI)
    serial = run_options(spec, scenario, MINI, reps=4, seed=3, out=tmp_path / "serial", workers=1)
    dask = run_options(
        spec, scenario, MINI, reps=4, seed=3, out=tmp_path / "dask", scheduler="local"
    )
    for o in serial.options:
        a = (tmp_path / "serial" / "runs" / o.folder / "replications.csv").read_bytes()
        b = (tmp_path / "dask" / "runs" / o.folder / "replications.csv").read_bytes()
        assert a == b, o.name
        a = (tmp_path / "serial" / "runs" / o.folder / "shares.csv").read_bytes()
        b = (tmp_path / "dask" / "runs" / o.folder / "shares.csv").read_bytes()
        assert a == b, o.name
    assert serial.table.drop(columns="change").equals(dask.table.drop(columns="change"))


def test_a_shock_reverses_holds_or_blurs_an_order():
    from fundsim.analysis.options import _verdict

    assert _verdict((1.0, 0.5, 1.5), (2.0, 1.0, 3.0)) == "holds"
    assert _verdict((1.0, 0.5, 1.5), (-1.0, -1.5, -0.5)) == "reverses"
    assert _verdict((1.0, 0.5, 1.5), (0.1, -0.5, 0.7)) == "not distinguishable"
    assert _verdict((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)) == "holds"
    assert _verdict((0.1, -0.5, 0.7), (1.0, 0.5, 1.5)) == "distinguishable"
