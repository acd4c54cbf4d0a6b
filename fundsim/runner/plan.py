"""The plan the network approves, by the model's own rules, for the analysis layer.

The budget annex (:mod:`fundsim.analysis.budget_annex`) must show the very budget the
simulation approves at its start, and the report's reserve line the very reserve target
the coordinator fund keeps; the analysis layer does not import the model, so this module
hands it the model's rules: the first-period budgets (:func:`fundsim.model.budget.first_period`),
the reserve target by year
(:func:`fundsim.model.coordinator_fund.planned_reserve_targets_usd`), and the ledger's
rounding and splitting of cents; and the victims' window's first budget and invoices
as a replication approves them (:func:`victims_first_budget`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.model.advocates import AdvocateLine, advocate_lines
from fundsim.model.budget import FirstPeriod, coordinator_fee, first_period
from fundsim.model.coordinator_fund import planned_reserve_targets_usd
from fundsim.model.ledger import split_cents, to_cents
from fundsim.model.world import World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario.schema import Scenario

__all__ = [
    "AdvocateLine",
    "FirstPeriod",
    "VictimsFirstBudget",
    "advocate_lines",
    "coordinator_fee",
    "first_period",
    "planned_reserve_targets_usd",
    "split_cents",
    "to_cents",
    "victims_first_budget",
]


@dataclass(frozen=True)
class VictimsFirstBudget:
    """The victims' window's first budget as the model approves it in one replication
    (``rep`` of the scenario's seed): the parts of the need (:meth:`VictimFund.budget_lines`,
    USD), the gross assessed (cents), each entity's invoice (cents, the ledger's split), the
    caseworker slots budgeted and the fee rule."""

    rep: int
    seed: int
    lines: dict[str, float]
    gross_cents: int
    invoices_cents: tuple[int, ...]
    slots: int
    fee: float
    fee_basis: str


def victims_first_budget(scenario: Scenario, rep: int = 0) -> VictimsFirstBudget | None:
    """The victims' window's first-year budget and invoices, by the model's own rule, in
    replication ``rep`` (the children's stock and its support are drawn, so the child-support
    line is that replication's); None without a ``[victims]`` section."""
    if scenario.victims is None:
        return None
    seed = scenario.simulation.seed
    world = World(scenario, Streams(replication_seed(seed, rep)))
    vf = world.victim_fund
    assert vf is not None
    slots = world._cw_slots[0]
    lines = vf.budget_lines(0, slots)
    world.open()
    invoices = vf.contributors.assessed[:, 0]
    return VictimsFirstBudget(
        rep=rep,
        seed=seed,
        lines={k: float(v) for k, v in lines.items()},
        gross_cents=int(invoices.sum()),
        invoices_cents=tuple(int(c) for c in invoices),
        slots=slots,
        fee=vf.fee,
        fee_basis=vf.fee_basis,
    )
