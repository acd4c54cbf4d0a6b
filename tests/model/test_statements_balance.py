"""The fund's statements balance to the cent with the ledger, in every replication.

Each replication is run with the full journal (``audit``), and every line of the
statements is recomputed from the journal's postings, one by one, with the
classification written out again here (an oracle independent of the array arithmetic of
:mod:`fundsim.model.statements`): cash flows by year and by entity, closing cash, and the
position's receivables and commitments against the contributors' and the fund's own
records. Scenarios: the baseline (a victims' window, partial payments), the partial-payment
stress, fund practice (receivables basis, pre-financing), the siloed mode (entities' own
lines), a shared host, today for victims (entities' own lines, hosts' lines that lapse, the Trust
Fund's fee on expenditure, so fees payable) and two
hosting options (a secretariat, fees on expenditure).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from conftest import SCENARIOS

from fundsim.model.statements import scenario_statement_lines
from fundsim.model.world import ReplicationResult, World
from fundsim.runner.seeds import Streams, replication_seed
from fundsim.scenario import load_scenario
from fundsim.scenario.overrides import with_overrides

#: The oracle's classification of outside accounts (the statements' own table is not used).
LINE = {
    "contributions": "contributions",
    "victim_contributions": "contributions",
    "interest": "interest",
    "pledges": "pledges",
    "withheld": "withheld",
    "prefinancing": "host_prefinancing",
    "salaries": "payroll",
    "operating": "operating",
    "secretariat": "secretariat",
    "victim_services": "services",
    "child_support": "child_support",
    "caseworkers": "caseworkers",
    "admin_fees": "fees",
    "victim_admin_fees": "fees",
    "lapsed": "lapsed",  # today's hosts' lines lapse at year end (today.toml)
}
SCENARIO_NAMES = (
    "baseline",
    "stress_partial_payment",
    "fund_practice",
    "siloed",
    "shared_host",
    "trust_fund_today",
    "host_secretariat",
    "host_mptf",
)
YEARS = 4


def _world(name: str, rep: int) -> tuple[World, ReplicationResult]:
    scenario = with_overrides(
        load_scenario(SCENARIOS / f"{name}.toml"), {"simulation.years": YEARS}
    )
    world = World(scenario, Streams(replication_seed(11, rep)), audit=True)
    return world, world.run()


def _windows(world: World) -> dict[str, list[str]]:
    accounts = world.ledger.accounts
    out = {
        "coordinators": [a for a in accounts if a == "coordinator_fund" or a.startswith("host:")]
    }
    if world.victim_fund is not None:
        out["victims"] = [
            a
            for a in accounts
            if a in ("victim_fund", "children_account") or a.startswith("victims:")
        ]
    return out


def _oracle(
    world: World, window: str, accounts: list[str], other: list[str]
) -> dict[tuple[str, str, int], int]:
    """Every cash-flow line of ``window`` by year, from the journal's postings."""
    inside, others = set(accounts), set(other)
    names = set(world.scenario.entity_names)
    lines: dict[tuple[str, str, int], int] = defaultdict(int)
    assert world.ledger.journal is not None
    for time, to, frm, cents, memo in world.ledger.journal:
        if (to in inside) == (frm in inside):
            continue
        year = int(time) // 12
        outside, sign = (frm, 1) if to in inside else (to, -1)
        line = "transfers" if outside in others else LINE[outside]
        lines[(line, "", year)] += sign * cents
        if line == "contributions":
            assert memo in names
            lines[(line, memo, year)] += sign * cents
    return lines


