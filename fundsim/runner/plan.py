"""The plan the network approves, by the model's own budget rule, for the analysis layer.

The budget annex (:mod:`fundsim.analysis.budget_annex`) must show the very budget the
simulation approves at its start; the analysis layer does not import the model, so this
module hands it the model's rule and its first-period budgets
(:func:`fundsim.model.budget.first_period`) and the ledger's rounding and splitting of
cents.
"""

from __future__ import annotations

from fundsim.model.budget import FirstPeriod, coordinator_fee, first_period
from fundsim.model.ledger import split_cents, to_cents

__all__ = ["FirstPeriod", "coordinator_fee", "first_period", "split_cents", "to_cents"]
