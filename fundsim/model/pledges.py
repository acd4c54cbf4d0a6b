"""Member State voluntary pledges and withheld payments to the victim-assistance window.

Today's UN Trust Fund in Support of Victims of SEA lives on such money: well under
USD 1M a year, declining (donor fatigue), plus payments withheld from personnel in
substantiated cases (GA res. 70/286). Both are drawn for the whole horizon at the
start from the stream ``pledges`` (a fixed number of draws, so other streams never
shift them): year ``y`` pledges ``annual_usd x (1 - fatigue_annual) ** y`` and
withheld payments ``withheld_usd``, each arriving at a random time within the year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundsim.model.sampling import draw_non_negative
from fundsim.scenario.schema import Pledges


@dataclass(frozen=True)
class PledgePlan:
    """Pledge and withheld-payment arrivals: times (months) and amounts (cents)."""

    pledge_time: list[float]
    pledge_cents: list[int]
    withheld_time: list[float]
    withheld_cents: list[int]


def plan_pledges(pledges: Pledges, years: int, rng: np.random.Generator) -> PledgePlan:
    """Draw the pledges and withheld payments of every year (stream ``pledges``)."""
    decline = (1.0 - pledges.fatigue_annual) ** np.arange(years)
    pledged = draw_non_negative(pledges.annual_usd, rng, years) * decline
    withheld = draw_non_negative(pledges.withheld_usd, rng, years)
    at = 12.0 * (np.arange(years)[None, :] + rng.random((2, years)))
    return PledgePlan(
        pledge_time=at[0].tolist(),
        pledge_cents=np.rint(pledged * 100).astype(np.int64).tolist(),
        withheld_time=at[1].tolist(),
        withheld_cents=np.rint(withheld * 100).astype(np.int64).tolist(),
    )


def expected_pledges_usd(pledges: Pledges, year: int) -> float:
    """Planning estimate of pledges plus withheld payments in simulated ``year``, USD."""
    return max(0.0, pledges.annual_usd.expected) * (1.0 - pledges.fatigue_annual) ** year + max(
        0.0, pledges.withheld_usd.expected
    )
