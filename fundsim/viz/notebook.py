"""What every notebook cell that shows a figure or checks a claim calls.

Three conventions, one home (``/notebooks``, and ``docs/report.md`` for why):

- **Figures** are built page-sized (:func:`page_figure`: 7 in wide, the width of the
  annex page), shown with :func:`show` at :data:`DPI` (>= 100) with a caption that
  is printed under the figure and becomes the image's alt text in the HTML annex;
  legends go inside the axes where they cover no data (:func:`legend_inside`).
- **Checks** (the hidden cells tagged ``checks``) state each claim with the interval
  it rests on at the run's replication count (:func:`check`, :func:`interval`), so
  the message says what failed and at which count; a claim that cannot be resolved
  below some count is skipped, with the reason printed, by :func:`enough` instead of
  being asserted on noise.
- **Runs** come from :func:`fundsim.analysis.run_cache.cached_run` (and
  ``cached_stress``), keyed on the scenario's hash and the code version, so sections and
  notebooks that need the same run simulate it once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from fundsim.viz.style import new_figure, styled

#: Resolution of notebook figures (pixels per inch): 7 in x 110 = 770 px wide.
DPI = 110
#: Width of a notebook figure in inches (the annex page's text width).
PAGE_WIDTH_IN = 7.0


class ClaimFailed(AssertionError):
    """A sentence of the notebook's prose that the numbers no longer support."""


def page_figure(height: float = 3.2, width: float = PAGE_WIDTH_IN) -> Figure:
    """A blank figure sized for the annex page (inches)."""
    return new_figure(width, height)


def legend_inside(ax: Axes, **kwargs: Any) -> None:
    """A legend inside ``ax`` where it covers the least data (matplotlib's ``best``), on
    a white box so lines under it stay apart from its text."""
    kwargs.setdefault("loc", "best")
    kwargs.setdefault("fontsize", 8)
    ax.legend(frameon=True, framealpha=0.9, facecolor="white", edgecolor="#d9d9d9", **kwargs)


def figure_png(fig: Figure, dpi: int = DPI) -> bytes:
    """``fig`` as PNG bytes at ``dpi`` (at least 100), white background, tight box."""
    buf = io.BytesIO()
    with styled():
        fig.savefig(buf, format="png", dpi=max(dpi, 100), bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def show(fig: Figure, caption: str, dpi: int = DPI) -> None:
    """Display ``fig`` with ``caption`` under it; the caption is also the image's alt
    text in the exported HTML (the annex template reads the ``alt`` metadata)."""
    from IPython.display import Image, Markdown, display

    if not caption.strip():
        raise ValueError("a notebook figure needs a caption (it is the image's alt text)")
    display(Image(figure_png(fig, dpi), metadata={"alt": caption}))
    display(Markdown(f"*{caption}*"))


def interval(
    mean: float, low: float, high: float, unit: str = "", scale: float = 1.0, digits: int = 2
) -> str:
    """``'mean [low, high] unit'`` for a check's message (values times ``scale``)."""
    u = f" {unit}" if unit else ""
    return f"{mean * scale:,.{digits}f} [{low * scale:,.{digits}f}, {high * scale:,.{digits}f}]{u}"


def row_interval(
    row: Mapping[str, Any], unit: str = "", scale: float = 1.0, digits: int = 2
) -> str:
    """:func:`interval` of a summary or comparison row (``mean``/``diff``, ``ci95_low``,
    ``ci95_high``)."""
    mean = row["diff"] if "diff" in row else row["mean"]
    return interval(
        float(mean), float(row["ci95_low"]), float(row["ci95_high"]), unit, scale, digits
    )


def check(claim: str, holds: bool, evidence: str, reps: int) -> None:
    """Raise :class:`ClaimFailed` naming ``claim``, its ``evidence`` (the interval it
    rests on) and the replication count when ``holds`` is false; print nothing when it
    holds (check cells are hidden from readers)."""
    if not bool(holds):
        raise ClaimFailed(
            f"at {reps} replications the prose says: {claim}; the numbers say: {evidence}. "
            "Revise the prose or the claim."
        )


def enough(reps: int, minimum: int, claim: str) -> bool:
    """Whether ``reps`` replications can resolve ``claim``; below ``minimum`` print that
    the check is skipped and why, and return False."""
    if reps >= minimum:
        return True
    print(f"check skipped at {reps} replications (needs at least {minimum}): {claim}")
    return False
