"""What a metric is: :class:`Metric` (name, label, meaning, unit, format, good direction),
the units and formats values are written in, and :class:`UnknownMetric`. The metrics
themselves are listed in :mod:`fundsim.results.coordinator_metrics` and
:mod:`fundsim.results.victim_metrics`, and looked up and formatted by
:mod:`fundsim.results.registry`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: What a metric measures in. ``share`` is a part of a whole (0-1), ``probability`` a
#: chance (0-1), ``ratio`` a quotient that may exceed 1 (a funded ratio, a coefficient of
#: variation), ``rate`` a count per unit of exposure (per post-year).
Unit = Literal["USD", "share", "probability", "ratio", "count", "days", "rate"]
#: How a value is written: ``percent`` (x 100, one decimal, ``%``; differences in ``pp``),
#: ``usd`` (whole dollars, thousands separators), ``count`` and ``days`` (one decimal
#: below 100, whole above), ``decimal`` (three significant digits).
Format = Literal["percent", "usd", "count", "days", "decimal"]
Direction = Literal["higher", "lower"] | None

#: The format each unit is written in, unless a metric says otherwise.
UNIT_FORMATS: dict[str, Format] = {
    "USD": "usd",
    "share": "percent",
    "probability": "percent",
    "ratio": "percent",
    "count": "count",
    "days": "days",
    "rate": "decimal",
}


class UnknownMetric(KeyError):
    """A metric name that is not in the registry (the message suggests the nearest)."""

    def __str__(self) -> str:  # KeyError quotes its argument; this one is a sentence
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Metric:
    """One metric: how it is called, what it means, its unit and format, and which way is good.

    ``column`` is the per-replication column it is computed from when it differs from
    ``name`` (``p_gap`` is the mean of the 0/1 column ``gap``). ``requires`` names the part
    of a scenario without which the model does not emit it (``"victims"``: the
    victim-assistance window). ``planned`` marks a metric registered before the model
    emits it. ``aliases`` are other names for it (accepted by :func:`lookup`, never
    written as columns of their own).
    """

    name: str
    label: str
    meaning: str
    unit: Unit
    good: Direction = None
    format: Format | None = None
    column: str | None = None
    requires: str | None = None
    planned: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def fmt(self) -> Format:
        """The format used to write this metric's values."""
        return self.format or UNIT_FORMATS[self.unit]

    @property
    def is_percent(self) -> bool:
        """Whether values read in % (and differences in percentage points)."""
        return self.fmt == "percent"

    @property
    def heading(self) -> str:
        """The label with its unit, for a column or axis: ``"closing cash (USD)"``."""
        unit = {"percent": "%", "usd": "USD", "days": "days"}.get(self.fmt)
        return f"{self.label} ({unit})" if unit else self.label

    @property
    def source_column(self) -> str:
        """The replications.csv column this metric summarises."""
        return self.column or self.name
