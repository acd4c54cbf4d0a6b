"""Victims' cases (Rec 12): the caseworker queue, the wait for money, the service packages.

A victim's case arrives with its allegation and waits for a caseworker slot
(pooled, or one pool per country), first come first served. The pool behaves as a
``simpy.Resource`` of that capacity but costs one SimPy event per case instead of
five (arrival, request, grant, handling timeout, release): arrivals are known in
advance (drawn at the start), so when a slot frees it takes the next case of its
pool's line-up at once and schedules the end of that case's handling at
``max(now, arrival) + handling``. Served in arrival order by the first free slot,
every case starts exactly when it would with a ``simpy.Resource``
(``tests/model/test_victims.py`` checks it, and ``tests/validation/test_erlang_c.py``
checks the waits against Erlang C).

After intake the case waits for money. At each monthly tick (mid-month) the
window starts waiting packages in the scenario's priority order while uncommitted
cash covers the whole package (the package is then committed, like a contract);
the first case that does not fit stops the round (strict priority). A case still
waiting ``max_wait_months`` after its arrival is dropped and its cost counted as
unmet need. Started packages are paid month by month from a schedule array (one
ledger posting a month, not one per case). Cases whose implementing partner pays
are assisted at the next tick at the partner's cost, outside the fund.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from simpy.events import Timeout

from fundsim.model.allegations import VictimDraws
from fundsim.scenario.schema import DAYS_PER_MONTH

if TYPE_CHECKING:
    from fundsim.model.victim_window import VictimWindow


class VictimAssistance:
    """Cases, caseworker pools and service payments of one replication."""

    def __init__(self, window: VictimWindow, draws: VictimDraws) -> None:
        v = window.scenario.victims
        assert v is not None
        self.window = window
        self.env = window.env
        self.draws = draws
        n = draws.n_victims
        self.n = n
        self.n_months = window.n_months
        self._handling: list[float] = draws.handling_months.tolist()
        per_country = v.caseworkers.pooling == "per_country"
        self._pool_of: list[int] = draws.country.tolist() if per_country else [0] * n
        n_pools = len(window.scenario.countries) if per_country else 1
        # Each pool's cases in arrival order (victims are numbered in arrival order).
        self._lineup: list[list[int]] = [[] for _ in range(n_pools)]
        for i, p in enumerate(self._pool_of):
            self._lineup[p].append(i)
        self._next = [0] * n_pools
        self.arrival = draws.victim_time
        self._arrival: list[float] = self.arrival.tolist()
        self._partner: list[bool] = draws.partner_pays.tolist()
        self._package: list[int] = draws.package_cents.tolist()
        self.cw_start = np.full(n, np.nan)  # months: when a caseworker took the case
        self.first_assist = np.full(n, np.nan)  # months: the tick of the first service payment
        self.dropped = np.zeros(n, dtype=bool)
        self._cw_start: list[float] = [float("nan")] * n
        self._ready: list[int] = []
        self._waiting: list[int] = []
        self._max_wait = v.priority.max_wait_months
        child = draws.child.tolist()
        if v.priority.rule == "children_first":
            self._key: list[float] = [t + (0.0 if c else 1e9) for t, c in zip(self._arrival, child, strict=True)]
        elif v.priority.rule == "smallest_first":
            self._key = [p + t / 1e6 for p, t in zip(self._package, self._arrival, strict=True)]
        else:
            self._key = self._arrival
        self._width = draws.profile.shape[1]
        # Which fund pays each case: the window (0), or in siloed mode the line of the entity
        # its allegation involves (1 + entity).
        self._fund_of: list[int] = (draws.entity + 1).tolist() if window.siloed else [0] * n
        n_funds = len(window.case_funds)
        self.due = np.zeros((n_funds, self.n_months + self._width), dtype=np.int64)  # committed cents by month
        self.unmet_cents = 0
        self.partner_cents = 0
        self.paid_cents = 0
        for p in range(n_pools):
            for _ in range(min(v.caseworkers.capacity, len(self._lineup[p]))):
                self._take(p)

    # ------------------------------------------------------------------ caseworkers

    def _take(self, pool: int) -> None:
        """A slot of ``pool`` is free now: it takes the next case in line (when it arrives)."""
        k = self._next[pool]
        line = self._lineup[pool]
        if k == len(line):
            return  # no more cases in the horizon: the slot stays free
        self._next[pool] = k + 1
        v = line[k]
        now = self.env._now
        arrival = self._arrival[v]
        start = arrival if arrival > now else now
        self._cw_start[v] = start
        ev = Timeout(self.env, start + self._handling[v] - now, v)
        ev.callbacks.append(self._on_handled)

    def _on_handled(self, event: Timeout) -> None:
        v = event._value
        self._ready.append(v)
        self._take(self._pool_of[v])

    # ------------------------------------------------------------------ money

    def tick(self, month: int, keep_back_cents: int = 0) -> None:
        """Monthly: admit ready cases, drop those waited too long, start packages in
        priority order while uncommitted cash beyond ``keep_back_cents`` covers them,
        pay this month's services."""
        w = self.window
        now = month + 0.5
        price = w.price_index[min(month // 12, len(w.price_index) - 1)]
        first_assist = self.first_assist
        if self._ready:
            for v in self._ready:
                if self._partner[v]:
                    first_assist[v] = now
                    self.partner_cents += round(self._package[v] * price)
                else:
                    self._waiting.append(v)
            self._ready.clear()
        waiting = self._waiting
        if waiting:
            limit = now - self._max_wait
            arrival = self._arrival
            if any(arrival[v] <= limit for v in waiting):
                kept = []
                for v in waiting:
                    if arrival[v] <= limit:
                        self.dropped[v] = True
                        self.unmet_cents += round(self._package[v] * price)
                    else:
                        kept.append(v)
                waiting[:] = kept
            waiting.sort(key=self._key.__getitem__)
            funds = w.case_funds
            if len(funds) == 1:
                started = self._start(waiting, 0, funds[0].available_cents - keep_back_cents, month, now, price)
                del waiting[:started]
            else:
                # Each entity's line pays for its own cases, in the same priority order.
                groups: dict[int, list[int]] = {}
                fund_of = self._fund_of
                for v in waiting:
                    groups.setdefault(fund_of[v], []).append(v)
                done: set[int] = set()
                for f, cases in groups.items():
                    avail = funds[f].available_cents - (keep_back_cents if f == 0 else 0)
                    done.update(cases[: self._start(cases, f, avail, month, now, price)])
                if done:
                    waiting[:] = [v for v in waiting if v not in done]
        for f, fund in enumerate(w.case_funds):
            pay = int(self.due[f, month])
            if pay:
                fund.pay(month, w.acct_services, pay, now, "victim services")
                fund.committed -= pay
                self.paid_cents += pay

    def _start(self, cases: list[int], f: int, available_cents: int, month: int, now: float, price: float) -> int:
        """Start the longest prefix of ``cases`` (in priority order) whose packages, at this
        year's prices, ``available_cents`` of fund ``f`` covers; return how many started."""
        scaled = self.draws.profile[cases]
        if price != 1.0:
            scaled = np.rint(scaled * price).astype(np.int64)
        cum = np.cumsum(scaled.sum(axis=1))
        started = int(np.searchsorted(cum, available_cents, side="right"))
        if started:
            self.first_assist[cases[:started]] = now
            self.due[f, month : month + self._width] += scaled[:started].sum(axis=0)
            self.window.case_funds[f].committed += int(cum[started - 1])
        return started

    # ------------------------------------------------------------------ results

    def metrics(self) -> dict[str, float]:
        """Per-replication victim metrics (see docs/victims.md)."""
        self.cw_start[:] = self._cw_start
        arrival, first = self.arrival, self.first_assist
        assisted = ~np.isnan(first)
        # The cohort whose fate is settled within the horizon: arrived max_wait before the end.
        cohort = arrival < self.n_months - self._max_wait
        n_cohort = int(cohort.sum())
        waits = (first[assisted] - arrival[assisted]) * DAYS_PER_MONTH
        taken = ~np.isnan(self.cw_start)
        cw_wait = (self.cw_start[taken] - arrival[taken]) * DAYS_PER_MONTH
        return {
            "victims_arrived": float(self.n),
            "victims_assisted": float(assisted.sum()),
            "victims_assisted_share": float(assisted[cohort].sum() / n_cohort) if n_cohort else float("nan"),
            "victims_dropped": float(self.dropped.sum()),
            "median_wait_days": float(np.median(waits)) if waits.size else float("nan"),
            "caseworker_wait_days": float(cw_wait.mean()) if cw_wait.size else float("nan"),
            "p_caseworker_wait": float((cw_wait > 0).mean()) if cw_wait.size else float("nan"),
            "services_unmet_usd": self.unmet_cents / 100,
            "services_paid_usd": self.paid_cents / 100,
            "partner_paid_usd": self.partner_cents / 100,
        }
