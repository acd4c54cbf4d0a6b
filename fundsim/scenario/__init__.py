"""Scenario files: the schema, the loader and its one-line errors."""

from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.loader import load_scenario, scenario_from_dict, scenario_hash
from fundsim.scenario.schema import Distribution, Scenario

__all__ = [
    "Distribution",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_from_dict",
    "scenario_hash",
]
