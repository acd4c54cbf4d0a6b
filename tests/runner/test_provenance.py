"""The runner records the provenance its caller hands down, and guesses nothing itself."""

from __future__ import annotations

import sys

import pytest

from fundsim.runner import Provenance, ProvenanceError, run_scenario
from fundsim.scenario import scenario_hash


def test_a_path_is_its_own_provenance(mini_path):
    m = run_scenario(mini_path, reps=1, workers=1).manifest
    assert m["scenario_file"] == str(mini_path)
    assert m["command"] is None


def test_a_loaded_scenario_without_provenance_records_no_file(mini):
    m = run_scenario(mini, reps=1, workers=1).manifest
    assert m["scenario_file"] is None
    assert m["scenario_hash"] == scenario_hash(mini)


def test_the_callers_provenance_reaches_the_manifest(mini, mini_path):
    prov = Provenance.of_file(mini_path, mini, ["fundsim", "run", str(mini_path), "--reps", "1"])
    m = run_scenario(mini, reps=1, workers=1, provenance=prov).manifest
    assert m["scenario_file"] == str(mini_path)
    assert m["command"] == f"fundsim run {mini_path} --reps 1"


def test_the_command_line_comes_from_the_caller_not_sys_argv(mini, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["/usr/bin/fundsim", "something", "else"])
    assert run_scenario(mini, reps=1, workers=1).manifest["command"] is None


def test_a_provenance_of_another_scenario_is_refused(mini, mini_path):
    from fundsim.analysis.variants import with_overrides

    other = with_overrides(mini, {"mechanism.reserve_target_months": 7})
    with pytest.raises(ProvenanceError, match="hashes differ"):
        run_scenario(other, reps=1, workers=1, provenance=Provenance.of_file(mini_path, mini))


def test_batch_names_and_sweep_values_go_with_the_provenance(mini, mini_path):
    prov = Provenance(scenario_file=str(mini_path), batch_name="mini__x=1", sweep={"x": 1})
    m = run_scenario(mini, reps=1, workers=1, provenance=prov).manifest
    assert (m["batch_name"], m["sweep"]) == ("mini__x=1", {"x": 1})
