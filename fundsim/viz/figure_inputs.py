"""What a figure needs of its table: :class:`MissingData` when it lacks a column or any
rows (a report then skips that figure rather than draw an empty picture)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fundsim.errors import FundsimError


class MissingData(FundsimError, ValueError):
    """The table lacks what the figure shows (a column, a metric, any rows)."""


def need_columns(frame: pd.DataFrame | None, columns: Sequence[str], what: str) -> pd.DataFrame:
    """``frame`` when it has rows and every one of ``columns``; else :class:`MissingData`
    naming ``what`` (the figure) and what is missing."""
    if frame is None or frame.empty:
        raise MissingData(f"{what}: no data")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingData(f"{what}: the table has no column {', '.join(repr(c) for c in missing)}")
    return frame
