"""Figures (matplotlib) and reports (HTML, XLSX) from run directories and analysis tables.

The names below are what notebooks and scripts use; each is imported from its module
on first use, so ``import fundsim.viz`` loads no matplotlib until a figure is asked
for. The modules themselves are ``figures``, ``style``, ``report`` and
``share_report``::

    from fundsim.viz import fan_chart, save_figure
    from fundsim.viz import figures, style
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundsim._lazy import lazy_exports

if TYPE_CHECKING:
    from fundsim.viz import explore_figures, figures, report, share_report, style
    from fundsim.viz.brief_figures import tradeoff, waterfall
    from fundsim.viz.explore_figures import peeling_trajectory, prim_pairs, robustness_ranking
    from fundsim.viz.figures import (
        MissingData,
        coverage_heatmap,
        fan_chart,
        sensitivity_bars,
        share_bars,
        solve_path,
        waiting_time_distribution,
    )
    from fundsim.viz.notebook import (
        ClaimFailed,
        check,
        enough,
        interval,
        legend_inside,
        page_figure,
        row_interval,
        show,
    )
    from fundsim.viz.report import write_report
    from fundsim.viz.share_report import share_bar_figure, write_share_workbook
    from fundsim.viz.stress_figures import stress_heatmap
    from fundsim.viz.style import new_figure, save_figure, styled, usd_label

#: Each public name and the module that defines it.
_HOMES = {
    **dict.fromkeys(
        (
            "MissingData",
            "coverage_heatmap",
            "fan_chart",
            "sensitivity_bars",
            "share_bars",
            "solve_path",
            "waiting_time_distribution",
        ),
        "figures",
    ),
    "stress_heatmap": "stress_figures",
    "write_report": "report",
    **dict.fromkeys(("tradeoff", "waterfall"), "brief_figures"),
    **dict.fromkeys(
        (
            "ClaimFailed",
            "check",
            "enough",
            "interval",
            "legend_inside",
            "page_figure",
            "row_interval",
            "show",
        ),
        "notebook",
    ),
    **dict.fromkeys(("peeling_trajectory", "prim_pairs", "robustness_ranking"), "explore_figures"),
    **dict.fromkeys(("share_bar_figure", "write_share_workbook"), "share_report"),
    **dict.fromkeys(("new_figure", "save_figure", "styled", "usd_label"), "style"),
}
_MODULES = ("explore_figures", "figures", "report", "share_report", "style", "notebook")
_HOMES = {
    name: f"fundsim.viz.{module}" for name, module in {**_HOMES, **{m: m for m in _MODULES}}.items()
}

__all__ = [
    "ClaimFailed",
    "MissingData",
    "check",
    "coverage_heatmap",
    "enough",
    "explore_figures",
    "fan_chart",
    "figures",
    "interval",
    "legend_inside",
    "new_figure",
    "notebook",
    "page_figure",
    "peeling_trajectory",
    "prim_pairs",
    "report",
    "robustness_ranking",
    "row_interval",
    "save_figure",
    "sensitivity_bars",
    "share_bar_figure",
    "share_bars",
    "share_report",
    "show",
    "solve_path",
    "stress_heatmap",
    "style",
    "styled",
    "tradeoff",
    "usd_label",
    "waiting_time_distribution",
    "waterfall",
    "write_report",
    "write_share_workbook",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
