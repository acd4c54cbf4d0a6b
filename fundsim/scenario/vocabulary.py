"""Names from the scenario vocabulary that other layers and ``fundsim --help`` need
without loading the schema (pydantic) or numpy: the formula kinds, and the entity
column that measures capacity to pay.

``FORMULA_KINDS`` is the one list of formula kinds: the schema validates
``mechanism.formula.kind`` against :data:`FormulaKind`, share tables and the command
line list the kinds in this order, and ``fundsim.sharing.dispatch`` implements each
(a test keeps the two in step: the sharing layer does not import the scenario layer).
"""

from __future__ import annotations

from typing import Literal, get_args

FormulaKind = Literal[
    "equal",
    "proportional",
    "weighted",
    "base_plus_variable",
    "tiered",
    "capacity",
    "risk_adjusted",
    "usage",
    "shapley",
]
#: Every formula kind, in the order tables and help texts list them.
FORMULA_KINDS: tuple[str, ...] = get_args(FormulaKind)

#: The precedent keys by name (``mechanism.formula.kind = "jiu"``...): presets over the
#: kinds, defined with their sources in :mod:`fundsim.scenario.presets`.
FormulaPreset = Literal["undss_2005", "jiu", "icsc"]
FORMULA_PRESETS: tuple[str, ...] = get_args(FormulaPreset)

#: The key measuring an entity's capacity to pay (CEB total expenses, USD a year): for
#: burden ratios, the Suits index and the size-based default formulas.
CAPACITY_KEY = "expenses_usd"
