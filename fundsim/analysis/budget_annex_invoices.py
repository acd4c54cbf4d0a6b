"""Who pays the budget of the annex: each entity's invoice by year and by instalment under
the scenario's formula (the ledger's largest-remainder split of the gross in cents, as the
model assesses it), and the formulas side by side (the scenario's, one compared, the
precedent keys). USD, cents exact."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fundsim.analysis.annex_tables import (
    AnnexPeriod,
    AnnexTable,
    share_formats,
    usd,
    usd_formats,
    with_total,
)
from fundsim.analysis.budget_annex_costs import BudgetTables
from fundsim.analysis.share_tables import default_formulas, describe
from fundsim.errors import BadInput
from fundsim.runner.plan import split_cents
from fundsim.scenario.costs import country_costs_usd
from fundsim.scenario.keys import key_vectors, presence_matrix
from fundsim.scenario.presets import PRESET_NAMES, PRESETS
from fundsim.scenario.schema import Formula, Scenario
from fundsim.sharing.dispatch import compute_shares

#: Month names for instalment due dates.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class BudgetAnnexError(BadInput):
    """A formula to compare that the scenario's data cannot compute."""

    about_scenario = True


def formula_for(scenario: Scenario, name: str) -> Formula:
    """The formula ``name`` names: a precedent preset, or a kind (the scenario's own for
    its kind, else the default of :func:`fundsim.analysis.share_tables.default_formulas`)."""
    if name in PRESETS:
        return Formula.model_validate({"kind": name})
    available = default_formulas(scenario)
    if name not in available:
        raise BudgetAnnexError(
            f"formula '{name}' cannot be computed from this scenario's entities (it has: "
            f"{', '.join(available)})"
        )
    return available[name]


class Sharer:
    """Shares of every entity under a formula, as the model computes them at the start."""

    def __init__(self, scenario: Scenario) -> None:
        self.n = len(scenario.entities)
        self.keys = key_vectors(scenario)
        self.presence = presence_matrix(scenario)
        self.country_cost = country_costs_usd(scenario)

    def shares(self, formula: Formula, total_usd: float) -> NDArray[np.float64]:
        missing = [c for c in formula.columns() if c not in self.keys]
        if missing:
            raise BudgetAnnexError(
                f"formula {formula.preset or formula.kind}: the entities table has no column "
                f"'{missing[0]}'"
                + (f" (the '{formula.preset}' precedent reads it)" if formula.preset else "")
            )
        try:
            return compute_shares(
                formula,
                self.n,
                self.keys,
                presence=self.presence,
                country_cost=self.country_cost,
                total_usd=total_usd,
            )
        except ValueError as exc:
            raise BudgetAnnexError(f"formula {formula.preset or formula.kind}: {exc}") from None


