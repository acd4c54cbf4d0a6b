"""The words of a report: the answer in sentences, the glossary, the scenario and its
assumptions, each built from the metric registry and the scenario's ``[sources]``.

The viz layer does not load scenarios: a caller that has one (the ``report`` command
reads the file the manifest names) passes it in as :class:`ScenarioText`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fundsim.results.registry import REGISTRY, describe, format_value, not_applicable, order

#: How an input rests on evidence, by the first word of its ``[sources]`` entry.
BASES = ("ASSUMPTION", "PLAUSIBLE", "SOURCED")


def basis(source: str) -> str:
    """``ASSUMPTION`` or ``PLAUSIBLE`` when a ``[sources]`` entry says so first, else
    ``SOURCED`` (a cited public source with its confidence)."""
    head = source.lstrip().split(":", 1)[0].strip().upper()
    return head if head in ("ASSUMPTION", "PLAUSIBLE") else "SOURCED"


@dataclass(frozen=True)
class ScenarioText:
    """What a report says about the scenario: its name, description, file and sources
    (dotted key -> the source, or ``ASSUMPTION:``/``PLAUSIBLE:`` and the reasoning)."""

    name: str
    description: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    file: str | None = None

    @classmethod
    def of(cls, scenario: Any, file: str | None = None) -> ScenarioText:
        """From a loaded scenario (anything with ``name``, ``description``, ``sources``)."""
        return cls(
            str(scenario.name),
            str(getattr(scenario, "description", "") or ""),
            dict(getattr(scenario, "sources", {}) or {}),
            file,
        )

    def assumptions(self) -> list[tuple[str, str, str]]:
        """(key, basis, text) of each source entry, the text without its basis word."""
        rows = []
        for key, text in self.sources.items():
            kind = basis(text)
            body = text.split(":", 1)[1].strip() if kind != "SOURCED" else text.strip()
            rows.append((key, kind, body))
        return rows

    def counts(self) -> dict[str, int]:
        """How many inputs rest on each basis."""
        out = dict.fromkeys(BASES, 0)
        for _, kind, _ in self.assumptions():
            out[kind] += 1
        return out


def glossary(names: Sequence[str]) -> list[tuple[str, str, str, str, str]]:
    """(name, label, unit, better when, meaning) of each registered metric among ``names``,
    in registry order."""
    out: list[tuple[str, str, str, str, str]] = []
    for name in sorted(dict.fromkeys(names), key=order):
        if name in REGISTRY:
            m = REGISTRY[name]
            out.append((name, m.label, m.unit, m.good or "neither", m.meaning))
    return out


def interval(name: str, low: float, high: float) -> str:
    """``89.1%–89.9%`` (an interval written by the registry)."""
    return f"{format_value(name, low)}–{format_value(name, high)}"


#: The sentence of each headline metric: ``{v}`` is the mean, ``{ci}`` its 95 % interval.
SENTENCES: dict[str, str] = {
    "coordinator_coverage": (
        "coordinator posts were filled {v} of the post-months needed (95 % interval {ci})"
    ),
    "p_gap": (
        "a funding gap (a post lapsing, or a salary or operating cost going unpaid) happened at "
        "least "
        "once in {v} of replications (95 % interval {ci})"
    ),
    "lapses": "a replication saw {v} post lapses on average (95 % interval {ci})",
    "missed_payments_usd": (
        "USD {v} of salaries and operating costs went unpaid on average (95 % interval {ci})"
    ),
    "assessed_usd": "the entities were invoiced USD {v} in all (95 % interval {ci})",
    "closing_balance_usd": (
        "the coordinator fund ended with USD {v} in cash on average (95 % interval {ci})"
    ),
    "victims_assisted_share": "{v} of victims received assistance (95 % interval {ci})",
    "median_wait_days": (
        "the median wait for a first service was {v} days on average over replications "
        "(95 % interval {ci})"
    ),
    "funded_ratio": (
        "the children's account held {v} of the present value of what it owes them at the end "
        "(95 % interval {ci})"
    ),
}


#: The headline metrics in sentences: posts, money, victims.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("coordinator_coverage", "p_gap", "lapses"),
    ("assessed_usd", "missed_payments_usd", "closing_balance_usd"),
    ("victims_assisted_share", "median_wait_days", "funded_ratio"),
)


def answer(
    summary: pd.DataFrame,
    manifest: Mapping[str, Any],
    scenario: object | None = None,
    groups: Sequence[Sequence[str]] | None = None,
) -> str:
    """The run's answer in one paragraph: what happened over the replications and years,
    each number with its 95 % interval of the mean (from ``summary``). A metric that is
    not applicable under ``scenario`` (:func:`~fundsim.results.registry.not_applicable`:
    the funded ratio under pay-as-you-go) is said to be so, not quoted as 0 %.
    ``groups`` (default :data:`GROUPS`) are the metrics of each sentence."""
    reps, years = manifest.get("replications"), manifest.get("years")
    start = manifest.get("start_year")
    span = (
        f" ({start}–{int(start) + int(years) - 1})"
        if start is not None and years is not None
        else ""
    )
    sentences = []
    for group in GROUPS if groups is None else groups:
        parts = []
        for name in group:
            if name not in summary.index:
                continue
            na = not_applicable(name, scenario)
            if na is not None:
                parts.append(f"the {describe(name).label} is {na}")
                continue
            s = summary.loc[name]
            mean, lo, hi = (float(s[k]) for k in ("mean", "ci95_low", "ci95_high"))  # type: ignore[arg-type]
            if math.isnan(mean):
                continue
            parts.append(
                SENTENCES[name].format(v=format_value(name, mean), ci=interval(name, lo, hi))
            )
        if parts:
            sentences.append("; ".join(parts))
    if not sentences:
        return f"Over {reps} replications of {years} years{span}, no headline metric was recorded."
    first, *rest = sentences
    return " ".join(
        [
            f"Over {reps} replications of {years} years{span}, {first}.",
            *(f"{r[0].upper()}{r[1:]}." for r in rest),
        ]
    )


def describe_column(column: str) -> str:
    """The heading of a table column: its meaning and unit."""
    return HEADINGS.get(column) or describe(column).heading


#: Headings of the run directory's table columns (meaning and unit), where a metric's
#: registry heading would not say what the column holds.
HEADINGS: dict[str, str] = {
    "entity": "entity",
    "year": "year",
    "formula": "cost-sharing formula",
    "share": "formula share (%)",
    "assessed_usd": "assessed (USD)",
    "paid_usd": "paid (USD)",
    "participation": "taking part (% of the year)",
    "p_gap": "probability of a funding gap in the year (%)",
    "p_gap_by_then": "probability of a funding gap by the end of the year (%)",
    "coverage": "coordinator coverage (%)",
    "income_usd": "income (USD)",
    "spending_usd": "spending (USD)",
    "closing_balance_usd": "closing cash (USD)",
    "country": "country",
    "risk_tier": "risk tier",
    "shock": "shock",
    "label": "what the shock is",
    "metric": "metric",
    "unit": "unit",
    "good": "better when",
    "baseline_mean": "baseline mean",
    "shocked_mean": "shocked mean",
    "diff": "change (shocked − baseline; metrics in %: percentage points)",
    "ci95_low": "change: 95 % interval, low",
    "ci95_high": "change: 95 % interval, high",
    "relative_change": "relative change (%)",
    "significant": "interval excludes 0",
    "effect": "better or worse",
    "paired": "paired (same random draws)",
    "note": "how the shock was applied",
    "largest_change_entity": "entity whose bill changes most",
    "largest_change_usd": "its bill over the horizon: change (USD)",
    "largest_change_pct": "its bill: change (%)",
}
