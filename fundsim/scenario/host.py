"""The host of the coordinator fund, from a scenario: its fee stack, its secretariat lines,
its pre-financing line, in one home for every layer (the model's budget and payments, the
budget annex, the notebooks).

Without a ``[host]`` table the fee stack is one layer, ``mechanism.admin_fee`` on
``mechanism.fee_basis`` (with ``victims.windows = "shared_host"``, the shared host's rate),
no secretariat and ``mechanism.prefinancing_limit_usd``: today's rules, unchanged. Rates
are fractions; money is USD a year, in start-year prices unless a function says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.scenario.schema import Scenario

#: The kinds of host, in words (for tables and the annex).
HOST_KINDS = {
    "mptf": "MPTF-administered pooled fund",
    "agency": "agency-hosted fund",
    "secretariat": "Secretariat trust fund",
}


@dataclass(frozen=True)
class Fee:
    """One layer of the fee stack: ``rate`` (a fraction) on ``basis`` (receipts | expenditure)."""

    name: str
    rate: float
    basis: str


@dataclass(frozen=True)
class SecretariatCost:
    """A fixed cost line of the secretariat: ``posts`` at ``grade``, ``usd_per_year`` in all."""

    name: str
    grade: str
    posts: float
    usd_per_year: float


def fee_stack(scenario: Scenario) -> tuple[Fee, ...]:
    """The coordinator fund's fees, layer by layer: the ``[host]`` stack, or else the one
    layer of ``mechanism.admin_fee`` on ``mechanism.fee_basis`` (the shared host's rate
    when ``victims.windows = "shared_host"``)."""
    host = scenario.host
    if host is not None and host.fees:
        return tuple(Fee(f.name, f.rate, f.basis) for f in host.fees)
    mech = scenario.mechanism
    rate = mech.admin_fee
    v = scenario.victims
    if v is not None and v.windows == "shared_host":
        shared = v.funding.shared_admin_fee
        rate = mech.admin_fee if shared is None else shared
    return (Fee("admin_fee", rate, mech.fee_basis),)


def fee_rate(scenario: Scenario, basis: str) -> float:
    """The total rate the coordinator fund pays on ``basis`` (``receipts`` or
    ``expenditure``): the sum of the stack's layers on that basis."""
    rates = [f.rate for f in fee_stack(scenario) if f.basis == basis]
    if len(rates) == 1:
        return rates[0]  # the degenerate stack: the rate itself, bit for bit
    return float(sum(rates))


def secretariat_lines(scenario: Scenario) -> tuple[SecretariatCost, ...]:
    """The host's fixed secretariat and common-service lines (none without a ``[host]``)."""
    host = scenario.host
    if host is None:
        return ()
    return tuple(
        SecretariatCost(s.name, s.grade, s.posts, s.usd_per_year) for s in host.secretariat
    )


def secretariat_usd_per_year(scenario: Scenario) -> float:
    """The secretariat's cost in the start year, USD (0 without secretariat lines)."""
    return float(sum(line.usd_per_year for line in secretariat_lines(scenario)))


def prefinancing_limit_usd(scenario: Scenario) -> float:
    """The host's pre-financing line, USD: ``host.prefinancing_limit_usd`` when given, else
    ``mechanism.prefinancing_limit_usd``."""
    host = scenario.host
    if host is not None and host.prefinancing_limit_usd is not None:
        return host.prefinancing_limit_usd
    return scenario.mechanism.prefinancing_limit_usd


def gross_up(need_usd: float, receipts_rate: float, expenditure_rate: float) -> float:
    """What must be invoiced for the fund to spend ``need_usd`` once the fees are paid:
    divided by ``1 - receipts_rate`` (the fee taken off each deposit) and multiplied by
    ``1 + expenditure_rate`` (the fee added to what is spent), USD."""
    gross = need_usd / (1.0 - receipts_rate)
    if expenditure_rate:
        gross *= 1.0 + expenditure_rate
    return gross


def host_lines_usd(
    scenario: Scenario, planned_usd: list[float] | None = None
) -> list[dict[str, float | str | int]]:
    """The host's cost lines by year of the horizon, in the expected prices of each year
    (start-year prices grown by ``costs.inflation_annual``), for a budget annex: one row per
    secretariat line and year (``kind = "secretariat"``), and one per fee layer and year
    (``kind = "fee"``) on the budget that funds ``planned_usd[k]`` of spending in year ``k``
    (posts and operating costs, USD; default: every post for the whole year) plus the
    secretariat. Keys: ``year``, ``kind``, ``name``, ``grade``, ``posts``, ``basis``,
    ``rate``, ``usd``."""
    sim, costs = scenario.simulation, scenario.costs
    years = sim.years
    index = [(1.0 + costs.inflation_annual) ** k for k in range(years)]
    if planned_usd is None:
        from fundsim.scenario.costs import network_cost_usd

        planned_usd = [network_cost_usd(scenario) * p for p in index]
    receipts, expenditure = fee_rate(scenario, "receipts"), fee_rate(scenario, "expenditure")
    rows: list[dict[str, float | str | int]] = []
    for k in range(years):
        year = sim.start_year + k
        secretariat = 0.0
        for line in secretariat_lines(scenario):
            usd = line.usd_per_year * index[k]
            secretariat += usd
            rows.append(
                {
                    "year": year,
                    "kind": "secretariat",
                    "name": line.name,
                    "grade": line.grade,
                    "posts": line.posts,
                    "basis": "",
                    "rate": 0.0,
                    "usd": usd,
                }
            )
        spend = planned_usd[k] + secretariat
        gross = gross_up(spend, receipts, expenditure)
        for fee in fee_stack(scenario):
            base = gross if fee.basis == "receipts" else spend
            rows.append(
                {
                    "year": year,
                    "kind": "fee",
                    "name": fee.name,
                    "grade": "",
                    "posts": 0.0,
                    "basis": fee.basis,
                    "rate": fee.rate,
                    "usd": fee.rate * base,
                }
            )
    return rows
