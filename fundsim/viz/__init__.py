"""Figures (matplotlib) and reports (HTML, XLSX) from run directories and analysis tables.

The names below are what notebooks and scripts use; each is imported from its module
on first use, so ``import fundsim.viz`` loads no matplotlib until a figure is asked
for. The modules themselves are ``figures``, ``style``, ``report`` and
``share_report``::

    from fundsim.viz import fan_chart, save_figure
    from fundsim.viz import figures, style
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fundsim.viz import explore_figures, figures, report, share_report, style
    from fundsim.viz.explore_figures import peeling_trajectory, prim_pairs, robustness_ranking
    from fundsim.viz.figures import (
        MissingData,
        coverage_heatmap,
        fan_chart,
        sensitivity_bars,
        share_bars,
        solve_path,
        stress_heatmap,
        waiting_time_distribution,
    )
    from fundsim.viz.report import write_report
    from fundsim.viz.share_report import share_bar_figure, write_share_workbook
    from fundsim.viz.style import new_figure, save_figure, styled, usd_label

#: Each public name and the module that defines it.
_HOMES = {
    **dict.fromkeys(
        ("MissingData", "coverage_heatmap", "fan_chart", "sensitivity_bars", "share_bars", "solve_path",
         "stress_heatmap", "waiting_time_distribution"),
        "figures",
    ),
    "write_report": "report",
    **dict.fromkeys(("peeling_trajectory", "prim_pairs", "robustness_ranking"), "explore_figures"),
    **dict.fromkeys(("share_bar_figure", "write_share_workbook"), "share_report"),
    **dict.fromkeys(("new_figure", "save_figure", "styled", "usd_label"), "style"),
}
_MODULES = ("explore_figures", "figures", "report", "share_report", "style")

__all__ = [
    "MissingData",
    "coverage_heatmap",
    "explore_figures",
    "fan_chart",
    "figures",
    "new_figure",
    "peeling_trajectory",
    "prim_pairs",
    "report",
    "robustness_ranking",
    "save_figure",
    "sensitivity_bars",
    "share_bar_figure",
    "share_bars",
    "share_report",
    "solve_path",
    "stress_heatmap",
    "style",
    "styled",
    "usd_label",
    "waiting_time_distribution",
    "write_report",
    "write_share_workbook",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(f"fundsim.viz.{name}")
    elif name in _HOMES:
        value = getattr(importlib.import_module(f"fundsim.viz.{_HOMES[name]}"), name)
    else:
        raise AttributeError(f"module 'fundsim.viz' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
