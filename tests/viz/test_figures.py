"""Figures: each draws what its data hold, and refuses to draw what they lack."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from fundsim.viz import figures
from fundsim.viz.style import save_figure, usd_label


@pytest.fixture(scope="module")
def run():
    from pathlib import Path

    from fundsim.runner import run_scenario

    return run_scenario(Path(__file__).resolve().parents[1] / "data" / "mini.toml", reps=6, seed=4, workers=1)


def _collection_count(fig: Figure) -> int:
    return sum(len(ax.collections) for ax in fig.axes)


def test_fan_chart_has_two_bands_a_median_the_uncommitted_balance_and_the_reserve_target(run):
    target = pd.DataFrame({"year": [2026, 2027], "reserve_target_usd": [1e5, 1.1e5]})
    fig = figures.fan_chart(run.monthly, reserve_target=target)
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # 5-95 and 25-75 bands
    labels = [line.get_label() for line in ax.get_lines()]
    assert "total cash: median" in labels and "reserve target" in labels
    # the free (uncommitted) balance beside the total explains a gap with cash in the bank
    assert "uncommitted: median" in labels
    median = next(line for line in ax.get_lines() if line.get_label() == "total cash: median")
    expected = run.monthly[run.monthly["metric"] == "balance_usd"]["p50"].to_numpy()
    np.testing.assert_allclose(median.get_ydata(), expected)


def test_coverage_heatmap_shows_every_country_and_year(run):
    fig = figures.coverage_heatmap(run.coverage)
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    assert image.shape == (run.coverage["country"].nunique(), run.coverage["year"].nunique())
    assert float(np.nanmax(image)) <= 1.0


def test_share_bars_one_pair_per_entity(run):
    fig = figures.share_bars(run.shares)
    n = run.shares["entity"].nunique()
    assert len(fig.axes[0].patches) == 2 * n
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == (
        run.shares.groupby("entity")["assessed_usd"].mean().idxmax()
    )


def test_waiting_time_needs_its_column(run):
    if "median_wait_days" not in run.replications:
        with pytest.raises(figures.MissingData, match="median_wait_days"):
            figures.waiting_time_distribution(run.replications)
    fake = pd.DataFrame({"median_wait_days": np.linspace(10, 90, 40)})
    fig = figures.waiting_time_distribution(fake)
    assert sum(p.get_height() for p in fig.axes[0].patches if hasattr(p, "get_height")) >= 40


def test_stress_heatmap_marks_shocks_not_run():
    table = pd.DataFrame(
        [
            {"shock": "a", "metric": "p_gap", "relative_change": 0.5, "diff": 0.1, "significant": True},
            {"shock": "a", "metric": "coordinator_coverage", "relative_change": -0.1, "diff": -0.05,
             "significant": False},
            {"shock": "b", "metric": "", "relative_change": np.nan, "diff": np.nan, "significant": False},
        ]
    )
    fig = figures.stress_heatmap(table)
    texts = [t.get_text() for t in fig.axes[0].texts]
    # Probabilities and coverage change in percentage points, not relative per cent.
    assert "+10.0 pp" in texts and "(-5.0 pp)" in texts and "not run" in texts


def _cell_colour(fig, i: int, j: int):
    """The RGBA colour of heat-map cell (row i, column j); None if left uncoloured."""
    im = fig.axes[0].images[0]
    value = im.get_array()[i, j]
    if np.ma.is_masked(value):
        return None
    return im.cmap(im.norm(value))


def test_stress_heatmap_colours_each_metric_by_its_good_direction():
    table = pd.DataFrame(
        [
            # lower is better: a drop is good (blue), a rise bad (red)
            {"shock": "a", "metric": "p_gap", "relative_change": -0.5, "diff": -0.2, "significant": True},
            {"shock": "a", "metric": "median_wait_days", "relative_change": 0.4, "diff": 12.0, "significant": True},
            # higher is better: a drop is bad (red)
            {"shock": "a", "metric": "coordinator_coverage", "relative_change": -0.1, "diff": -0.08,
             "significant": True},
            # no good direction: left uncoloured whatever it does
            {"shock": "a", "metric": "closing_balance_usd", "relative_change": -0.3, "diff": -1e6, "significant": True},
        ]
    )
    goodness = figures.stress_goodness(table)
    assert goodness.loc["a", "p_gap"] > 0
    assert goodness.loc["a", "median_wait_days"] < 0
    assert goodness.loc["a", "coordinator_coverage"] < 0
    assert np.isnan(goodness.loc["a", "closing_balance_usd"])
    fig = figures.stress_heatmap(table)
    blue = _cell_colour(fig, 0, 0)  # p_gap dropped: good
    red_wait, red_cov = _cell_colour(fig, 0, 1), _cell_colour(fig, 0, 2)
    assert blue[2] > blue[0]  # more blue than red
    assert red_wait[0] > red_wait[2] and red_cov[0] > red_cov[2]
    assert _cell_colour(fig, 0, 3) is None
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["p_gap \u2193", "median_wait_days \u2193", "coordinator_coverage \u2191", "closing_balance_usd"]


def test_stress_heatmap_labels_money_by_relative_change_unless_the_baseline_is_zero():
    table = pd.DataFrame(
        [
            {"shock": "a", "metric": "closing_balance_usd", "relative_change": -0.25, "diff": -1e6, "significant": True},
            {"shock": "a", "metric": "lapses", "relative_change": np.nan, "diff": 3.0, "significant": True},
            {"shock": "a", "metric": "unmet_need_usd", "relative_change": 78_000.0, "diff": 2.5e6, "significant": True},
        ]
    )
    texts = [t.get_text() for t in figures.stress_heatmap(table).axes[0].texts]
    assert "-25.0%" in texts  # a relative change where the baseline is not ~0
    assert "+3" in texts  # baseline 0: the absolute change
    assert "+2.5M" in texts  # a +7.8 million % change reads as dollars instead


def test_save_figure_writes_a_png(run, tmp_path):
    path = save_figure(figures.coverage_heatmap(run.coverage), tmp_path / "sub" / "c.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("value", "text"), [(1_250_000, "1.25M"), (2_000_000, "2M"), (350_000, "350k"), (900, "900")])
def test_dollar_axis_labels_are_not_rounded_into_lies(value, text):
    assert usd_label(value) == text
