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

    return run_scenario(
        Path(__file__).resolve().parents[1] / "data" / "mini.toml", reps=6, seed=4, workers=1
    )


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


def _row(shock: str, metric: str, diff: float, low: float, high: float, **kw) -> dict:
    return {
        "shock": shock,
        "metric": metric,
        "diff": diff,
        "ci95_low": low,
        "ci95_high": high,
        "relative_change": np.nan,
        "significant": bool(low > 0 or high < 0),
        **kw,
    }


def test_stress_heatmap_marks_shocks_not_run():
    table = pd.DataFrame(
        [
            _row("a", "p_gap", 0.1, 0.05, 0.15),
            _row("a", "coordinator_coverage", -0.05, -0.1, 0.01),
            {
                "shock": "b",
                "metric": "",
                "relative_change": np.nan,
                "diff": np.nan,
                "ci95_low": np.nan,
                "ci95_high": np.nan,
                "significant": False,
            },
        ]
    )
    fig = figures.stress_heatmap(table, metrics=["p_gap", "coordinator_coverage"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    # Probabilities and coverage change in percentage points, not relative per cent.
    assert "+10.0pp" in texts and "(-5.0pp)" in texts and "not run" in texts


def _cell_colour(fig, i: int, j: int) -> tuple[float, float, float]:
    """The RGB colour of heat-map cell (row i, column j)."""
    return tuple(float(v) for v in fig.axes[0].images[0].get_array()[i, j][:3])


WHITE = (1.0, 1.0, 1.0)


def test_stress_heatmap_colours_only_significant_cells_by_good_direction():
    table = pd.DataFrame(
        [
            # lower is better: a significant drop is good (blue), a significant rise bad
            # (orange-red)
            _row("a", "p_gap", -0.2, -0.3, -0.1),
            _row("a", "median_wait_days", 12.0, 8.0, 16.0),
            # higher is better: a significant drop is bad
            _row("a", "coordinator_coverage", -0.08, -0.1, -0.06),
            # no good direction: grey when significant
            _row("a", "closing_balance_usd", -1e6, -2e6, -0.5e6),
            # a large relative change from a zero baseline whose interval includes 0: white
            _row("a", "p_tier1_interrupted", 0.00063, -0.0006, 0.0019, relative_change=np.inf),
        ]
    )
    effects = figures.stress_effects(table)
    assert list(effects.loc["a"]) == ["better", "worse", "worse", "neither", ""]
    fig = figures.stress_heatmap(table, metrics=list(table["metric"]))
    blue, worse_wait, worse_cov = (
        _cell_colour(fig, 0, 0),
        _cell_colour(fig, 0, 1),
        _cell_colour(fig, 0, 2),
    )
    assert blue[2] > blue[0]  # more blue than red
    assert worse_wait[0] > worse_wait[2] and worse_cov == worse_wait
    grey = _cell_colour(fig, 0, 3)
    assert grey != WHITE and grey[0] == grey[1] == grey[2]
    assert _cell_colour(fig, 0, 4) == WHITE
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert (
        labels[0].endswith("\u2193")
        and labels[2].endswith("\u2191")
        and not labels[3].endswith(("\u2191", "\u2193"))
    )


def test_stress_heatmap_labels_money_in_dollars_and_shows_the_largest_bill_change():
    table = pd.DataFrame(
        [
            _row(
                "a",
                "closing_balance_usd",
                -1e6,
                -1.5e6,
                -0.5e6,
                largest_change_entity="WFP",
                largest_change_usd=92_000.0,
                largest_change_pct=0.041,
            ),
            _row(
                "a",
                "assessed_usd",
                2.5e6,
                2e6,
                3e6,
                largest_change_entity="WFP",
                largest_change_usd=92_000.0,
                largest_change_pct=0.041,
            ),
            _row(
                "a",
                "lapses",
                3.0,
                1.0,
                5.0,
                largest_change_entity="WFP",
                largest_change_usd=92_000.0,
                largest_change_pct=0.041,
            ),
        ]
    )
    texts = [
        t.get_text()
        for t in figures.stress_heatmap(table, metrics=list(table["metric"])).axes[0].texts
    ]
    assert "-1.00M" in texts and "+2.50M" in texts and "+3.0" in texts
    assert "WFP\n+92k (+4.1%)" in texts


def test_save_figure_writes_a_png(run, tmp_path):
    path = save_figure(figures.coverage_heatmap(run.coverage), tmp_path / "sub" / "c.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("value", "text"), [(1_250_000, "1.25M"), (2_000_000, "2M"), (350_000, "350k"), (900, "900")]
)
def test_dollar_axis_labels_are_not_rounded_into_lies(value, text):
    assert usd_label(value) == text


def test_the_stress_heat_map_is_importable_from_figures_as_before() -> None:
    from fundsim.viz import stress_figures

    assert figures.stress_heatmap is stress_figures.stress_heatmap
    assert figures.stress_effects is stress_figures.stress_effects
    assert figures.MissingData is stress_figures.MissingData
