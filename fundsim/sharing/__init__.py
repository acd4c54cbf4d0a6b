"""Cost-sharing formulas and fairness measures: pure numpy, no SimPy, no I/O.

Every formula returns shares (fractions of the annual cost, summing to one) in
the order of the entity vectors it is given; :func:`compute_shares` picks one
from a formula specification. Equations and precedents are in each module's
docstring and in ``docs/cost-sharing.md``.
"""

from fundsim.sharing.bounds import apply_floor_ceiling, effective_bounds
from fundsim.sharing.capacity import capacity_to_pay
from fundsim.sharing.dispatch import KINDS, compute_shares
from fundsim.sharing.formulas import base_plus_variable, equal, proportional, weighted
from fundsim.sharing.risk import risk_adjusted
from fundsim.sharing.shapley import network_shapley, shapley_value
from fundsim.sharing.tiered import tiered
from fundsim.sharing.usage import usage_based

__all__ = [
    "KINDS",
    "apply_floor_ceiling",
    "base_plus_variable",
    "capacity_to_pay",
    "compute_shares",
    "effective_bounds",
    "equal",
    "network_shapley",
    "proportional",
    "risk_adjusted",
    "shapley_value",
    "tiered",
    "usage_based",
    "weighted",
]
