"""The victims' window's side of the budget annex: its first-year budget, the Victims' Rights
Advocate function's posts and office, and each entity's invoice, as the model approves them
at the start of replication 0 (:func:`fundsim.runner.plan.victims_first_budget`: the gross
and every invoice are the simulated run's to the cent). USD."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundsim.analysis.annex_tables import AnnexTable, usd, usd_formats, with_total
from fundsim.runner.plan import VictimsFirstBudget, advocate_lines, victims_first_budget
from fundsim.scenario.schema import Scenario


def _victims_budget_frame(scenario: Scenario, vb: VictimsFirstBudget, col: str) -> pd.DataFrame:
    """The victims' window's first-year budget table (USD): the lines, the need, the net
    requirement, the host's fees and the gross."""
    lines = vb.lines
    net = max(0.0, lines["need"]) * lines["entity_cost_share"]
    gross = usd(vb.gross_cents)
    fee_words = (
        f"{vb.fee:.0%} on receipts"
        if vb.fee_basis == "receipts"
        else f"{vb.fee:.0%} on expenditure, charged as spent and budgeted up front"
    )
    rows = [
        [
            "services (expected victims x expected package, the share the window pays)",
            lines["services"],
        ],
        [f"case management ({vb.slots} caseworker slots)", lines["caseworkers"]],
        ["Victims' Rights Advocate function (posts and office)", lines["advocates"]],
        [
            "child support (the next 12 months of the children supported, and the year's new "
            "children)"
            if scenario.victims is not None and scenario.victims.children.funding == "paygo"
            else "children's account (the pre-funding policy's need)",
            lines["child_support"],
        ],
        [
            f"reserve (target {scenario.victims.funding.reserve_target_months:g} months)"
            if scenario.victims is not None
            else "reserve",
            lines["reserve"],
        ],
        ["less cash in hand (or the plan's position)", -lines["cash"]],
        ["less expected pledges and withheld payments", -lines["pledges"]],
        ["need", lines["need"]],
        [f"net requirement (need x entity cost share {lines['entity_cost_share']:.0%})", net],
        [f"host fees ({fee_words})", gross - net],
        ["gross budget (invoiced to entities)", gross],
    ]
    return pd.DataFrame(rows, columns=["line", col])


def _victims_advocates_frame(scenario: Scenario, year: str) -> tuple[pd.DataFrame, int]:
    """The Victims' Rights Advocate function's posts and office (USD at start-year prices),
    and how many lines it has (0 when the function is paid elsewhere)."""
    adv = advocate_lines(scenario)
    advocates = pd.DataFrame(
        [[a.role, a.grade, a.duty_station_class, a.count, a.unit_usd, a.annual_usd] for a in adv],
        columns=[
            "line",
            "grade",
            "duty station class",
            "posts",
            "unit cost (USD)",
            f"{year} at start-year prices (USD)",
        ],
    )
    advocates = with_total(
        advocates,
        [
            "total",
            "",
            "",
            sum(a.count for a in adv if a.grade),
            None,
            sum(a.annual_usd for a in adv),
        ],
    )
    return advocates, len(adv)


def victims_tables(
    scenario: Scenario, sharer_names: list[str], notes: list[str]
) -> list[AnnexTable]:
    """The victims' window's first-year budget, its advocates and its invoices (none without
    a ``[victims]`` section); adds the window's notes to ``notes``."""
    vb = victims_first_budget(scenario)
    if vb is None:
        return []
    year = str(scenario.simulation.start_year)
    col = f"{year} (USD)"
    gross = usd(vb.gross_cents)
    budget = _victims_budget_frame(scenario, vb, col)
    advocates, n_adv = _victims_advocates_frame(scenario, year)
    invoices = np.array(vb.invoices_cents, dtype=np.int64)
    inv = pd.DataFrame(
        {
            "entity": sharer_names,
            f"share {year} (share)": invoices / vb.gross_cents if vb.gross_cents else 0.0,
            col: invoices / 100,
        }
    )
    inv = with_total(inv, ["total", 1.0 if vb.gross_cents else 0.0, gross])
    notes.append(
        f"victims' window: the first-year budget and invoices as replication {vb.rep} of seed "
        f"{vb.seed} "
        "approves them (the children's stock and its support are drawn; the services, case "
        "management "
        "and advocates lines are expected values); the window is budgeted each year, not by period"
    )
    if not n_adv:
        notes.append(
            "victims' window: the Victims' Rights Advocate function is paid elsewhere "
            "(victims.advocates.enabled = false)"
        )
    return [
        AnnexTable(
            "victims_budget",
            "Victims' window: first-year budget",
            "Services, case management, the Victims' Rights Advocate function, child support and "
            "the "
            "reserve, less cash and expected pledges, grossed up for the host's fee: the gross is "
            "what the "
            "simulated run assesses, to the cent.",
            budget,
            usd_formats(budget),
            totals=1,
        ),
        AnnexTable(
            "victims_advocates",
            "Victims' window: the Victims' Rights Advocate function",
            "Posts by grade and duty-station class at their standard cost, and the office's "
            "running costs "
            "(none when the function is paid elsewhere).",
            advocates,
            {**usd_formats(advocates), "posts": "count"},
            totals=1,
        ),
        AnnexTable(
            "victims_invoices",
            "Victims' window: invoices by entity",
            "Each entity's first-year invoice for the victims' window, the ledger's split of the "
            "gross "
            "under the window's formula, as the simulated run assesses it.",
            inv,
            {**usd_formats(inv), f"share {year} (share)": "share"},
            totals=1,
        ),
    ]
