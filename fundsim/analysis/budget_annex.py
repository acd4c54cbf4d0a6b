"""The budget annex: the plan a finance network approves, for the fund's first budget period.

Deterministic (no random draw): every post planned filled all year at its cost (flat, or
the standard cost of its grade and duty station), start-year prices indexed by the
expected inflation (``costs.inflation_annual``), the opening balance as cash, every entity
taking part and paying in full and on time. The gross budget of each year is the one the
simulation approves at its start, by the model's own rule
(:func:`fundsim.runner.plan.first_period`, the rule of :mod:`fundsim.model.budget`); the
tables break it down:

- ``staffing``: posts by grade x year (count);
- ``costs``: salaries by grade, the non-post operating costs, fixed cost lines beside the
  posts (secretariat, common services: :class:`CostLine`, none unless given), USD a year;
- ``fees``: the host's fees by basis (USD a year);
- ``reserve``: the reserve build-up to its target;
- ``budget``: planned cost, reserve build-up, opening balance used, net requirement, fees,
  gross budget; gross less fees is the net budget;
- ``invoices``: each entity's share and invoice by year under the scenario's formula (the
  ledger's largest-remainder split of the gross in cents, as the model assesses it);
- ``instalments``: each invoice by instalment, with its due month;
- ``formulas``: the scenario's formula beside another (``compare``) and the precedent keys
  (:mod:`fundsim.scenario.presets`), as shares and period invoices;
- with a ``[victims]`` section, the victims' window's first-year budget (``victims_budget``:
  services, case management, the Victims' Rights Advocate function, child support, reserve,
  cash and pledges applied, fees, gross), the function's posts and office
  (``victims_advocates``) and each entity's invoice (``victims_invoices``), as the model
  approves them at the start of replication 0 (the children's stock is drawn): the gross
  and every invoice are the simulated run's to the cent.

Amounts are USD (cents are exact: every invoice is a whole number of cents). This module
assembles the annex; its parts live beside it: the coordinator window's costs, budget, fees
and reserve in :mod:`~fundsim.analysis.budget_annex_costs`, who pays (invoices, instalments,
formulas side by side) in :mod:`~fundsim.analysis.budget_annex_invoices`, the victims'
window in :mod:`~fundsim.analysis.budget_annex_victims`, and the table helpers they share
in :mod:`~fundsim.analysis.annex_tables`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from fundsim.analysis.annex_tables import AnnexPeriod, AnnexTable
from fundsim.analysis.budget_annex_costs import (
    BudgetTables,
    CostLine,
    StaffingTables,
    budget_tables,
    cost_tables,
    host_cost_lines,
    posts_sustained,
    staffing_and_costs,
)
from fundsim.analysis.budget_annex_invoices import (
    BudgetAnnexError,
    Sharer,
    formulas_side,
    invoice_annex_tables,
    invoice_tables,
)
from fundsim.analysis.budget_annex_victims import victims_tables
from fundsim.analysis.share_tables import describe
from fundsim.runner import arguments
from fundsim.runner.plan import first_period
from fundsim.scenario.costs import network_cost_usd
from fundsim.scenario.presets import PRESET_NAMES
from fundsim.scenario.schema import Scenario
from fundsim.scenario.vocabulary import FORMULA_KINDS

__all__ = [
    "COMPARABLE",
    "AnnexTable",
    "BudgetAnnex",
    "BudgetAnnexError",
    "CostLine",
    "budget_annex",
    "host_cost_lines",
    "posts_sustained",
]

#: Formula names ``--compare-formula`` takes: the kinds and the precedent presets.
COMPARABLE: tuple[str, ...] = (*FORMULA_KINDS, *PRESET_NAMES)


@dataclass(frozen=True)
class BudgetAnnex:
    """The annex of one scenario (see the module docstring)."""

    scenario: str
    description: str
    years: tuple[int, ...]
    formula: str
    compare: str | None
    gross_cents: tuple[int, ...]
    fee_cents: tuple[int, ...]
    tables: tuple[AnnexTable, ...]
    notes: tuple[str, ...]
    #: Years whose planned closing balance is below zero (the budget leaves the fund short).
    negative_cash_years: tuple[int, ...] = ()
    #: Posts the net contributions sustain each year (all of them under the need rule).
    posts_sustained: tuple[int, ...] = ()

    def table(self, name: str) -> pd.DataFrame:
        """The frame of the table called ``name``."""
        return next(t.frame for t in self.tables if t.name == name)


def _coordinator_tables(
    scenario: Scenario,
    staff: StaffingTables,
    bud: BudgetTables,
    invoices: tuple[pd.DataFrame, pd.DataFrame],
    side: tuple[pd.DataFrame, list[str]],
) -> tuple[AnnexTable, ...]:
    """The coordinator window's tables of the annex, in the order they are shown."""
    return (
        *cost_tables(staff, bud),
        *invoice_annex_tables(scenario, bud, invoices, side),
    )


def budget_annex(
    scenario: Scenario, compare: str | None = None, lines: Sequence[CostLine] | None = None
) -> BudgetAnnex:
    """The budget annex of ``scenario`` for its first budget period.

    ``compare`` names a second formula (a kind or a precedent preset) shown beside the
    scenario's; ``lines`` are fixed cost lines beside the posts (default:
    :func:`host_cost_lines`). Raises :class:`BudgetAnnexError` for a formula the entities'
    data cannot compute."""
    scenario = arguments.entry(scenario)  # checked as the command line checks it
    if compare is not None and compare not in COMPARABLE:
        raise BudgetAnnexError(f"unknown formula '{compare}' (known: {', '.join(COMPARABLE)})")
    lines = host_cost_lines(scenario) if lines is None else list(lines)
    fixed_usd = sum(line.usd_per_year for line in lines)
    plan = first_period(scenario, network_cost_usd(scenario) + fixed_usd)
    rule = plan.rule
    start = scenario.simulation.start_year
    years = tuple(start + k for k in range(len(plan.planned_usd)))
    period = AnnexPeriod(
        years, [str(y) for y in years], [(1.0 + rule.indexation) ** k for k in range(len(years))]
    )
    notes: list[str] = []
    staff = staffing_and_costs(scenario, plan, lines, period, notes)
    bud = budget_tables(scenario, plan, period, fixed_usd, staff.posts, notes)
    sharer = Sharer(scenario)
    invoices = invoice_tables(scenario, sharer, bud.gross, period)
    side = formulas_side(scenario, sharer, bud.gross, compare, notes)
    if scenario.posts.costing == "flat":
        notes.append(
            f"flat costing: every post costs USD {scenario.posts.annual_cost_usd:,.0f} a year "
            'whatever its grade (posts.costing = "standard_costs" prices each grade and duty '
            "station)"
        )
    tables = _coordinator_tables(scenario, staff, bud, invoices, side)
    names = list(scenario.entity_names)
    all_tables = (*tables, *victims_tables(scenario, sharer_names=names, notes=notes))
    return BudgetAnnex(
        scenario=scenario.name,
        description=scenario.description,
        years=years,
        formula=describe(scenario.mechanism.formula),
        compare=compare,
        gross_cents=tuple(bud.gross),
        fee_cents=tuple(bud.fee_cents),
        tables=all_tables,
        notes=tuple(notes),
        negative_cash_years=tuple(int(y) for y, _ in bud.short),
        posts_sustained=tuple(bud.sustained),
    )
