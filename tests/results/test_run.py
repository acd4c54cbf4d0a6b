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
