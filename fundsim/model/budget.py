"""The budget rule: what the coordinator fund approves (and so invoices) for each budget year.

Inputs are explicit: the planned cost of every post for each year of the period (USD), the
fund's cash (cents), the months renewals commit beyond the period (USD), and the rule's
parameters (:class:`BudgetRule`). A budget is approved for ``period_years`` at once and
does not change within the period (predictable invoices).

``need`` (the default, today's rule with ``period_years = 1`` and ``basis = "cash"``): for
each year of the period, the planned cost of the year plus an equal part of (the reserve
target + the months renewals commit beyond the period - cash in hand), never negative,
grossed up for the host's fee. With ``basis = "commitments"`` the months committed beyond
the period are budgeted explicitly, so that the reserve target is met on free cash (cash
less commitments) at the end of the period, not on total cash. A fixed envelope approves
``usd_per_year`` (gross) indexed from the start year, whatever the need.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.model.ledger import to_cents
from fundsim.scenario.schema import Mechanism


@dataclass(frozen=True, slots=True)
class BudgetRule:
    """The parameters of the budget rule (USD and months; ``fee`` a fraction)."""

    mode: str  # pooled | siloed | hybrid
    fee: float  # the host's fee on contributions
    reserve_months: float  # the risk reserve target, months of planned cost
    period_years: int
    basis: str  # cash | commitments
    envelope_usd: float | None  # fixed envelope in the start year (gross), None under "need"
    indexation: float  # a year, for the envelope and the later years of a period

    @classmethod
    def of(cls, mechanism: Mechanism, fee: float, expected_inflation: float) -> BudgetRule:
        env = mechanism.budget
        envelope = None if env == "need" else env.usd_per_year  # type: ignore[union-attr]
        ix = expected_inflation
        if env != "need" and env.indexation is not None:  # type: ignore[union-attr]
            ix = env.indexation  # type: ignore[union-attr]
        return cls(
            mechanism.mode, fee, mechanism.reserve_target_months, mechanism.budget_period_years,
            mechanism.budget_basis, envelope, ix,
        )

    def approved_cents(self, year: int, planned_usd: list[float], cash_cents: int, beyond_usd: float) -> list[int]:
        """The gross budgets (cents) approved for ``year`` and the following years of its period.

        ``planned_usd[k]``: cost of every post in year ``year + k`` (USD); ``cash_cents``: the
        fund's cash now; ``beyond_usd``: salary months renewals commit beyond the period (USD,
        counted only on the ``commitments`` basis)."""
        if self.mode == "siloed":
            return [0] * len(planned_usd)
        if self.envelope_usd is not None:
            return [to_cents(self.envelope_usd * (1.0 + self.indexation) ** (year + k)) for k in range(len(planned_usd))]
        if self.fee >= 1:
            return [0] * len(planned_usd)
        p = self.period_years
        reserve = planned_usd[0] * self.reserve_months / 12
        extra = (beyond_usd if self.basis == "commitments" else 0.0) + reserve
        cash = cash_cents / 100 / p
        out = []
        for planned in planned_usd:
            target = (0.0 if self.mode == "hybrid" else planned) + extra / p
            need = max(0.0, target - cash)
            out.append(to_cents(need / (1.0 - self.fee)))
        return out
