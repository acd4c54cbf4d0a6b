"""Scenario files: the schema, the loader and its one-line errors, and the arithmetic
every layer needs from a scenario, each in one home: the network cost (``costs``),
presence and key vectors (``keys``), dotted-key overrides (``overrides``), and the
list of formula kinds and the capacity key (``vocabulary``).

The names below are imported on first use, so that importing a light module of this
package (``vocabulary``, ``errors``, ``names``) does not load pydantic and the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundsim._lazy import lazy_exports

if TYPE_CHECKING:
    from fundsim.scenario.errors import ScenarioError
    from fundsim.scenario.loader import load_scenario, scenario_from_dict, scenario_hash
    from fundsim.scenario.schema import Distribution, Scenario

#: Each public name and the module that defines it.
_HOMES = {
    "Distribution": "fundsim.scenario.schema",
    "Scenario": "fundsim.scenario.schema",
    "ScenarioError": "fundsim.scenario.errors",
    "load_scenario": "fundsim.scenario.loader",
    "scenario_from_dict": "fundsim.scenario.loader",
    "scenario_hash": "fundsim.scenario.loader",
}

__all__ = [
    "Distribution",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_from_dict",
    "scenario_hash",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
