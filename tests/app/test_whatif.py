"""The what-if as a file: levers become dotted keys, the loader validates them as it
validates any file, and the downloaded scenario run with ``fundsim run`` gives the page's
numbers to the bit (same seed, same replications)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from fundsim.app.engine import Simulator, bills_before_payment
from fundsim.app.levers import LeverError, lever_overrides, levers_for, parse_advanced
from fundsim.app.whatif import NOTE, load_whatif, resolve_host, whatif_toml
from fundsim.cli import main
from fundsim.results import read_run
from fundsim.scenario import load_scenario
from fundsim.scenario.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(BASELINE)


def _changed(base, values):
    ls = levers_for(base, BASELINE)
    return resolve_host(lever_overrides(ls, values, base), ls.hosts)


def test_levers_show_the_loaded_values_with_units_and_ranges(base) -> None:
    ls = levers_for(base, BASELINE)
    assert ls.levers["reserve_months"].default == base.mechanism.reserve_target_months
    assert ls.levers["reserve_months"].range_text == "0 to 24 months"
    assert ls.levers["ceiling"].default == pytest.approx(100 * base.mechanism.formula.ceiling)
    assert ls.levers["cut_year"].range_text == "2026 to 2035"
    assert {"agency", "mptf", "secretariat"} <= set(ls.levers["host"].options)
    # Nothing changed: no key written.
    assert lever_overrides(ls, ls.defaults(), base) == {}


def test_lever_values_become_the_scenarios_keys(base) -> None:
    changed = _changed(
        base,
        {
            "formula": "jiu",
            "reserve_months": 6,
            "cut_who": "group voluntary",
            "cut_year": 2027,
            "cut_percent": 25,
            "host": "secretariat",
            "exit_who": "largest",
            "exit_year": 2028,
            "absorption": 50,
        },
    )
    scn = load_whatif(BASELINE, "w", changed, 10, 7)
    assert scn.mechanism.reserve_target_months == 6
    assert scn.mechanism.formula.preset == "jiu" or scn.mechanism.formula.kind == "proportional"
    assert scn.host is not None and scn.host.kind == "secretariat"
    assert scn.mechanism.admin_fee == 0  # the hosting option's file sets it with its fee stack
    assert [(c.year, c.group, c.fraction) for c in scn.cuts] == [(2027, "voluntary", 0.25)]
    assert [(e.entity, e.year) for e in scn.exits] == [("largest", 2028)]
    assert scn.participation.absorption == 0.5


def test_out_of_range_values_are_refused_in_one_line_naming_the_field(base) -> None:
    ls = levers_for(base, BASELINE)
    with pytest.raises(LeverError) as exc:
        lever_overrides(ls, {"reserve_months": 99}, base)
    assert exc.value.lever == "reserve_months" and "0 to 24 months" in str(exc.value)
    with pytest.raises(LeverError):
        lever_overrides(ls, {"formula": "../../etc/passwd"}, base)  # choices only, never a path
    # What only the schema knows is refused by the loader, with its key path.
    with pytest.raises(ScenarioError) as err:
        load_whatif(BASELINE, "w", parse_advanced("mechanism.reserve_target_months = 99"), 10, 7)
    assert err.value.key_path == "mechanism.reserve_target_months"
    assert ls.lever_of_key(err.value.key_path) == "reserve_months"
    with pytest.raises(ScenarioError, match="unknown key"):
        load_whatif(BASELINE, "w", parse_advanced("mechanism.reserve_months = 2"), 10, 7)
    with pytest.raises(LeverError, match="line 1"):
        parse_advanced("import os")


@pytest.mark.parametrize(
    "line",
    [
        'entities.file = "/etc/passwd"',
        'extends = "/etc/hosts"',
        'countries = {file = "x.csv"}',
        "simulation.seed = 1",
        'name = "x"',
    ],
)
def test_the_advanced_field_takes_no_path_and_not_the_pages_own_keys(line) -> None:
    with pytest.raises(LeverError, match=r"names a file|set by the page"):
        parse_advanced(line)


def test_the_bills_move_with_the_formula_and_sum_to_the_same_budget(base) -> None:
    whatif = load_whatif(BASELINE, "w", _changed(base, {"formula": "jiu"}), 10, 7)
    bills = bills_before_payment(base, whatif)
    assert bills.elapsed_s < 0.5
    by = bills.by_entity()
    assert (by["change_usd"] > 1000).any() and (by["change_usd"] < -1000).any()
    assert by["baseline_usd"].sum() == pytest.approx(by["whatif_usd"].sum(), rel=1e-9)


def test_the_downloaded_file_marks_its_values_and_reproduces_the_page_through_the_cli(
    base, tmp_path
) -> None:
    changed = _changed(
        base, {"ceiling": 15, "cut_who": "group voluntary", "cut_year": 2027, "cut_percent": 25}
    )
    reps, seed = 4, 11
    text = whatif_toml(BASELINE, "baseline-what-if", changed, reps, seed)
    data = tomllib.loads(text)
    assert data["extends"] == "baseline.toml"
    assert set(data["sources"]) == set(changed) and all(v == NOTE for v in data["sources"].values())
    # The page's run, on a serial executor (identical whatever the executor).
    sim = Simulator(workers=1)
    stages = []
    whatif = load_whatif(BASELINE, "baseline-what-if", changed, reps, seed)
    sim.stream(base, whatif, reps, seed, sim.ticket(), stages.append)
    assert [s.reps for s in stages] == [reps] and stages[-1].final
    # The file saved beside the loaded one, run from the command line.
    folder = tmp_path / "scenarios"
    shutil.copytree(BASELINE.parent, folder, ignore=shutil.ignore_patterns("sweeps"))
    (folder / "what_if.toml").write_text(text, encoding="utf-8")
    assert (
        main(
            ["run", str(folder / "what_if.toml"), "--workers", "1", "--out", str(tmp_path / "run")]
        )
        == 0
    )
    cli = read_run(tmp_path / "run").replications
    page = stages[-1].whatif.replications
    pd.testing.assert_frame_equal(
        cli.reset_index(drop=True), page.reset_index(drop=True), check_exact=True, check_dtype=False
    )
