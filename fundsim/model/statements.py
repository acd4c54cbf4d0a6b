"""The fund's statements, read from the ledger after a replication: the statement of cash
flows by year and the statement of financial position at each year end, per window.

A *window* is a set of ledger accounts that hold the window's cash: the coordinator
window (``coordinator_fund`` and, in the siloed and hybrid modes, the lead entities'
lines ``host:<entity>``) and the victims' window (``victim_fund``, its earmarked
``children_account`` and, siloed, the lines ``victims:<entity>``). Every posting between a
window's account and an account outside it is a cash flow, classified by the outside
account (:data:`CASH_FLOW_OF`); postings inside a window (to the children's account) are
not. Amounts are integer cents; inflows are positive, outflows negative.

- **Cash flows** (``statement = "cash_flow"``), for each year: ``opening_cash``, then
  contributions received (in total and by entity), the window's other receipts (interest,
  pledges, withheld payments, the host's pre-financing net of repayments, transfers between
  windows) and payments (payroll, operating, secretariat, services, child support,
  caseworkers, the Victims' Rights Advocate function (``advocates``), fees; ``lapsed``: what a
  lead entity's line had not committed at 31 December, when
  its budget lapses; the children's account's return is ``interest``), and ``closing_cash`` =
  opening + every line.
- **Financial position** (``statement = "position"``), at 31 December of each year: ``cash``;
  ``receivables`` (invoiced and not received, in total, by entity and by age in years);
  ``total_assets``; the liabilities ``prefinancing_owed`` (the host's advances not repaid) and
  ``fees_payable`` (fees on expenditure charged and not yet paid); ``net_assets``; and the
  fund balance: ``commitments`` (unliquidated obligations: contract months and service
  packages committed and not yet paid), ``reserve`` and ``unencumbered`` (cash less the
  liabilities, the commitments and the reserve; negative when commitments rest on
  receivables), so that ``net_assets = receivables + commitments + reserve + unencumbered``.
- **Arrears** (``statement = "arrears"``), for each year: ``written_off`` (receivables
  older than ``mechanism.arrears_write_off_years`` written off at the year end, net of
  later recoveries; in total and by entity: the fund's loss, which the next budget
  replenishes) and ``billed_for_others`` (what each entity was invoiced for the year to
  make up other entities' arrears, in total and by entity: zero under
  ``shortfall_policy = "arrears"``).
  The coordinator window's reserve is its cash beyond liabilities and commitments up to its
  reserve target (months of next year's planned cost); the victims' window's reserve is
  its children's account (earmarked for child support).

:func:`build_statements` checks, and raises ``AssertionError`` unless, to the cent: each
year's closing cash equals the ledger's balance of the window's accounts at that year end;
the last closing cash equals the accounts' final balances; contributions by entity add up
to the ledger's contributions; every outside account is classified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fundsim.model.ledger import Ledger
from fundsim.scenario.schema import Scenario

#: The cash-flow line of each outside account (a window's transfers are classified apart).
CASH_FLOW_OF = {
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
    "advocates": "advocates",
    "admin_fees": "fees",
    "lapsed": "lapsed",
    "children_interest": "interest",
    "victim_admin_fees": "fees",
}

#: The lines of the arrears statement, each in total then by entity.
ARREARS_LINES = ("written_off", "billed_for_others")

#: The cash-flow lines of each window, in the order of the statement.
WINDOW_CASH_LINES = {
    "coordinators": (
        "contributions",
        "interest",
        "host_prefinancing",
        "transfers",
        "payroll",
        "operating",
        "secretariat",
        "lapsed",
        "fees",
    ),
    "victims": (
        "contributions",
        "interest",
        "pledges",
        "withheld",
        "transfers",
        "services",
        "child_support",
        "caseworkers",
        "advocates",
        "fees",
    ),
}


@dataclass(frozen=True)
class WindowBooks:
    """What the statements of one window need besides the ledger (cents; ``years`` long
    unless said): its accounts, the contributions received by entity and calendar year
    (entities x years), the receivables at each year end by entity and age (entities x
    years x ages), the commitments, the reserve and the fees payable at each year end."""

    name: str  # coordinators | victims
    accounts: tuple[int, ...]
    received: NDArray[np.int64]
    receivables: NDArray[np.int64] | None
    commitments: Sequence[int]
    reserve_target: Sequence[int] | None  # None: the reserve is the earmarked account below
    earmarked_account: int | None
    fees_payable: Sequence[int]
    #: Arrears written off at each year end, net of recoveries (entities x years); None: none.
    written_off: NDArray[np.int64] | None = None
    #: Invoiced for other entities' arrears in each budget year (entities x years); None: none.
    for_others: NDArray[np.int64] | None = None


@dataclass(frozen=True)
class StatementLine:
    """The label of one line: ``statement`` (cash_flow | position), ``window``, ``line`` and
    ``detail`` (an entity's name, ``age N`` for receivables N years old, or empty)."""

    statement: str
    window: str
    line: str
    detail: str = ""


def statement_lines(window: str, entities: Sequence[str], years: int) -> tuple[StatementLine, ...]:
    """The lines of ``window``'s statements, in the order :func:`window_statements` fills them."""
    cf = [StatementLine("cash_flow", window, "opening_cash")]
    for line in WINDOW_CASH_LINES[window]:
        cf.append(StatementLine("cash_flow", window, line))
        if line == "contributions":
            cf.extend(StatementLine("cash_flow", window, line, e) for e in entities)
    cf.append(StatementLine("cash_flow", window, "closing_cash"))
    pos = [
        StatementLine("position", window, "cash"),
        StatementLine("position", window, "receivables"),
    ]
    pos.extend(StatementLine("position", window, "receivables", e) for e in entities)
    pos.extend(StatementLine("position", window, "receivables", f"age {a}") for a in range(years))
    pos.extend(
        StatementLine("position", window, name)
        for name in (
            "total_assets",
            "prefinancing_owed",
            "fees_payable",
            "net_assets",
            "commitments",
            "reserve",
            "unencumbered",
        )
    )
    arrears = []
    for name in ARREARS_LINES:
        arrears.append(StatementLine("arrears", window, name))
        arrears.extend(StatementLine("arrears", window, name, e) for e in entities)
    return (*cf, *pos, *arrears)


def _cash_lines(
    ledger: Ledger,
    yearly: NDArray[np.int64],
    books: WindowBooks,
    other: Sequence[int],
    inside: NDArray[np.bool_],
) -> tuple[dict[str, NDArray[np.int64]], NDArray[np.int64], NDArray[np.int64]]:
    """The window's cash-flow lines by year, its opening and closing cash (cents), checked
    against the contributions by entity and the ledger's balances."""
    years = yearly.shape[0]
    net_in = yearly[:, inside, :].sum(axis=1) - yearly[:, :, inside].sum(
        axis=2
    )  # years x counterpart
    net_in[:, inside] = 0  # moves within the window are not cash flows
    lines = {name: np.zeros(years, dtype=np.int64) for name in WINDOW_CASH_LINES[books.name]}
    other_set = set(other)
    accounts = ledger.accounts
    for j in np.flatnonzero(net_in.any(axis=0)).tolist():  # counterparts with flows
        if inside[j]:
            continue
        account = accounts[j]
        line = "transfers" if j in other_set else CASH_FLOW_OF.get(account)
        if line is None or line not in lines:
            raise AssertionError(
                f"{books.name} window: flows with account '{account}' fit no cash-flow line"
            )
        lines[line] += net_in[:, j]
    received = books.received.sum(axis=0)
    if not np.array_equal(received, lines["contributions"]):
        raise AssertionError(
            f"{books.name} window: contributions by entity {received.tolist()} != "
            f"ledger {lines['contributions'].tolist()} cents"
        )
    opening0 = sum(ledger.opening[a] for a in books.accounts)
    change = sum(lines.values())
    closing = opening0 + np.cumsum(change)
    opening = np.concatenate([[opening0], closing[:-1]])
    final = sum(ledger.balance[a] for a in books.accounts)
    if int(closing[-1]) != final:
        raise AssertionError(
            f"{books.name} window: closing cash {int(closing[-1])} != ledger balance {final} cents"
        )
    # Cash at each year end straight from the ledger's flows (all of them, transfers inside
    # the window cancelling): the statement's closing cash must equal it every year.
    ledger_cash = opening0 + np.cumsum(
        yearly[:, inside, :].sum(axis=(1, 2)) - yearly[:, :, inside].sum(axis=(1, 2))
    )
    if not np.array_equal(ledger_cash, closing):
        raise AssertionError(
            f"{books.name} window: closing cash {closing.tolist()} != ledger {ledger_cash.tolist()}"
        )
    return lines, opening, closing


def _position(
    ledger: Ledger,
    yearly: NDArray[np.int64],
    books: WindowBooks,
    lines: dict[str, NDArray[np.int64]],
    closing: NDArray[np.int64],
) -> list[NDArray[np.int64]]:
    """The window's position at each year end, in the order of :func:`statement_lines`
    (cents; single lines, and blocks of entities x years and ages x years): cash,
    receivables (by entity, by age), assets, what it owes, commitments, the reserve and what
    is unencumbered."""
    years = yearly.shape[0]
    n_ent = books.received.shape[0]
    if books.receivables is not None:
        by_entity = books.receivables.sum(axis=2)  # entities x year ends
        by_age = books.receivables.sum(axis=0).T  # ages x year ends
    else:
        by_entity = np.zeros((n_ent, years), dtype=np.int64)
        by_age = np.zeros((years, years), dtype=np.int64)
    receivables = by_entity.sum(axis=0)
    prefinancing_owed = (
        np.cumsum(lines["host_prefinancing"])
        if "host_prefinancing" in lines
        else np.zeros(years, np.int64)
    )
    fees_payable = np.asarray(books.fees_payable, dtype=np.int64)
    commitments = np.asarray(books.commitments, dtype=np.int64)
    total_assets = closing + receivables
    net_assets = total_assets - prefinancing_owed - fees_payable
    free = closing - prefinancing_owed - fees_payable - commitments
    if books.reserve_target is not None:
        reserve = np.minimum(np.maximum(free, 0), np.asarray(books.reserve_target, dtype=np.int64))
    else:
        assert books.earmarked_account is not None
        a = books.earmarked_account
        reserve = ledger.opening[a] + np.cumsum(
            yearly[:, a, :].sum(axis=1) - yearly[:, :, a].sum(axis=1)
        )
    unencumbered = free - reserve
    return [
        closing,
        receivables,
        by_entity,
        by_age,
        total_assets,
        prefinancing_owed,
        fees_payable,
        net_assets,
        commitments,
        reserve,
        unencumbered,
    ]


def window_statements(
    ledger: Ledger, yearly: NDArray[np.int64], books: WindowBooks, other: Sequence[int]
) -> NDArray[np.int64]:
    """The statements of one window, years x :func:`statement_lines` (cents). ``yearly``:
    the ledger's flows summed by year (years x to x from); ``other``: the accounts of the
    other window (flows with them are transfers)."""
    years = yearly.shape[0]
    n_ent = books.received.shape[0]
    inside = np.zeros(len(ledger.accounts), dtype=bool)
    inside[list(books.accounts)] = True
    lines, opening, closing = _cash_lines(ledger, yearly, books, other, inside)
    # Blocks of lines x years (a single line, or one line per entity), stacked at once.
    cf: list[NDArray[np.int64]] = [opening]
    for name in WINDOW_CASH_LINES[books.name]:
        cf.append(lines[name])
        if name == "contributions":
            cf.append(books.received)
    cf.append(closing)
    pos = _position(ledger, yearly, books, lines, closing)
    arrears: list[NDArray[np.int64]] = []
    for part in (books.written_off, books.for_others):
        by = (
            np.zeros((n_ent, years), dtype=np.int64)
            if part is None
            else np.asarray(part, dtype=np.int64)
        )
        arrears.append(by.sum(axis=0))
        arrears.append(by)
    blocks = [np.asarray(b, dtype=np.int64).reshape(-1, years) for b in (*cf, *pos, *arrears)]
    return np.ascontiguousarray(np.concatenate(blocks).T)


def build_statements(ledger: Ledger, windows: Sequence[WindowBooks]) -> NDArray[np.int64]:
    """Every window's statements side by side, years x lines (cents), in the order of
    :func:`statement_lines` for each window in turn. The ledger must be closed."""
    yearly = ledger.yearly
    parts = []
    for books in windows:
        others = [a for w in windows if w is not books for a in w.accounts]
        parts.append(window_statements(ledger, yearly, books, others))
    return np.concatenate(parts, axis=1)


def scenario_statement_lines(scenario: Scenario) -> tuple[StatementLine, ...]:
    """The lines of a replication's :attr:`ReplicationResult.statements` for ``scenario``:
    the coordinator window's, then the victims' window's when it has one."""
    names, years = scenario.entity_names, scenario.simulation.years
    windows = ("coordinators", "victims") if scenario.victims is not None else ("coordinators",)
    return tuple(line for w in windows for line in statement_lines(w, names, years))
