"""The Victims' Rights Advocate function (para 52) as a cost of the victims' window.

Each post of ``victims.advocates.posts`` costs the standard cost of its grade at its
duty-station class (the scenario's ``[standard_costs]`` table, USD a year at start-year
prices), or its own ``annual_cost_usd`` for a grade the table does not price; the office's running
costs are ``office_usd_year``. The window pays the sum
monthly at each year's prices (:meth:`fundsim.model.victim_fund.VictimFund.pay_caseworkers`)
and budgets it with its services.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.scenario.schema import Scenario


@dataclass(frozen=True)
class AdvocateLine:
    """One line of the function's cost: ``count`` posts of ``role`` at ``unit_usd`` a year
    each (USD, start-year prices); the office's running costs are a line with no grade."""

    role: str
    grade: str
    duty_station_class: str
    count: int
    unit_usd: float

    @property
    def annual_usd(self) -> float:
        """The line's cost a year (USD, start-year prices)."""
        return self.count * self.unit_usd


def advocate_lines(scenario: Scenario) -> list[AdvocateLine]:
    """The function's cost lines (none when the window does not pay it)."""
    v = scenario.victims
    if v is None or not v.advocates.enabled:
        return []
    table = {(r.grade, r.duty_station_class): r.annual_cost_usd for r in scenario.standard_costs}
    lines = [
        AdvocateLine(
            p.role,
            p.grade,
            p.duty_station_class,
            p.count,
            p.annual_cost_usd
            if p.annual_cost_usd is not None
            else table[(p.grade, p.duty_station_class)],
        )
        for p in v.advocates.posts
    ]
    if v.advocates.office_usd_year:
        lines.append(AdvocateLine("office running costs", "", "", 1, v.advocates.office_usd_year))
    return lines


def advocates_usd_year(scenario: Scenario) -> float:
    """What the function costs the window a year (USD, start-year prices; 0 when off)."""
    return sum(line.annual_usd for line in advocate_lines(scenario))
