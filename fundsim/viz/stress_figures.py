"""The stress-test heat map: shocks x metrics, each cell the metric's paired change against
the baseline, coloured when its 95 % interval excludes 0 (better or worse by the metric's
good direction in the registry), with the entity whose bill changes most beside it.

:func:`stress_effects` decides each cell's colour from the interval alone;
:func:`stress_heatmap` draws the figure (the style of :mod:`fundsim.viz.style`).
"""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import fill

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from fundsim.results.registry import STRESS_HEADLINE, describe, format_difference
from fundsim.viz.figure_inputs import MissingData, need_columns
from fundsim.viz.style import INK, new_figure, styled

#: Arrow after a metric's name on the heat map: the direction in which it is better.
_ARROWS = {"higher": " \u2191", "lower": " \u2193"}
#: Cell colours of the heat map: a significant change that is better, worse, or of a
#: metric that is neither (grey); a change whose interval includes 0 stays white.
BETTER = "#92c5de"
WORSE = "#f4a582"
NEITHER = "#e0e0e0"


def _compact(value: float) -> str:
    """A signed number in k/M units for a heat-map cell."""
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:+.2f}M"
    if a >= 1e3:
        return f"{value / 1e3:+.0f}k"
    return f"{value:+.2g}"


def stress_effects(stress: pd.DataFrame, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Shock x metric: ``"better"``, ``"worse"``, ``"neither"`` (a significant change of
    a metric with no good direction) or ``""`` (the paired 95 % interval includes 0, or
    the shock was not run). Decided by the interval and the metric's good direction in
    the registry, never by the size of the relative change."""
    need_columns(stress, ("shock", "metric", "diff", "ci95_low", "ci95_high"), "stress heat map")
    ran = stress[stress["metric"].fillna("") != ""]
    if ran.empty:
        raise MissingData("stress heat map: no shock was run")
    shocks = list(dict.fromkeys(stress["shock"]))
    have = list(dict.fromkeys(ran["metric"]))
    cols = [m for m in metrics if m in have] if metrics else have
    if not cols:
        raise MissingData("stress heat map: none of the chosen metrics is in the stress table")
    out = pd.DataFrame("", index=shocks, columns=cols)
    for _, r in ran[ran["metric"].isin(cols)].iterrows():
        lo, hi = float(r["ci95_low"]), float(r["ci95_high"])
        if not (lo > 0 or hi < 0):
            continue
        good = describe(r["metric"]).good
        if not good:
            out.at[r["shock"], r["metric"]] = "neither"
        else:
            out.at[r["shock"], r["metric"]] = (
                "better" if (float(r["diff"]) > 0) == (good == "higher") else "worse"
            )
    return out


def _stress_label(metric: str, diff: float) -> str:
    if describe(metric).is_percent:
        return format_difference(metric, diff).replace(" pp", "pp")
    if describe(metric).fmt == "usd":
        return _compact(diff)
    return format_difference(metric, diff)


def stress_heatmap(
    stress: pd.DataFrame,
    title: str = "Stress tests: change against the baseline",
    metrics: Sequence[str] | None = None,
    width: float | None = None,
) -> Figure:
    """Shocks (rows) x metrics (columns) of each metric's change against the baseline.

    A cell is coloured only when the paired 95 % interval of the change excludes 0: blue
    when the change is better for that metric (its good direction in the metric registry),
    orange-red when worse, grey for a metric that is neither better nor worse higher
    (closing cash). A change whose interval includes 0 is left white with its label in
    brackets. Labels: metrics read in % change in percentage points (``pp``), money in
    USD (k, M), counts and days as numbers. ``metrics`` chooses the columns (default: the
    registry's stress headline, :data:`~fundsim.results.registry.STRESS_HEADLINE`, that
    the table has). When the table has the entities' bills (``largest_change_usd``) a
    last column names the entity whose bill over the horizon changes most, in USD and %.
    Shocks not run are listed as such.
    """
    if metrics is None:
        have = set(stress["metric"].fillna("")) if "metric" in stress else set()
        metrics = [m for m in STRESS_HEADLINE if m in have] or None
    effects = stress_effects(stress, metrics)
    ran = stress[stress["metric"].fillna("") != ""]
    shocks, cols = list(effects.index), list(effects.columns)
    bills = bool("largest_change_usd" in stress and stress["largest_change_usd"].notna().any())
    n_cols = len(cols) + (1 if bills else 0)
    with styled():
        narrow = width is not None and width < 5.0
        fig = new_figure(
            width or min(2.2 + 1.0 * n_cols + (0.6 if bills else 0), 9.5),
            1.8 + (0.55 if narrow else 0.36) * len(shocks) + (1.2 if narrow else 0),
        )
        ax = fig.add_subplot()
        ax.imshow(_cell_colours(effects, bills), aspect="auto")
        ax.grid(False)
        small = 5.5 if narrow else 7.0
        _grid_labels(ax, cols, shocks, bills, narrow, small)
        diff = ran.pivot(index="shock", columns="metric", values="diff").reindex(
            index=shocks, columns=cols
        )
        diffs = diff.to_numpy(float)
        first = ran.drop_duplicates("shock").set_index("shock")
        for i, shock in enumerate(shocks):
            if np.isnan(diffs[i]).all():
                ax.text(-0.4, i, "not run", ha="left", va="center", fontsize=7, color=INK)
                continue
            _change_labels(ax, i, cols, diffs[i], effects, small)
            if bills and shock in first.index:
                _bill_label(ax, i, len(cols), first.loc[shock], narrow, small)
        _caption(ax, title, narrow, small)
    return fig


def _cell_colours(effects: pd.DataFrame, bills: bool) -> np.ndarray:
    """The heat map's cells as an RGB image: each effect's colour, and a white column for
    the bills when there is one."""
    colours = {"better": BETTER, "worse": WORSE, "neither": NEITHER, "": "white"}
    n_shocks, n_metrics = effects.shape
    return np.array(
        [
            [to_rgb(colours[str(effects.iat[i, j])]) for j in range(n_metrics)]
            + ([to_rgb("white")] if bills else [])
            for i in range(n_shocks)
        ]
    )


def _grid_labels(
    ax: Axes, cols: list[str], shocks: list[str], bills: bool, narrow: bool, small: float
) -> None:
    """The metrics' names (with their good direction) on top, the shocks down the side and
    the lines between cells."""
    n_cols = len(cols) + (1 if bills else 0)
    names = [describe(m).heading + _ARROWS.get(describe(m).good or "", "") for m in cols]
    if bills:
        names.append("largest change\nof one bill")
    ax.set_xticks(
        range(n_cols),
        [fill(n, 22 if narrow else 14) for n in names],
        fontsize=small,
        rotation=90 if narrow else 0,
    )
    ax.xaxis.tick_top()
    rows = [fill(s.replace("_", " "), 16) for s in shocks] if narrow else shocks
    ax.set_yticks(range(len(shocks)), rows, fontsize=small + 0.5)
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, len(shocks)), minor=True)
    ax.grid(which="minor", color="#bdbdbd", lw=0.5)
    ax.tick_params(which="minor", length=0)


def _change_labels(
    ax: Axes,
    row: int,
    cols: list[str],
    diffs: np.ndarray,
    effects: pd.DataFrame,
    small: float,
) -> None:
    """The changes of one shock's row, each in its metric's unit; bracketed and grey where
    the interval includes 0."""
    for j, metric in enumerate(cols):
        d = float(diffs[j])
        if not np.isfinite(d):
            continue
        text = _stress_label(metric, d)
        significant = effects.iat[row, j] != ""
        ax.text(
            j,
            row,
            text if significant else f"({text})",
            ha="center",
            va="center",
            fontsize=small,
            color=INK if significant else "#737373",
        )


def _bill_label(ax: Axes, row: int, column: int, r: pd.Series, narrow: bool, small: float) -> None:
    """The entity whose bill changes most under one shock, in USD and % (none when unknown)."""
    if not np.isfinite(float(r["largest_change_usd"])):
        return
    ax.text(
        column,
        row,
        f"{str(r['largest_change_entity'])[:12]}\n"
        f"{_compact(float(r['largest_change_usd']))}{chr(10) if narrow else ' '}"
        f"({100 * float(r['largest_change_pct']):+.1f}%)",
        ha="center",
        va="center",
        fontsize=small - 0.5,
        color=INK,
    )


def _caption(ax: Axes, title: str, narrow: bool, small: float) -> None:
    """The title and the key to the colours, brackets and units."""
    ax.set_title(fill(title, 40) if narrow else title, pad=8)
    ax.set_xlabel(
        "blue: better, orange: worse (the paired 95 % interval excludes 0); grey: a change of "
        "a metric "
        "neither better nor worse;\nwhite, (bracketed): the interval includes 0. \u2191 higher "
        "is "
        "better, \u2193 lower is better; pp: percentage points; USD in k and M.",
        fontsize=small,
    )
    if narrow:
        ax.xaxis.label.set_wrap(True)
