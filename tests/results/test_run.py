"""One type for a run, whether computed or read back from its run directory."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

import fundsim
from fundsim.results import Run, read_run


def test_a_run_returned_and_a_run_read_back_are_the_same_type(mini_path, tmp_path):
    computed = fundsim.run(mini_path, reps=3, seed=4, workers=1, out=tmp_path / "run")
    again = read_run(tmp_path / "run")
    assert type(computed) is Run and type(again) is Run
    assert computed.path == again.path == tmp_path / "run"
    assert (again.seed, again.reps) == (4, 3)


def test_the_summary_reads_back_as_the_same_table(mini_path, tmp_path):
    computed = fundsim.run(mini_path, reps=3, seed=4, workers=1, out=tmp_path / "run")
    again = read_run(tmp_path / "run")
    pdt.assert_frame_equal(again.summary, computed.summary, check_dtype=False)
    assert again.p_gap == computed.p_gap
    pdt.assert_frame_equal(again.yearly, computed.yearly, check_dtype=False, rtol=1e-12)
    pdt.assert_frame_equal(again.coverage, computed.coverage, check_dtype=False, rtol=1e-12)
    assert again.manifest == computed.manifest


def test_a_run_read_back_can_be_saved_elsewhere(mini_path, tmp_path):
    fundsim.run(mini_path, reps=2, seed=4, workers=1, out=tmp_path / "run")
    copy = read_run(tmp_path / "run")
    copy.save(tmp_path / "copy")
    pdt.assert_frame_equal(read_run(tmp_path / "copy").replications, copy.replications)


def test_repr_is_one_short_line_and_the_notebook_view_shows_the_summary(mini_path, tmp_path):
    run = fundsim.run(mini_path, reps=2, seed=4, workers=1)
    text = repr(run)
    assert "\n" not in text and len(text) < 160
    assert "2 replications" in text and "seed 4" in text and "not saved" in text
    page = run._repr_html_()
    assert str(mini_path) in page and "coordinator_coverage" in page
    assert isinstance(run.summary, pd.DataFrame)


def test_an_old_run_directory_with_dropped_cases_beside_victims_dropped_reads_as_one_metric(
    mini_path, tmp_path
):
    """Runs written before the alias hold the same count under two names."""
    import json

    fundsim.run(mini_path, reps=2, seed=4, workers=1, out=tmp_path / "run")
    reps_csv = tmp_path / "run" / "replications.csv"
    frame = pd.read_csv(reps_csv)
    frame["victims_dropped"] = [3.0, 5.0]
    frame["dropped_cases"] = [3.0, 5.0]
    frame.to_csv(reps_csv, index=False)
    summary_path = tmp_path / "run" / "summary.json"
    summary = json.loads(summary_path.read_text())
    row = {
        "mean": 4.0,
        "p05": 3,
        "p50": 4,
        "p95": 5,
        "ci95_low": 0.0,
        "ci95_high": 16.7,
        "n": 2,
        "unit": "count",
    }
    summary["victims_dropped"] = summary["dropped_cases"] = row
    summary_path.write_text(json.dumps(summary))
    manifest_path = tmp_path / "run" / "manifest.json"  # such a run recorded no checksums
    manifest = json.loads(manifest_path.read_text())
    del manifest["sha256"]
    manifest_path.write_text(json.dumps(manifest))
    old = read_run(tmp_path / "run")
    assert (
        "dropped_cases" not in old.replications.columns and "dropped_cases" not in old.summary.index
    )
    assert old.replications["victims_dropped"].tolist() == [3.0, 5.0]
    assert old.metric("dropped_cases")["mean"] == 4.0


def test_the_summary_prints_as_a_person_reads_it_and_stays_numeric(mini_path):
    run = fundsim.run(fundsim.load_scenario(mini_path), reps=3, seed=2, workers=1)
    text = repr(run.summary)
    assert "e+0" not in text and "%" in text and "95 % interval of the mean" in text
    assert isinstance(run.summary.loc["coordinator_coverage", "mean"], float)
    assert float(run.summary["mean"].sum()) == float(pd.DataFrame(run.summary)["mean"].sum())


def test_metric_names_a_close_match_for_a_typo(mini_path):
    import pytest

    from fundsim.results.registry import UnknownMetric

    run = fundsim.run(fundsim.load_scenario(mini_path), reps=2, seed=2, workers=1)
    assert (
        run.metric("coordinator_coverage")["mean"]
        == run.summary.loc["coordinator_coverage", "mean"]
    )
    with pytest.raises(UnknownMetric, match="did you mean 'coordinator_coverage'"):
        run.metric("coverage")
