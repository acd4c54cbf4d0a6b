"""Figures of ``fundsim options``: the trade-off of the options and a ladder's waterfall.

Both take the analysis tables as data (:mod:`fundsim.analysis.options`): the options table
(one row per option, each metric with its 95 % interval) and a ladder's decomposition.
"""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from fundsim.viz.style import new_figure, usd_label


def tradeoff(table: pd.DataFrame, title: str = "") -> Figure:
    """Cost to the entities a year (x, USD) against coordinator coverage (y, %), one point per
    option with its 95 % intervals; colour: the chance a tier-1 post is interrupted; an
    option another beats on cost and on every risk is drawn hollow and labelled "dominated"."""
    fig = new_figure(7.0, 4.6)
    ax = fig.subplots()
    risk = (
        table["p_tier1_interrupted"].fillna(0.0)
        if "p_tier1_interrupted" in table
        else pd.Series(0.0, table.index)
    ).to_numpy(dtype=float)
    cmap = matplotlib.colormaps["RdYlGn_r"]
    for i, (_, r) in enumerate(table.iterrows()):
        x, y = r["cost_usd_year"], r["coordinator_coverage"]
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        dominated = bool(r.get("dominated_by", ""))
        colour = cmap(float(risk[i]))
        ax.errorbar(
            x,
            y,
            xerr=[[x - r["cost_usd_year_low"]], [r["cost_usd_year_high"] - x]],
            yerr=[[y - r["coordinator_coverage_low"]], [r["coordinator_coverage_high"] - y]],
            fmt="none",
            ecolor="#777",
            lw=0.8,
            zorder=1,
        )
        ax.scatter(
            [x],
            [y],
            s=70,
            zorder=2,
            edgecolors=colour if dominated else "#222",
            facecolors="none" if dominated else [colour],
            linewidths=1.4,
        )
        label = f"{r['option']}{' (dominated)' if dominated else ''}"
        ax.annotate(label, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=7)
    ax.xaxis.set_major_formatter(FuncFormatter(usd_label))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("cost to the entities a year (USD, both windows' invoices)")
    ax.set_ylabel("coordinator coverage")
    sm = matplotlib.cm.ScalarMappable(cmap=cmap, norm=matplotlib.colors.Normalize(0, 1))
    bar = fig.colorbar(sm, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("P(a tier-1 post interrupted)", fontsize=8)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(
        title or "Options: what they cost against what they buy (bars: 95 % intervals)", fontsize=10
    )
    return fig


def waterfall(
    decomposition: pd.DataFrame, metric: str = "coordinator_coverage", title: str = ""
) -> Figure:
    """A ladder's steps in one metric: the first rung's level, each step's paired change
    (bar, with its 95 % interval), and the last rung's level."""
    steps = decomposition[
        (decomposition["metric"] == metric) & (decomposition["change"] != "total")
    ]
    fig = new_figure(7.0, 4.4)
    ax = fig.subplots()
    if steps.empty:
        return fig
    percent = metric != "cost_usd_year" and metric != "interruptions_per_post_year"
    start = float(steps["level_from"].iloc[0])
    labels = [str(steps["from"].iloc[0])]
    ax.bar(0, start, color="#08306b")
    level = start
    for k, (_, s) in enumerate(steps.iterrows(), start=1):
        d = float(s["diff"])
        ax.bar(k, d, bottom=level, color="#2ca25f" if d >= 0 else "#de2d26")
        if math.isfinite(s["diff_low"]):
            ax.errorbar(
                k,
                level + d,
                yerr=[[d - s["diff_low"]], [s["diff_high"] - d]],
                fmt="none",
                ecolor="#333",
                lw=0.8,
            )
        level += d
        labels.append(str(s["to"]))
    ax.bar(len(labels), level, color="#08306b")
    labels.append(f"{steps['to'].iloc[-1]} (level)")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=7)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif metric == "cost_usd_year":
        ax.yaxis.set_major_formatter(FuncFormatter(usd_label))
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title(
        title
        or f"From the first rung to the last, one change at a time: {metric.replace('_', ' ')}",
        fontsize=10,
    )
    return fig
