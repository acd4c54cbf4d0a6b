"""The figures of fundsim, each from a DataFrame of a run directory or an analysis table.

Every function returns a :class:`matplotlib.figure.Figure` in the style of
:mod:`fundsim.viz.style`; write it with :func:`~fundsim.viz.style.save_figure`.
A function whose data are absent raises :class:`MissingData` (the report skips
that figure) rather than draw an empty picture. The stress-test heat map lives in
:mod:`fundsim.viz.stress_figures` and is importable from here too.
"""

from __future__ import annotations

from textwrap import fill

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from fundsim.results.registry import describe, format_value
from fundsim.viz.figure_inputs import MissingData, need_columns

# The stress heat map, importable from here as notebooks and commands always have (the
# redundant aliases mark a re-export).
from fundsim.viz.stress_figures import BETTER as BETTER
from fundsim.viz.stress_figures import NEITHER as NEITHER
from fundsim.viz.stress_figures import WORSE as WORSE
from fundsim.viz.stress_figures import stress_effects as stress_effects
from fundsim.viz.stress_figures import stress_heatmap as stress_heatmap
from fundsim.viz.style import (
    ACCENT,
    DARK,
    HATCHES,
    INK,
    LIGHT,
    MID,
    PALE,
    SEQUENTIAL,
    new_figure,
    styled,
    usd_label,
)

# --------------------------------------------------------------------------- fan chart


def fan_chart(
    monthly: pd.DataFrame,
    metric: str = "balance_usd",
    reserve_target: pd.DataFrame | None = None,
    title: str = "Cash of the coordinator fund: total and uncommitted",
    free_metric: str | None = "available_usd",
    width: float = 7.0,
) -> Figure:
    """Fan chart of a monthly metric across replications: 5-95 and 25-75 bands, median.

    ``monthly`` is monthly.parquet (columns month, date, metric, p05, p25, p50, p75,
    p95). ``reserve_target`` (columns year, reserve_target_usd) is drawn as a step
    line: the reserve the budget aims to hold in each year, in USD. ``free_metric``
    (default ``available_usd``, the uncommitted balance: cash not yet promised to
    contracts), when monthly.parquet has it, is drawn beside the total: its median and
    5th percentile, so that a healthy total with little free cash reads as such.
    ``width`` (inches) redraws it for a narrow screen (below 5 in: taller, fewer year
    ticks); the legend sits under the plot, never on the data.
    """
    need_columns(monthly, ("month", "metric", "p05", "p25", "p50", "p75", "p95"), "fan chart")
    m = monthly[monthly["metric"] == metric].sort_values("month")
    if m.empty:
        raise MissingData(f"fan chart: no monthly metric {metric!r}")
    x = m["month"].to_numpy() / 12.0
    start = int(str(m["date"].iloc[0])[:4]) if "date" in m else 0
    x = start + x
    narrow = width < 5.0
    with styled():
        fig = new_figure(width, 4.6 if narrow else 3.8)
        ax = fig.add_subplot()
        ax.fill_between(
            x, m["p05"], m["p95"], color=PALE, lw=0, label="5-95 % of replications", step="post"
        )
        ax.fill_between(x, m["p25"], m["p75"], color=LIGHT, lw=0, label="25-75 %", step="post")
        ax.step(x, m["p50"], where="post", color=DARK, label="total cash: median")
        free = (
            monthly[monthly["metric"] == free_metric].sort_values("month") if free_metric else None
        )
        if free is not None and not free.empty:
            fx = start + free["month"].to_numpy() / 12.0
            ax.step(
                fx, free["p50"], where="post", color=ACCENT, lw=1.6, label="uncommitted: median"
            )
            ax.step(
                fx,
                free["p05"],
                where="post",
                color=ACCENT,
                lw=0.9,
                ls=":",
                label="uncommitted: 5th percentile",
            )
        if reserve_target is not None and not reserve_target.empty:
            rt = reserve_target.sort_values("year")
            xs = np.append(rt["year"].to_numpy(float), rt["year"].iloc[-1] + 1)
            ys = np.append(
                rt["reserve_target_usd"].to_numpy(float), rt["reserve_target_usd"].iloc[-1]
            )
            ax.step(xs, ys, where="post", color=INK, ls="--", lw=1.0, label="reserve target")
        ax.axhline(0, color=INK, lw=0.6)
        ax.yaxis.set_major_formatter(FuncFormatter(usd_label))
        ax.set_ylabel("USD")
        ax.set_xlabel("year")
        ax.set_title(fill(title, 48) if narrow else title, fontsize=9 if narrow else None)
        if narrow:
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        fig.legend(
            loc="outside lower center", ncols=2 if narrow else 3, fontsize=7 if narrow else 8
        )
    return fig