@pytest.mark.parametrize("name", SCENARIO_NAMES)
@pytest.mark.parametrize("rep", [0, 1, 2])
def test_statements_balance_with_the_ledger_to_the_cent(name: str, rep: int) -> None:
    world, result = _world(name, rep)
    table = result.statements
    labels = scenario_statement_lines(world.scenario)
    assert table is not None and table.shape == (YEARS, len(labels))
    col = {(x.statement, x.window, x.line, x.detail): j for j, x in enumerate(labels)}
    windows = _windows(world)
    ledger = world.ledger
    for window, accounts in windows.items():
        other = [a for w, accts in windows.items() if w != window for a in accts]
        oracle = _oracle(world, window, accounts, other)
        cash = sum(ledger.opening[ledger.index[a]] for a in accounts)
        for y in range(YEARS):
            row = table[y]
            assert row[col[("cash_flow", window, "opening_cash", "")]] == cash
            flows = [
                (x.line, x.detail)
                for x in labels
                if x.statement == "cash_flow"
                and x.window == window
                and x.line not in ("opening_cash", "closing_cash")
            ]
            for line, detail in flows:
                assert row[col[("cash_flow", window, line, detail)]] == oracle.get(
                    (line, detail, y), 0
                ), (window, line, detail, y)
            cash += sum(oracle.get((line, "", y), 0) for line, detail in flows if not detail)
            assert row[col[("cash_flow", window, "closing_cash", "")]] == cash
            assert row[col[("position", window, "cash", "")]] == cash
            # The position's own identities.
            get = {
                x.line: row[col[("position", window, x.line, "")]]
                for x in labels
                if x.statement == "position" and x.window == window and not x.detail
            }
            assert get["total_assets"] == get["cash"] + get["receivables"]
            assert (
                get["net_assets"]
                == get["total_assets"] - get["prefinancing_owed"] - get["fees_payable"]
            )
            assert (
                get["net_assets"]
                == get["receivables"] + get["commitments"] + get["reserve"] + get["unencumbered"]
            )
            by_entity = sum(
                row[col[("position", window, "receivables", e)]]
                for e in world.scenario.entity_names
            )
            by_age = sum(
                row[col[("position", window, "receivables", f"age {a}")]] for a in range(YEARS)
            )
            assert by_entity == by_age == get["receivables"]
        # The last closing cash is the accounts' final balance in the ledger.
        assert cash == sum(ledger.balance[ledger.index[a]] for a in accounts)


@pytest.mark.parametrize("name", ["baseline", "stress_partial_payment", "host_mptf"])
def test_receivables_and_commitments_match_the_fund_records(name: str) -> None:
    world, result = _world(name, 0)
    table = result.statements
    assert table is not None
    labels = scenario_statement_lines(world.scenario)
    col = {(x.statement, x.window, x.line, x.detail): j for j, x in enumerate(labels)}
    last = table[-1]
    # Receivables at the last year end: everything invoiced, less what reached the fund,
    # less what was written off (at an exit, or as old arrears), less the instalments that
    # fall due after the horizon (a July fiscal year's last one: not yet owed).
    contrib = world.contributors
    fund = world.ledger.index["coordinator_fund"]
    received = int(world.ledger.totals[fund, world.ledger.index["contributions"]])
    assert last[col[("position", "coordinators", "receivables", "")]] == (
        int(contrib.invoiced.sum())
        - received
        - int(contrib.lost.sum())
        - int(contrib.after_horizon.sum())
        - int(contrib.written_off_by_year().sum())
    )
    # Commitments at the last year end: the fund's own count when the run stops.
    assert last[col[("position", "coordinators", "commitments", "")]] == sum(
        f.committed for f in world.funds
    )
    vf = world.victim_fund
    assert vf is not None
    assert last[col[("position", "victims", "commitments", "")]] == sum(
        f.committed for f in vf.window_funds
    )
    # The victims' reserve is its children's account.
    assert last[col[("position", "victims", "reserve", "")]] == vf.children_fund.cash_cents


def test_partial_payments_leave_receivables_and_fees_on_expenditure_leave_payables() -> None:
    """The lines a reader looks for are not all zero where the scenario says they cannot be."""
    world, result = _world("stress_partial_payment", 1)
    table = result.statements
    assert table is not None
    labels = scenario_statement_lines(world.scenario)
    col = {(x.statement, x.window, x.line, x.detail): j for j, x in enumerate(labels)}
    assert table[:, col[("position", "coordinators", "receivables", "")]].max() > 0
    assert (table[:, col[("cash_flow", "coordinators", "payroll", "")]] <= 0).all()
    world, result = _world("trust_fund_today", 0)
    fees = result.statements
    assert fees is not None
    labels = scenario_statement_lines(world.scenario)
    col = {(x.statement, x.window, x.line, x.detail): j for j, x in enumerate(labels)}
    assert np.any(fees[:, col[("cash_flow", "victims", "fees", "")]] < 0)
