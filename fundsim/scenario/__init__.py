"""Scenario files: the schema, the loader and its one-line errors, and the arithmetic
every layer needs from a scenario, each in one home: the network cost (``costs``),
presence and key vectors (``keys``), dotted-key overrides (``overrides``), and the
list of formula kinds (``schema.FORMULA_KINDS``)."""

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
