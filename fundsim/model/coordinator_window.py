"""The coordinator window's builder: its funds and parts, as its arrangement says.

:func:`build_coordinator_window` builds, over the shared context, what the window's
:class:`~fundsim.model.arrangement.Arrangement` (the mechanism's mode, decided once)
calls for: the pooled fund and each lead entity's line, the contributors paying into
them, the pooled fund's liquidity, the posts, and the
:class:`~fundsim.model.coordinator_fund.CoordinatorFund` that holds the window's money
rules.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fundsim.model.arrangement import ACCOUNTS, Arrangement
from fundsim.model.budget import rule_for
from fundsim.model.context import Context
from fundsim.model.contributors import Contributors
from fundsim.model.coordinator_fund import CoordinatorFund
from fundsim.model.coordinators import Coordinators
from fundsim.model.formula_shares import formula_shares
from fundsim.model.fund import Fund
from fundsim.model.ledger import to_cents
from fundsim.model.liquidity import Liquidity, expected_collections
from fundsim.model.shocks import ShockPlan
from fundsim.scenario.host import fee_rate
from fundsim.scenario.schema import Scenario

RngFor = Callable[[str], np.random.Generator]


def _line_posts(
    scenario: Scenario, a: Arrangement, coordinators: Coordinators
) -> list[tuple[str, float | list[int]]]:
    """What each entity's own line budgets for, in the entities' order: under lead
    entities' terms the posts it hosts in units of a standard post's cost, else the indices
    of the posts it leads; nothing in the pooled mode."""
    names = scenario.entity_names
    if not a.lead_entities:
        return [(name, []) for name in names]
    if a.on_lead_terms:
        assert a.terms is not None
        annual, post = scenario.posts.annual_cost_usd, coordinators.costs.planned_cost_usd(0, 1)
        return [(name, a.terms.posts_weight(name, post, annual)) for name in names]
    return [
        (name, [i for i, c in enumerate(scenario.countries) if c.lead_entity == name])
        for name in names
    ]


def _fee_rates(scenario: Scenario) -> tuple[float, float]:
    """The host's fee rates on receipts and on expenditure (the same in every replication)."""
    return fee_rate(scenario, "receipts"), fee_rate(scenario, "expenditure")


def build_coordinator_window(
    scenario: Scenario, a: Arrangement, ctx: Context, shocks: ShockPlan, rng_for: RngFor
) -> CoordinatorFund:
    """The coordinator window's parts over ``ctx`` (whose ledger holds ``a``'s accounts):
    its funds, the entities paying into them, the posts and the fund itself."""
    mechanism, ledger = scenario.mechanism, ctx.ledger
    ix = ledger.index
    fund = Fund(ledger, "coordinator_fund")
    # Siloed and hybrid: each lead entity's own budget line for the posts it hosts.
    lines = {h: Fund(ledger, f"host:{h}") for h in a.lead_entities}
    # The host's fees (fundsim.scenario.host): on each contribution as it arrives, and on
    # what the fund spends; with a shared host, the shared rate for both windows.
    fee, fee_exp = ctx.static.derived("host_fee_rates", _fee_rates)
    # Each lead entity's support cost on its own line: rate r on direct cost, charged on receipts at
    # r / (1 + r).
    line_fees = [r / (1.0 + r) for r in a.support] if any(a.support) else None
    contributors = Contributors(
        ctx,
        scenario.entity_names,
        scenario.payments,
        scenario.participation,
        formula_shares(ctx.static, "coordinators", mechanism.formula),
        shocks,
        rng_for("payments"),
        fund=fund,
        lines=[lines.get(name) for name in scenario.entity_names],
        fee=fee,
        contributions_account=ix["contributions"],
        fees_account=ix["admin_fees"],
        fiscal_start_months=[e.fiscal_year_start_month for e in scenario.entities],
        line_fees=line_fees,
        write_off_years=mechanism.arrears_write_off_years,
    )
    incumbent_fund = Fund(ledger, "incumbents") if a.incumbents in ("held", "at_once") else None
    liquidity = None
    if a.liquidity:
        expected = expected_collections(contributors, mechanism, fee) if a.authority else None
        liquidity = Liquidity(
            ctx,
            fund,
            to_cents(a.prefinancing_usd),
            ix["prefinancing"],
            authority=(lambda month: expected(month // 12)) if expected is not None else None,
        )
    coordinators = Coordinators(
        ctx,
        scenario.posts,
        rng_for("recruitment"),
        [lines[h] if h else fund for h in a.post_lines],
        salaries_account=ix["salaries"],
        operating_account=ix["operating"],
        backstop=fund if a.backstop else None,
        contract_months=a.contract_months,
        liquidity=liquidity,
        lead_terms=a.terms if a.on_lead_terms else None,
        # The stream keeps its name "hosts": renaming it would change the draws.
        rng_lead_terms=rng_for("hosts") if a.on_lead_terms else None,
        incumbent_fund=incumbent_fund,
    )
    accounts = {name: ix[name] for name in (*ACCOUNTS, *a.extra_accounts)}
    return CoordinatorFund(
        ctx,
        a,
        mechanism,
        fund,
        lines,
        incumbent_fund,
        coordinators,
        contributors,
        liquidity,
        fee=fee,
        fee_on_expenditure=fee_exp,
        accounts=accounts,
        expected_inflation=scenario.costs.inflation_annual,
        line_posts=_line_posts(scenario, a, coordinators),
        rule=ctx.static.derived("budget_rule", rule_for),  # frozen: shared by replications
    )
