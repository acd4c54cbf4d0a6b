"""The victims' window's results after the run: its conservation check, metrics and yearly flows.

Pure reads of a finished :class:`~fundsim.model.victim_fund.VictimFund` (its public
state) and its closed ledger: cents, or USD where the metric's name says so.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fundsim.model.victim_fund import VictimFund


def check_windows_conservation(vf: VictimFund) -> None:
    """Raise ``AssertionError`` unless the victims' fund (and each line), and the two
    windows taken together, balance to the cent (opening + inflows - outflows = closing)."""
    ledger = vf.ledger
    for part in vf.window_funds:
        ledger.check_conservation(part.account)
    inside = [vf.coordinator_fund.account] + [f.account for f in vf.window_funds]
    outside = [i for i in range(len(ledger.accounts)) if i not in inside]
    total = ledger.totals  # to x from
    inflow = int(total[np.ix_(inside, outside)].sum())
    outflow = int(total[np.ix_(outside, inside)].sum())
    opening = sum(ledger.opening[i] for i in inside)
    closing = sum(ledger.balance[i] for i in inside)
    if opening + inflow - outflow != closing:
        raise AssertionError(
            f"the windows together do not balance: {opening + inflow - outflow} != {closing} cents"
        )


def victim_metrics(vf: VictimFund) -> dict[str, float]:
    """Per-replication metrics of the fund (names in docs/victims.md), after checking
    its conservation."""
    check_windows_conservation(vf)
    ledger = vf.ledger
    accts = [f.account for f in vf.window_funds]
    outside = [i for i in range(len(ledger.accounts)) if i not in accts]
    total = ledger.totals  # to x from
    children = vf.children
    pv = children.obligations_pv_cents() / 100
    liability = vf.statement.closing_cents / 100
    assets = vf.children_fund.cash_cents / 100
    contrib = vf.contributors
    return {
        "children_supported": float(children.supported()),
        "children_owed_at_end": float(children.owed_at_end()),
        "child_support_paid_usd": children.paid_cents / 100,
        "child_support_missed_usd": children.missed_cents / 100,
        "obligations_pv_usd": pv,
        "children_liability_pv_usd": liability,
        "children_liability_at_start_usd": vf.statement.stock_pv_cents / 100,
        "pv_per_new_child_usd": vf.statement.pv_per_new_child_cents / 100,
        "children_account_usd": assets,
        "children_interest_usd": vf.children_interest_cents / 100,
        "funded_ratio": assets / liability if liability > 0 else float("nan"),
        "caseworker_cost_usd": vf.caseworker_cents / 100,
        "advocates_cost_usd": vf.advocates_cents / 100,
        "victim_opening_balance_usd": sum(ledger.opening[a] for a in accts) / 100,
        "victim_inflows_usd": int(total[np.ix_(accts, outside)].sum()) / 100,
        "victim_outflows_usd": int(total[np.ix_(outside, accts)].sum()) / 100,
        "victim_closing_balance_usd": sum(ledger.balance[a] for a in accts) / 100,
        "victim_assessed_usd": float(contrib.assessed_in_horizon.sum()) / 100,
        "victim_paid_usd": float(contrib.paid.sum()) / 100,
        "pledges_usd": vf.pledged_cents / 100,
        "withheld_usd": vf.withheld_cents / 100,
        "victim_admin_fees_usd": int(total[vf.acct_fees, accts].sum()) / 100,
        "transfers_usd": vf.transfers_cents / 100,
        "victim_billed_for_others_usd": float(contrib.for_others.sum()) / 100,
    }


def victim_yearly_cents(vf: VictimFund) -> NDArray[np.int64]:
    """Years x (spending, income) of the window (cents): everything it paid out
    (services, child support, caseworkers, fees) and everything it received from
    outside (contributions, pledges, withheld payments, transfers, interest), by year."""
    ledger = vf.ledger
    inside = [f.account for f in vf.window_funds]
    outside = [i for i in range(len(ledger.accounts)) if i not in inside]
    yearly = ledger.yearly  # year x to x from
    spending = yearly[:, outside][:, :, inside].sum(axis=(1, 2))
    income = yearly[:, inside][:, :, outside].sum(axis=(1, 2))
    return np.stack((spending, income), axis=1).astype(np.int64)