def invoice_tables(
    scenario: Scenario, sharer: Sharer, gross: list[int], period: AnnexPeriod
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Invoices by entity and year under the scenario's formula, and by instalment (USD)."""
    labels = period.labels
    names = list(scenario.entity_names)
    own_shares = [sharer.shares(scenario.mechanism.formula, usd(g)) for g in gross]
    invoices_cents = [split_cents(g, s) for g, s in zip(gross, own_shares, strict=True)]
    inv = pd.DataFrame({"entity": names, f"share {labels[0]} (share)": own_shares[0]})
    for y, year_cents in zip(labels, invoices_cents, strict=True):
        inv[f"{y} (USD)"] = year_cents / 100
    inv["period total (USD)"] = sum(invoices_cents) / 100
    inv = with_total(
        inv, ["total", float(own_shares[0].sum()), *[usd(g) for g in gross], usd(sum(gross))]
    )
    n_inst = scenario.payments.instalments_per_year
    offsets = [e.fiscal_year_start_month - 1 for e in scenario.entities]
    inst_rows: list[list[object]] = []
    for year, year_cents in zip(period.years, invoices_cents, strict=True):
        for i, name in enumerate(names):
            part, extra = divmod(int(year_cents[i]), n_inst)
            for j in range(n_inst):
                month = offsets[i] + j * 12 // n_inst
                due_year, due_month = year + month // 12, month % 12
                amount = part + (extra if j == n_inst - 1 else 0)
                inst_rows.append(
                    [name, year, j + 1, f"{_MONTHS[due_month]} {due_year}", amount / 100]
                )
    inst_rows.append(["total", None, None, "", usd(sum(gross))])
    instalments = pd.DataFrame(
        inst_rows, columns=["entity", "budget year", "instalment", "due", "amount (USD)"]
    )
    return inv, instalments


def formulas_side(
    scenario: Scenario, sharer: Sharer, gross: list[int], compare: str | None, notes: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Formulas side by side: the scenario's, the one compared, the precedent keys (shares
    and USD over the period), and the words for each formula shown; adds notes."""
    own = scenario.mechanism.formula
    period_gross = sum(gross)
    columns = {"scenario": own}
    if compare is not None:
        columns[f"compared {compare}"] = formula_for(scenario, compare)
    for preset in PRESET_NAMES:
        if preset != compare and own.preset != preset:
            columns[preset] = Formula.model_validate({"kind": preset})
    side = pd.DataFrame({"entity": list(scenario.entity_names)})
    compare_label = None
    for label, formula in columns.items():
        try:
            per_year = [split_cents(g, sharer.shares(formula, usd(g))) for g in gross]
        except BudgetAnnexError as exc:
            if label.startswith("compared"):
                raise
            notes.append(f"precedent {label} not shown: {exc}")
            continue
        total = sum(per_year)
        side[f"{label} (share)"] = total / period_gross if period_gross else 0.0
        side[f"{label} (USD, period)"] = total / 100
        if label.startswith("compared"):
            compare_label = label
    if compare_label is not None:
        own_label = next(iter(columns))
        side["compared - scenario (USD, period)"] = (
            side[f"{compare_label} (USD, period)"] - side[f"{own_label} (USD, period)"]
        )
    side = with_total(side, ["total", *(float(side[col].sum()) for col in side.columns[1:])])
    formulas_used = [
        f"{label}: {describe(f)}"
        for label, f in columns.items()
        if any(col.startswith(label) for col in side.columns)
    ]
    for preset in PRESET_NAMES:
        if any(preset in c for c in side.columns) or own.preset == preset:
            notes.append(f"precedent {preset}: {PRESETS[preset]['source']}")
    return side, formulas_used


def invoice_annex_tables(
    scenario: Scenario,
    bud: BudgetTables,
    invoices: tuple[pd.DataFrame, pd.DataFrame],
    side: tuple[pd.DataFrame, list[str]],
) -> tuple[AnnexTable, ...]:
    """The reserve, invoices, instalments and formulas-side-by-side tables."""
    inv, instalments = invoices
    side_frame, formulas_used = side
    own = scenario.mechanism.formula
    n_inst = scenario.payments.instalments_per_year
    return (
        AnnexTable(
            "reserve",
            "Reserve build-up to target",
            "The fund's balance over the period when every "
            "entity pays on time and every post is filled all year.",
            bud.reserve,
            usd_formats(bud.reserve),
        ),
        AnnexTable(
            "invoices",
            "Invoices by entity and year",
            f"Each entity's share and invoice under the scenario's formula ({describe(own)}).",
            inv,
            {**usd_formats(inv), **share_formats(inv)},
            totals=1,
        ),
        AnnexTable(
            "instalments",
            "Invoices by instalment",
            f"{n_inst} instalment(s) a year, due from the first "
            "month of each entity's fiscal year; the remainder cent in the last.",
            instalments,
            {"amount (USD)": "usd", "budget year": "year", "instalment": "count"},
            totals=1,
        ),
        AnnexTable(
            "formulas",
            "Formulas side by side",
            "Shares and invoices over the budget period under the "
            "scenario's formula, the formula compared and the precedent keys: "
            + "; ".join(formulas_used)
            + ".",
            side_frame,
            {**usd_formats(side_frame), **share_formats(side_frame)},
            totals=1,
        ),
    )
