"""What every part of one replication shares: the clock, the ledger, the scenario's static
data, the price index and the horizon.

World builds one :class:`Context` and hands it to each part (contributors,
coordinators, the victims' cases and fund) beside that part's own inputs and
accounts. A part reads the context; it never reaches a sibling through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from fundsim.model.ledger import Ledger
from fundsim.model.static import StaticData


@dataclass(frozen=True, slots=True)
class Context:
    """The shared clock and books of one replication (read-only references)."""

    env: simpy.Environment  # time in months from January of the start year
    ledger: Ledger  # every posting, in cents
    static: StaticData  # per-scenario data shared by replications (keys, presence, post order)
    price_index: tuple[float, ...]  # cost level of each simulated year, start year = 1.0
    n_months: int  # horizon, months
    years: int  # horizon, years (n_months / 12)
