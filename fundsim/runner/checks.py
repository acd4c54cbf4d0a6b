"""One check of a scenario file for every command that reads one.

``fundsim validate``, ``run``, ``batch``, ``explore`` (and ``stress``, ``solve``...) call
:func:`check_file` before anything is written, so that a file one of them refuses every
one of them refuses, with the same one-line message: the scenario, every variant of its
``[sweep]`` (each validated as a file would be), and its ``[explore]`` table (every level
and both ends of every range applied to the scenario, and every outcome a metric the
registry knows and the scenario emits).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fundsim.results.registry import UnknownMetric, lookup
from fundsim.scenario import Scenario, ScenarioError, load_scenario, loader
from fundsim.scenario.explore import ExploreSpec, has_explore, load_explore


@dataclass(frozen=True)
class CheckedFile:
    """A scenario file that passed every check: its scenario (without the sweep), its
    variants ``(name, scenario, swept values)`` (the scenario alone without a sweep) and
    its ``[explore]`` table, if any."""

    path: Path
    scenario: Scenario
    variants: list[tuple[str, Scenario, dict[str, Any]]]
    explore: ExploreSpec | None


def check_file(path: str | Path) -> CheckedFile:
    """Check the scenario file ``path`` as every command does; raise
    :class:`~fundsim.scenario.ScenarioError` (one line naming the file and key) if not."""
    path = Path(path)
    variants = loader.load_sweep(path)  # looked up on the module, so a test may stand in for it
    scenario = variants[0][1] if not variants[0][2] else load_scenario(path)
    spec = load_explore(path)[1] if has_explore(path) else None
    if spec is not None:
        check_outcomes(path, scenario, spec)
    return CheckedFile(path=path, scenario=scenario, variants=variants, explore=spec)


def check_outcomes(path: str | Path, scenario: Scenario, spec: ExploreSpec) -> None:
    """Refuse an ``[explore]`` outcome the metric registry does not know, or one the
    scenario does not emit (a victims' metric without a victims' window)."""
    for name in spec.outcomes:
        try:
            metric = lookup(name)
        except UnknownMetric as exc:
            raise ScenarioError(path, "explore.outcomes", str(exc)) from None
        if metric.requires == "victims" and scenario.victims is None:
            raise ScenarioError(
                path,
                "explore.outcomes",
                f"{name!r} needs a victim-assistance window, and this scenario has none",
            )