# --------------------------------------------------------------------------- coverage


def coverage_heatmap(
    coverage: pd.DataFrame | None,
    title: str = "Coordinator coverage by country and year",
    width: float | None = None,
) -> Figure:
    """Country x year heat map of coverage (share of post-months filled, mean over
    replications), countries ordered by risk tier then code; each cell labelled in %.
    ``width`` (inches) redraws it for a narrow screen (below 5 in: two-digit years,
    no cell labels)."""
    cov = need_columns(coverage, ("country", "year", "coverage"), "coverage heat map").copy()
    order_cols = ["risk_tier", "country"] if "risk_tier" in cov else ["country"]
    countries = cov.drop_duplicates("country").sort_values(order_cols)["country"].tolist()
    grid = cov.pivot(index="country", columns="year", values="coverage").loc[countries]
    n_rows, n_cols = grid.shape
    with styled():
        narrow = width is not None and width < 5.0
        fig = new_figure(width or min(2.0 + 0.6 * n_cols, 9.0), min(1.5 + 0.28 * n_rows, 11.0))
        ax = fig.add_subplot()
        im = ax.imshow(grid.to_numpy(), cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto")
        ax.grid(False)
        years = [f"'{str(y)[-2:]}" if narrow else str(y) for y in grid.columns]
        ax.set_xticks(range(n_cols), years, rotation=0)
        tiers = (
            cov.drop_duplicates("country").set_index("country")["risk_tier"]
            if "risk_tier" in cov
            else None
        )
        labels = [f"{c} (t{int(tiers[c])})" if tiers is not None else c for c in countries]
        ax.set_yticks(range(n_rows), labels)
        values = grid.to_numpy()
        if n_rows * n_cols <= 400 and not narrow:
            for i in range(n_rows):
                for j in range(n_cols):
                    v = values[i, j]
                    ax.text(
                        j,
                        i,
                        f"{100 * v:.0f}",
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color="white" if v > 0.6 else INK,
                    )
        cbar = fig.colorbar(im, ax=ax, shrink=0.8)
        cbar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        cbar.set_label("post-months filled")
        ax.set_title(fill(title, 40) if narrow else title)
    return fig


# --------------------------------------------------------------------------- shares


def share_bars(
    shares: pd.DataFrame, title: str = "What each entity is asked for and pays", width: float = 7.0
) -> Figure:
    """Horizontal bars per entity: mean assessed and paid USD a year (shares.csv), the
    formula share in % beside each bar; largest payer on top."""
    need_columns(shares, ("entity", "assessed_usd", "paid_usd"), "share bars")
    agg = {"assessed_usd": ("assessed_usd", "mean"), "paid_usd": ("paid_usd", "mean")}
    if "share" in shares:
        agg["share"] = ("share", "mean")
    g = shares.groupby("entity", sort=False).agg(**agg).sort_values("assessed_usd")
    y = np.arange(len(g))
    with styled():
        fig = new_figure(width, 1.2 + 0.26 * len(g))
        ax = fig.add_subplot()
        h = 0.4
        ax.barh(
            y + h / 2,
            g["assessed_usd"],
            height=h,
            color=MID,
            label="assessed",
            edgecolor=INK,
            lw=0.3,
        )
        ax.barh(
            y - h / 2,
            g["paid_usd"],
            height=h,
            color=PALE,
            hatch=HATCHES[1],
            label="paid",
            edgecolor=INK,
            lw=0.3,
        )
        ax.set_yticks(y, g.index)
        ax.xaxis.set_major_formatter(FuncFormatter(usd_label))
        ax.set_xlabel("USD a year (mean over years and replications)")
        if width < 5.0:
            ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.grid(axis="y", visible=False)
        if "share" in g:
            xmax = float(g["assessed_usd"].max())
            for yi, (_, r) in zip(y, g.iterrows(), strict=True):
                ax.text(
                    r["assessed_usd"] + 0.01 * xmax,
                    yi + h / 2,
                    f"{100 * r['share']:.1f} %",
                    va="center",
                    fontsize=7,
                    color=INK,
                )
            ax.set_xlim(0, xmax * 1.15)
        ax.legend(loc="lower right")
        ax.set_title(title)
    return fig


# --------------------------------------------------------------------------- waiting time


def waiting_time_distribution(
    replications: pd.DataFrame,
    column: str = "median_wait_days",
    title: str = "Median wait for a first service, one value per replication",
    width: float = 6.0,
) -> Figure:
    """Histogram over replications of each replication's median wait of an assisted
    victim for a first service (days), with their mean and 5th-95th percentiles marked.
    It shows how that median varies across replications, not single victims' waits."""
    need_columns(replications, (column,), "waiting-time distribution")
    x = replications[column].dropna().to_numpy(float)
    if x.size == 0:
        raise MissingData(f"waiting-time distribution: {column!r} has no values")
    with styled():
        fig = new_figure(width, 3.4)
        ax = fig.add_subplot()
        ax.hist(x, bins=min(30, max(5, x.size // 5)), color=LIGHT, edgecolor=INK, lw=0.4)
        lo, hi = np.percentile(x, [5, 95])
        ax.axvline(x.mean(), color=DARK, lw=1.4, label=f"mean {x.mean():.1f} days")
        ax.axvspan(lo, hi, color=PALE, alpha=0.35, lw=0, label=f"5-95 %: {lo:.1f}-{hi:.1f} days")
        ax.set_xlabel("median wait of the replication's assisted victims (days)")
        ax.set_ylabel("replications")
        ax.legend()
        ax.set_title(fill(title, 44) if width < 5.0 else title)
    return fig


# --------------------------------------------------------------------------- sensitivity, solve


def sensitivity_bars(table: pd.DataFrame, metric: str = "", title: str = "") -> Figure:
    """Bars of the sensitivity indices per input with their 95 % intervals: Sobol first
    (S1) and total (ST) order, or Morris mu* (and sigma)."""
    if "ST" in table:
        pairs: tuple[tuple[str, str | None, str], ...] = (
            ("S1", "S1_conf", "first order S1"),
            ("ST", "ST_conf", "total order ST"),
        )
        xlabel = "Sobol index (share of output variance)"
    else:
        need_columns(table, ("mu_star", "mu_star_conf"), "sensitivity bars")
        pairs = (
            ("mu_star", "mu_star_conf", "mu* (mean |elementary effect|)"),
            ("sigma", None, "sigma"),
        )
        xlabel = f"elementary effect on {metric}" if metric else "elementary effect"
    need_columns(table, ("input",), "sensitivity bars")
    y = np.arange(len(table))
    with styled():
        fig = new_figure(7.0, 1.4 + 0.45 * len(table))
        ax = fig.add_subplot()
        h = 0.38
        for k, (col, conf, label) in enumerate(pairs):
            err = table[conf].to_numpy(float) if conf else None
            ax.barh(
                y + (0.5 - k) * h,
                table[col].to_numpy(float),
                height=h,
                xerr=err,
                color=(DARK, PALE)[k],
                hatch=HATCHES[2 * k],
                edgecolor=INK,
                lw=0.3,
                error_kw={"ecolor": INK, "lw": 0.8, "capsize": 2},
                label=label,
            )
        ax.set_yticks(y, table["input"])
        ax.invert_yaxis()
        ax.axvline(0, color=INK, lw=0.6)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.legend(loc="lower right")
        ax.set_title(title or f"Sensitivity of {metric}")
    return fig


def solve_path(
    runs: pd.DataFrame, lever: str, metric: str, threshold: float, solution: float | None = None
) -> Figure:
    """The runs of a solve: metric mean and 95 % interval against the lever value, the
    target threshold, and the solution."""
    need_columns(runs, ("lever_value", "mean", "ci95_low", "ci95_high"), "solve path")
    r = runs.sort_values("lever_value")
    with styled():
        fig = new_figure(6.5, 3.6)
        ax = fig.add_subplot()
        # clipped: a Wilson bound can sit a rounding error inside the mean at p = 0 or 1
        yerr = np.clip(np.vstack([r["mean"] - r["ci95_low"], r["ci95_high"] - r["mean"]]), 0, None)
        ax.errorbar(
            r["lever_value"],
            r["mean"],
            yerr=yerr,
            fmt="o-",
            color=DARK,
            ms=4,
            capsize=2,
            lw=1.0,
            label=f"{metric} (mean, 95 % interval)",
        )
        ax.axhline(
            threshold,
            color=ACCENT,
            ls="--",
            lw=1.2,
            label=f"target {format_value(metric, threshold)}",
        )
        if solution is not None and np.isfinite(solution):
            ax.axvline(solution, color=MID, ls=":", lw=1.4, label=f"solution {solution:.4g}")
        ax.set_xlabel(lever)
        info = describe(metric)
        ax.set_ylabel(f"{metric}: {info.heading}" if info.label != metric else metric)
        if info.is_percent:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        elif info.fmt == "usd":
            ax.yaxis.set_major_formatter(FuncFormatter(usd_label))
        ax.legend()
        ax.set_title(f"Solving for {metric} against {lever}")
    return fig
