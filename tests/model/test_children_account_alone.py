"""The children's account as a part on its own (no World): it is topped up from the window
to this month's and the next twelve months' support, pays the support due, and keeps back
what it lacks of those months from new service packages."""

from __future__ import annotations

import numpy as np
from part_builders import part_context
from victim_builders import victim_scenario

from fundsim.model.children_account import CHILD_SUPPORT_KEPT_MONTHS, ChildrenAccount
from fundsim.model.fund import Fund
from fundsim.runner.seeds import Streams, replication_seed

ACCOUNTS = ("victim_fund", "children_account", "child_support", "children_interest", "opening")


def _account(window_cents: int) -> tuple[ChildrenAccount, Fund]:
    scenario = victim_scenario(None, children={"stock": 40})
    assert scenario.victims is not None
    ctx = part_context(scenario, ACCOUNTS)
    ix = ctx.ledger.index
    window = Fund(ctx.ledger, "victim_fund")
    ctx.ledger.open(window.account, window_cents, ix["opening"])
    multiplier = np.ones(ctx.years)
    account = ChildrenAccount(
        ctx,
        scenario.victims.children,
        multiplier,
        Streams(replication_seed(11, 0)),
        0.0,
        support_account=ix["child_support"],
        interest_account=ix["children_interest"],
    )
    return account, window


def test_paygo_holds_the_next_months_of_support_and_pays_the_month() -> None:
    account, window = _account(10**12)
    children = account.children
    due = children.due_cents(0)
    assert due > 0
    kept_back = account.pay(0, window)
    assert kept_back == 0  # the window had the money: nothing is kept back from services
    assert children.paid_cents == due and children.missed_cents == 0
    assert account.fund.cash_cents == children.due_ahead_cents(0, CHILD_SUPPORT_KEPT_MONTHS)
    assert account.kept_cents(0) == account.fund.cash_cents


def test_a_short_window_pays_what_it_has_and_counts_the_rest_missed() -> None:
    account, window = _account(1_000)
    children = account.children
    due = children.due_cents(0)
    assert due > 1_000
    kept_back = account.pay(0, window)
    assert children.paid_cents == 1_000 and children.missed_cents == due - 1_000
    assert window.cash_cents == 0
    assert kept_back == children.due_ahead_cents(0, CHILD_SUPPORT_KEPT_MONTHS)
