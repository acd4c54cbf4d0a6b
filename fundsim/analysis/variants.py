"""Scenario variants in code: set dotted keys on a scenario and validate the result again.

``with_overrides(scenario, {"mechanism.reserve_target_months": 6})`` returns a new
:class:`~fundsim.scenario.Scenario` with those keys replaced, re-validated through
the schema, so a variant is as safe as a scenario file. Keys are dotted paths into
the scenario (``posts.annual_cost_usd``, ``mechanism.formula.floor``); a number
index picks an array element (``cuts.0.fraction``). Stress tests, solve and
sensitivity analysis build their variants with it and never write temporary files.

The dotted keys themselves live in :mod:`fundsim.scenario.overrides` (the loader and
sweeps use them too); this module adds :func:`scaled` and keeps the names analyses
and notebooks import.
"""

from __future__ import annotations

from fundsim.scenario import Scenario
from fundsim.scenario.overrides import OverrideError, get_value, numeric_value, with_overrides

#: A key that names nothing in the scenario, or a value the schema refuses (the name
#: this error had before the dotted keys moved to :mod:`fundsim.scenario.overrides`).
VariantError = OverrideError

__all__ = ["VariantError", "get_value", "numeric_value", "scaled", "with_overrides"]


def scaled(scenario: Scenario, key: str, factor: float) -> Scenario:
    """``scenario`` with the number at ``key`` multiplied by ``factor``."""
    return with_overrides(scenario, {key: numeric_value(scenario, key) * factor})
