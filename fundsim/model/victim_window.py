"""The victims' window's builder: its accounts, its cases and its fund, over the shared context.

In the ``siloed`` mechanism mode each entity has its own line for its victims' services
(accounts ``victims:<entity>``); otherwise the window is one fund. The caseworkers'
first cases are scheduled before the pledges (SimPy breaks ties between events due at
the same time in the order they were scheduled), so the cases are built first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fundsim.model.advocates import advocates_usd_year
from fundsim.model.allegations import caseload_plan, draw_victims
from fundsim.model.cases import VictimCases, caseworker_slots
from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.existing_services import case_funds, services_scale
from fundsim.model.formula_shares import formula_shares
from fundsim.model.fund import Fund
from fundsim.model.shocks import ShockPlan
from fundsim.model.victim_fund import VICTIM_ACCOUNTS, VictimFund, fees_account_name, window_fees
from fundsim.scenario.schema import Scenario

RngFor = Callable[[str], np.random.Generator]


@dataclass(frozen=True)
class VictimWindow:
    """The victims' window of one replication: its cases, its fund and the caseworker slots
    paid in each year (all pools together)."""

    cases: VictimCases
    fund: VictimFund
    caseworker_slots: list[int]


def victim_accounts(scenario: Scenario) -> tuple[str, ...]:
    """The victims' window's ledger accounts (none without a ``[victims]`` section)."""
    if scenario.victims is None:
        return ()
    if scenario.mechanism.mode == "siloed":
        return (*VICTIM_ACCOUNTS, *(f"victims:{n}" for n in scenario.entity_names))
    return VICTIM_ACCOUNTS


def build_victim_window(
    scenario: Scenario, ctx: Context, shocks: ShockPlan, rng_for: RngFor, coordinator_fund: Fund
) -> VictimWindow:
    """The victims' cases and fund over ``ctx`` (whose ledger holds :func:`victim_accounts`),
    with the entities assessed for the window; ``coordinator_fund``: the other window."""
    v = scenario.victims
    assert v is not None
    ledger, names = ctx.ledger, scenario.entity_names
    ix = ledger.index
    fund = Fund(ledger, "victim_fund")
    lines = (
        [Fund(ledger, f"victims:{n}") for n in names] if scenario.mechanism.mode == "siloed" else []
    )
    fee, fees_account = window_fees(scenario)[0], ix[fees_account_name(v)]
    plan = caseload_plan(scenario)
    n_pools = len(scenario.countries) if v.caseworkers.pooling == "per_country" else 1
    slots = caseworker_slots(v.caseworkers, plan.victims_per_year)
    draws = draw_victims(scenario, rng_for)
    cases = VictimCases(
        ctx,
        draws,
        v.caseworkers,
        v.priority,
        n_countries=len(scenario.countries),
        funds=[fund, *lines],
        services_account=ix["victim_services"],
        slots=slots,
        services_scale=services_scale(scenario, draws.country, draws.child),  # para 50
        fund_of=case_funds(scenario, draws.entity),  # siloed: entities paying their own
    )
    own_lines: list[Fund | None] = [*lines] if lines else [None] * len(names)
    contributors = Contributors(
        ctx,
        names,
        scenario.payments,
        scenario.participation,
        formula_shares(ctx.static, "victims", v.funding.formula or scenario.mechanism.formula),
        shocks,
        rng_for("victim_payments"),
        fund=fund,
        lines=own_lines,
        fee=fee if v.funding.fee_basis == "receipts" else 0.0,  # on expenditure: charged as spent
        contributions_account=ix["victim_contributions"],
        fees_account=fees_account,
        fiscal_start_months=[e.fiscal_year_start_month for e in scenario.entities],
        write_off_years=scenario.mechanism.arrears_write_off_years,
        cut=shocks.cut_for("victims"),
    )
    victim_fund = VictimFund(
        ctx,
        v,
        plan,
        fund=fund,
        lines=lines,
        coordinator_fund=coordinator_fund,
        contributors=contributors,
        fee=fee,
        fees_account=fees_account,
        rng_for=rng_for,
        interest_rate_annual=scenario.mechanism.interest_rate_annual,
        shortfall_policy=scenario.mechanism.shortfall_policy,
        budget_reference=scenario.mechanism.budget_reference,
        advocates_usd_year=advocates_usd_year(scenario),
    )
    return VictimWindow(cases, victim_fund, [n * n_pools for n in slots])
