"""Figures of an exploratory experiment: PRIM's peeling trajectory, and policies ranked by
robustness. Each takes the analysis tables as data and returns a matplotlib Figure in the
house style."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from fundsim.results.registry import describe
from fundsim.viz.figures import ACCENT, DARK, INK, PALE
from fundsim.viz.style import new_figure, styled


def peeling_trajectory(
    trajectory: pd.DataFrame, chosen: int | None = None, title: str = ""
) -> Figure:
    """Coverage against density of each box PRIM peeled to (shade: inputs restricted); the
    box reported is circled. Coverage: share of all failures inside the box; density: share
    of the futures inside the box that fail."""
    with styled():
        fig = new_figure(6.0, 4.2)
        ax = fig.add_subplot()
        dots = ax.scatter(
            trajectory["coverage"],
            trajectory["density"],
            c=trajectory["res_dim"],
            cmap="Blues",
            vmin=-1,
            edgecolor=INK,
            lw=0.4,
            s=28,
        )
        if chosen is not None and chosen in trajectory.index:
            row = trajectory.loc[chosen]
            ax.scatter(
                [row["coverage"]],
                [row["density"]],
                s=160,
                facecolor="none",
                edgecolor=ACCENT,
                lw=1.6,
                label="box reported",
            )
            ax.legend(loc="lower left")
        top = int(trajectory["res_dim"].max()) if len(trajectory) else 0
        fig.colorbar(dots, ax=ax, label="inputs restricted", ticks=range(top + 1))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel("coverage (share of all failures inside the box)")
        ax.set_ylabel("density (share of the box's futures that fail)")
        ax.set_title(title or "PRIM peeling trajectory")
        return fig


def robustness_ranking(
    table: pd.DataFrame, regret_outcome: str | None = None, title: str = ""
) -> Figure:
    """Policies ranked: the share of futures in which each meets every threshold
    (satisficing, bars) and, beside it, its largest regret on ``regret_outcome``."""
    pairs: Sequence[tuple[str, str]] = [("satisficing", "futures meeting every threshold")]
    if regret_outcome:
        pairs = [
            *pairs,
            (f"max_regret_{regret_outcome}", f"largest regret: {describe(regret_outcome).label}"),
        ]
    y = np.arange(len(table))
    with styled():
        fig = new_figure(8.0, 1.4 + 0.45 * len(table))
        axes = fig.subplots(1, len(pairs), sharey=True, squeeze=False)[0]
        for ax, (col, label), color in zip(axes, pairs, (DARK, PALE), strict=False):
            ax.barh(y, table[col].to_numpy(float), color=color, edgecolor=INK, lw=0.3)
            ax.set_xlabel(label)
            ax.grid(axis="y", visible=False)
            if col == "satisficing" or describe(regret_outcome or "").is_percent:
                ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes[0].set_yticks(y, table["policy"])
        axes[0].invert_yaxis()
        fig.suptitle(title or "Robustness of each policy across futures")
        return fig


def prim_pairs(prim_box: object, chosen: int, inputs: Sequence[str]) -> Figure | None:
    """The EMA Workbench's pairs plot of a PRIM box (``PrimBox.show_pairs_scatter``): the
    cases on every pair of the box's restricted number inputs (``inputs``), failures marked,
    the box drawn; each input's distribution (CDF) on the diagonal. None when the box restricts no
    number input."""
    import warnings

    if not inputs:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about its optional parts
        from ema_workbench.analysis.prim import DiagKind

        grid = prim_box.show_pairs_scatter(  # type: ignore[attr-defined]
            chosen, dims=list(inputs), diag_kind=DiagKind.CDF, upper="scatter", lower="scatter"
        )
    fig: Figure = grid.figure
    return fig
