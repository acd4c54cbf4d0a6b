"""One figure style for every fundsim figure: readable in print, and in greyscale.

Figures are built as :class:`matplotlib.figure.Figure` objects (no pyplot, no global
backend switch: the Agg canvas draws them), inside :func:`styled`, a context that
sets fonts, line widths and colours. Colours come from one dark-to-light blue ramp
whose steps differ in lightness, so bands and bars stay distinct when printed in
black and white; where two series must be told apart, hatching doubles the colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from fundsim.results.atomic import save_figure_file

#: Dark to light; each step clearly lighter in greyscale (luminance ~0.15 to ~0.85).
INK = "#1a1a1a"
DARK = "#08306b"
MID = "#2171b5"
LIGHT = "#6baed6"
PALE = "#c6dbef"
ACCENT = "#b2182b"  # targets and thresholds (dark enough to read as black in greyscale)
#: Diverging colour map for changes (red = worse is decided by the caller's sign).
DIVERGING = "RdBu"
#: Sequential colour map for levels in [0, 1] (coverage).
SEQUENTIAL = "Blues"
HATCHES = ("", "///", "...", "xxx")

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.grid": True,
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.5,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "lines.linewidth": 1.6,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "hatch.linewidth": 0.6,
    # Names come from input: "$" in an entity's name is text, never mathtext (an entity
    # named "UNDP $\\foo{$" would otherwise stop the figure with a parse error).
    "text.parse_math": False,
}


@contextmanager
def styled() -> Iterator[None]:
    """Build figures inside this context to get the fundsim style."""
    with mpl.rc_context(cast(Any, RC)):  # the stubs want literal keys only
        yield


def new_figure(width: float = 7.0, height: float = 4.0) -> Figure:
    """A blank figure (inches; 7 in fits an A4 page with margins) on an Agg canvas."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | Path, dpi: int = 200) -> Path:
    """Write ``fig`` as PNG (or the format the suffix names) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with styled():  # written aside and renamed: never a truncated image under the final name
        save_figure_file(fig, path, dpi=dpi, bbox_inches="tight", facecolor="white")
    return path


def usd_label(value: float, _pos: object = None) -> str:
    """Axis label for dollars: 1.2M, 350k, 900."""
    a = abs(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= size:
            # two decimals at most, trailing zeros dropped: 1.25M stays 1.25M, 2.0M is 2M
            return f"{value / size:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}"
