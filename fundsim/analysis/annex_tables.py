"""The tables of the budget annex and the helpers every part of it shares: one table with its
formats (:class:`AnnexTable`), the budget period it covers (:class:`AnnexPeriod`), a totals row,
cents to USD and the number formats read from a column's unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class AnnexTable:
    """One table of the annex: ``frame`` with its units in the column headings,
    ``formats`` (column -> number format: ``usd``, ``share``, ``count``, ``month``) and how
    many of its last rows are totals."""

    name: str
    title: str
    what: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    totals: int = 0


@dataclass(frozen=True)
class AnnexPeriod:
    """The budget period the annex covers: its years, their labels and price indices."""

    years: tuple[int, ...]
    labels: list[str]
    index: list[float]

    def usd_columns(self) -> list[str]:
        """One ``"<year> (USD)"`` heading a year."""
        return [f"{y} (USD)" for y in self.labels]


def with_total(frame: pd.DataFrame, row: Sequence[object]) -> pd.DataFrame:
    """``frame`` with a totals row appended (its values already added up)."""
    last = pd.DataFrame([list(row)], columns=frame.columns)
    return pd.concat([frame, last], ignore_index=True) if len(frame) else last


def usd(cents: int | np.integer) -> float:
    """``cents`` in USD (a whole number of cents, exact)."""
    return int(cents) / 100


def usd_formats(frame: pd.DataFrame) -> dict[str, str]:
    """The ``usd`` format for every column in USD."""
    return {c: "usd" for c in frame.columns if "(USD" in c}


def share_formats(frame: pd.DataFrame) -> dict[str, str]:
    """The ``share`` format for every column of shares."""
    return {c: "share" for c in frame.columns if "(share)" in c}
