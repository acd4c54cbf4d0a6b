"""The plan the network approves, by the model's own rules, for the analysis layer.

The budget annex (:mod:`fundsim.analysis.budget_annex`) must show the very budget the
simulation approves at its start, and the report's reserve line the very reserve target
the coordinator fund keeps; the analysis layer does not import the model, so this module
hands it the model's rules: the first-period budgets (:func:`fundsim.model.budget.first_period`),
the reserve target by year
(:func:`fundsim.model.coordinator_fund.planned_reserve_targets_usd`), and the ledger's
rounding and splitting of cents.
"""

from __future__ import annotations

from fundsim.model.budget import FirstPeriod, coordinator_fee, first_period
from fundsim.model.coordinator_fund import planned_reserve_targets_usd
from fundsim.model.ledger import split_cents, to_cents

__all__ = ["FirstPeriod", "coordinator_fee", "first_period", "planned_reserve_targets_usd", "split_cents", "to_cents"]
