"""Victims' cases (Rec 12): the caseworker queue, the wait for money, the service packages.

:class:`VictimCases` holds every case of one replication. It is built with the
shared :class:`~fundsim.model.context.Context`, the victims drawn for the horizon,
the scenario's ``caseworkers`` and ``priority`` sections and the funds that pay
services; the victims' fund (:mod:`fundsim.model.victim_fund`) holds the money, and
World tells the cases each month how much of it is kept back for children.

A victim's case arrives with its allegation and waits for a caseworker slot
(pooled, or one pool per country), first come first served. The pool behaves as a
``simpy.Resource`` of that capacity: arrivals are known in advance (drawn at the
start), so when a slot frees it takes the next case of its pool's line-up at once and
the case's handling ends at ``max(now, arrival) + handling``. None of this depends on
money, so the whole queue is computed when the cases are built
(:mod:`fundsim.model.caseworker_queue`, compiled when numba is installed), with the
monthly ticks in it as SimPy orders them against the case ends (time, then the order
they were scheduled in): each tick takes its precomputed slice of the cases ready for
money, exactly those SimPy would have had ready, in the same order, with the same
floating-point times, so results are identical to the bit
(``bench/identical_revision.py``). Served in arrival order by the first free slot, every
case starts exactly when it would with a ``simpy.Resource`` (``tests/model/test_cases.py``
checks it, and ``tests/validation/test_erlang_c.py`` checks the waits against Erlang C).

A case's services can start ``assessment_days`` after it opens (at the first monthly tick
after its assessment), while the slot stays held for the whole case management; without an
assessment a case is ready for money when it closes (the first model's structure, identical
to the bit). Once ready the case waits for money. At each monthly tick (mid-month) the
cases start waiting packages in the scenario's priority order while uncommitted cash covers
the whole package (the package is then committed, like a contract); the first case that
does not fit stops the round (strict priority). A case still waiting ``max_wait_months``
after its arrival is dropped and its cost counted as unmet need. Started packages are paid
month by month from a schedule array (one ledger posting a month, not one per case). Cases
whose implementing partner pays are assisted at the next tick at the partner's cost,
outside the fund.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate, chain

import numpy as np
from numpy.typing import NDArray

from fundsim.model.allegations import VictimDraws
from fundsim.model.caseworker_queue import QueueSchedule, caseworker_queue
from fundsim.model.context import Context
from fundsim.model.fund import Fund
from fundsim.scenario.schema import DAYS_PER_MONTH, Caseworkers, Priority


class VictimCases:
    """Cases, caseworker pools and service payments of one replication.

    ``draws``: the victims of the horizon (numbered in arrival order); ``caseworkers``
    and ``priority``: the scenario's sections; ``n_countries``: how many pools
    ``per_country`` pooling has; ``funds``: who pays services, the victims' fund first
    and, in the siloed mode, each entity's own line after it (``funds[1 + e]`` pays the
    cases whose allegation involves entity ``e``); ``services_account``: where service
    payments go in the ledger; ``slots``: caseworker slots of each pool in each year
    (default: ``caseworkers.capacity`` throughout; see :func:`caseworker_slots`);
    ``services_scale``: the share of each package the fund pays (1 - the share met by
    existing services outside it): one number, or one per victim; ``fund_of``: the fund
    that pays each victim's services (default: the victims' fund, or in siloed mode the
    line of the entity its allegation involves).
    """

    def __init__(
        self,
        ctx: Context,
        draws: VictimDraws,
        caseworkers: Caseworkers,
        priority: Priority,
        n_countries: int,
        funds: Sequence[Fund],
        services_account: int,
        slots: Sequence[int] | None = None,
        services_scale: float | NDArray[np.float64] = 1.0,
        fund_of: NDArray[np.int64] | None = None,
    ) -> None:
        self.env = ctx.env
        self._price_index = ctx.price_index
        self.funds: list[Fund] = list(funds)
        self._acct_services = services_account
        self.draws = draws
        n = draws.n_victims
        self.n = n
        self.n_months = ctx.n_months
        self.arrival = draws.victim_time
        self._arrival: list[float] = self.arrival.tolist()
        self._package: list[int] = draws.package_cents.tolist()
        self._first_assist: list[float] = [float("nan")] * n  # months: the first service tick
        self._dropped: list[int] = []  # cases dropped after max_wait_months
        self._waiting: list[int] = []
        self._max_wait = priority.max_wait_months
        self._key = self._priority_keys(priority.rule)
        self._width = draws.by_month.shape[0]
        # Which fund pays each case: the victims' fund (0), or in siloed mode the line of the
        # entity its allegation involves (1 + entity).
        if fund_of is None:
            fund_of = draws.entity + 1 if len(self.funds) > 1 else np.zeros(n, dtype=np.int64)
        self._fund_of: list[int] = fund_of.tolist()
        # Cents committed to services, by fund and month.
        self._due = np.zeros((len(self.funds), self.n_months + self._width), dtype=np.int64)
        # Packages at this year's prices, set at the first tick of each year for the victims
        # who can start in it (numbers _lo onwards): cents by month of services x victim,
        # and every victim's total (a list indexed by victim).
        self._year = -1
        self._lo = 0
        self._scaled = draws.by_month
        self._totals: list[int] = [0] * n
        self.unmet_cents = 0
        self.partner_cents = 0
        self.paid_cents = 0
        self.window_paid_cents = 0  # of which paid by the victims' fund (funds[0])
        # One share for every package (a number), or one per victim (a list: by country).
        self._scale = services_scale if isinstance(services_scale, float) else 1.0
        self._scale_of: list[float] | None = (
            None if isinstance(services_scale, float) else np.asarray(services_scale).tolist()
        )
        if slots is None:
            assert caseworkers.capacity != "auto"
            slots = [caseworkers.capacity] * ctx.years
        self.slots: list[int] = list(slots)
        self.n_pools = n_countries if caseworkers.pooling == "per_country" else 1
        self._queue = self._run_queue(caseworkers.pooling == "per_country")
        self._split_ready()

    def _priority_keys(self, rule: str) -> list[float]:
        """Each case's sort key for money under the priority ``rule`` (smallest first)."""
        if rule == "children_first":
            return (self.arrival + np.where(self.draws.child, 0.0, 1e9)).tolist()
        if rule == "smallest_first":
            return (self.draws.package_cents + self.arrival / 1e6).tolist()
        return self._arrival

    def _run_queue(self, per_country: bool) -> QueueSchedule:
        """The caseworker queue of the whole horizon (see :mod:`.caseworker_queue`), from
        now (the first cases are taken when the cases are built)."""
        draws = self.draws
        assessment = draws.assessment_months
        # Months from the case's opening to when its services can start: the assessment
        # (never past the case's end). Without one, a case is ready when it closes.
        lead = None if assessment is None else np.minimum(assessment, draws.handling_months)
        pool_of = (
            draws.country.astype(np.int64) if per_country else np.zeros(self.n, dtype=np.int64)
        )
        return caseworker_queue(
            self.arrival,
            draws.handling_months,
            lead,
            pool_of,
            self.n_pools,
            self.slots,
            self.n_months,
            float(self.env.now),
        )

    def _split_ready(self) -> None:
        """Each tick's ready cases, split: those who wait for the fund's money (in the order the
        tick takes them) and those whose implementing partner pays, assisted at the tick
        outside the fund, with the partner's cents of each tick at that year's prices (each
        package rounded to the cent, as ``round(package * price)``)."""
        ready, bounds = self._queue.ready, self._queue.ready_bounds
        partner = self.draws.partner_pays[ready]
        tick = np.repeat(np.arange(self.n_months), np.diff(bounds))
        prices = np.asarray(self._price_index, dtype=np.float64)
        price = prices[np.minimum(tick // 12, len(prices) - 1)] * self._scale
        if self._scale_of is not None:  # one share per victim
            price = price * np.asarray(self._scale_of)[ready]
        cents = np.rint(self.draws.package_cents[ready] * price).astype(np.int64)
        cum = np.concatenate(([0], np.cumsum(np.where(partner, cents, 0))))[bounds]
        self._partner_cents_at: list[int] = np.diff(cum).tolist()
        n_partner = np.concatenate(([0], np.cumsum(partner)))[bounds]
        self._to_wait: list[int] = ready[~partner].tolist()
        self._to_wait_at: list[int] = (bounds - n_partner).tolist()  # [m]: the first of tick m
        self._by_partner: list[int] = ready[partner].tolist()
        self._by_partner_at: list[int] = n_partner.tolist()

    @property
    def cw_start(self) -> NDArray[np.float64]:
        """When a caseworker took each case (months; NaN: not by now)."""
        q = self._queue
        return np.where(q.taken_at < self.env.now, q.start, np.nan)

    def ends_handled(self) -> int:
        """Case ends before now: the events a case end would have cost SimPy (counted with
        SimPy's own in a replication's ``events``)."""
        return int(np.count_nonzero(self._queue.end < self.env.now))

    @property
    def first_assist(self) -> NDArray[np.float64]:
        """The tick of each case's first service payment (months; NaN: never)."""
        return np.fromiter(self._first_assist, dtype=np.float64, count=self.n)

    @property
    def dropped(self) -> NDArray[np.bool_]:
        """Whether each case was dropped after waiting ``max_wait_months``."""
        out = np.zeros(self.n, dtype=bool)
        out[self._dropped] = True
        return out

    # ------------------------------------------------------------------ money

    def _prices_for(self, year: int, price: float) -> None:
        """Scale the packages of the cases that can start in ``year`` to its prices: the
        victims arrived from ``max_wait_months`` before the year to its end (victims are
        numbered in arrival order, so they are one slice). Each month's amount is rounded
        to the cent, so a package's total is the sum of its rounded months."""
        self._year = year
        lo = bisect_left(self._arrival, 12 * year - self._max_wait - 1)
        hi = bisect_left(self._arrival, 12 * (year + 1))
        cols = self.draws.by_month[:, lo:hi]
        factor = price * self._scale
        if self._scale_of is not None:  # one share per victim: scale each column
            cols = np.rint(cols * (price * np.array(self._scale_of[lo:hi]))).astype(np.int64)
        elif factor != 1.0:
            cols = np.rint(cols * factor).astype(np.int64)
        self._lo = lo
        self._scaled = cols
        self._totals[lo:hi] = cols.sum(axis=0).tolist()

    def tick(self, month: int, keep_back_cents: int = 0) -> None:
        """Monthly: admit ready cases, drop those waited too long, start packages in
        priority order while uncommitted cash beyond ``keep_back_cents`` covers them,
        pay this month's services."""
        now = month + 0.5
        year = month // 12
        prices = self._price_index
        price = prices[min(year, len(prices) - 1)]
        if year != self._year:
            self._prices_for(year, price)
        price *= self._scale
        # The cases ready since the last tick: their implementing partner pays, outside the
        # fund, or they wait for money.
        first_assist = self._first_assist
        at = self._by_partner_at
        for v in self._by_partner[at[month] : at[month + 1]]:
            first_assist[v] = now
        self.partner_cents += self._partner_cents_at[month]
        at = self._to_wait_at
        waiting = self._waiting
        waiting += self._to_wait[at[month] : at[month + 1]]
        if waiting:
            limit = now - self._max_wait
            arrival = self._arrival
            if min(map(arrival.__getitem__, waiting)) <= limit:
                kept = []
                scale_of = self._scale_of
                for v in waiting:
                    if arrival[v] <= limit:
                        self._dropped.append(v)
                        share = price * scale_of[v] if scale_of is not None else price
                        self.unmet_cents += round(self._package[v] * share)
                    else:
                        kept.append(v)
                waiting[:] = kept
            self._start(waiting, keep_back_cents, month, now)
        for f, pay in enumerate(self._due[:, month].tolist()):
            if pay:
                fund = self.funds[f]
                fund.pay(month, self._acct_services, pay, now, "victim services")
                fund.committed -= pay
                self.paid_cents += pay
                if not f:
                    self.window_paid_cents += pay

    def _start(self, waiting: list[int], keep_back_cents: int, month: int, now: float) -> None:
        """Start ``waiting`` cases, in priority order, while their fund's uncommitted cash
        (beyond ``keep_back_cents`` for the victims' fund) covers the whole package at this year's
        prices; a fund's first case that does not fit stops that fund's round (strict
        priority). A case's fund is the victims' fund, or in siloed mode the line of the entity its
        allegation involves. ``waiting`` keeps the cases not started, in order."""
        funds = self.funds
        totals, first_assist = self._totals, self._first_assist
        avail = [fund.available_cents for fund in funds]
        avail[0] -= keep_back_cents
        before = avail[:]
        started: list[list[int]] = [[] for _ in funds]
        kept: list[int] = []
        total = sum(map(totals.__getitem__, waiting))
        if len(funds) == 1 and total <= avail[0]:
            # The usual case: one fund, every case fits, so their order changes nothing (the
            # months' sums are of whole cents) and they are not sorted.
            started[0] = waiting[:]
            avail[0] -= total
            for v in waiting:
                first_assist[v] = now
        else:
            waiting.sort(key=self._key.__getitem__)
            fund_of, stopped = self._fund_of, [False] * len(funds)
            for v in waiting:
                f = fund_of[v]
                if not stopped[f] and totals[v] <= avail[f]:
                    avail[f] -= totals[v]
                    started[f].append(v)
                    first_assist[v] = now
                else:
                    stopped[f] = True
                    kept.append(v)
        n_started = len(waiting) - len(kept)
        if not n_started:
            return
        waiting[:] = kept
        # Every fund's month-by-month services at once: one gather, summed fund by fund.
        index = np.fromiter(chain.from_iterable(started), dtype=np.intp, count=n_started)
        index -= self._lo
        paying = [f for f, cases in enumerate(started) if cases]
        bounds = list(accumulate((len(started[f]) for f in paying[:-1]), initial=0))
        sums = np.add.reduceat(
            self._scaled.take(index, axis=1), bounds, axis=1
        )  # months x paying funds
        for j, f in enumerate(paying):
            self._due[f, month : month + self._width] += sums[:, j]
            funds[f].committed += before[f] - avail[f]

    # ------------------------------------------------------------------ results

    def metrics(self) -> dict[str, float]:
        """Per-replication victim metrics (see docs/victims.md)."""
        cw_start, first, arrival = self.cw_start, self.first_assist, self.arrival
        assisted = ~np.isnan(first)
        # The cohort whose fate is settled within the horizon: arrived max_wait before the end.
        cohort = arrival < self.n_months - self._max_wait
        n_cohort = int(cohort.sum())
        waits = (first[assisted] - arrival[assisted]) * DAYS_PER_MONTH
        taken = ~np.isnan(cw_start)
        cw_wait = (cw_start[taken] - arrival[taken]) * DAYS_PER_MONTH
        busy = (
            np.minimum(cw_start[taken] + self.draws.handling_months[taken], self.n_months)
            - cw_start[taken]
        )
        slot_months = 12 * self.n_pools * sum(self.slots)
        return {
            "caseworker_utilisation": float(busy.sum() / slot_months)
            if slot_months
            else float("nan"),
            "caseworker_slots_mean": float(np.mean(self.slots)),
            "victims_arrived": float(self.n),
            "victims_assisted": float(assisted.sum()),
            "victims_assisted_share": float(assisted[cohort].sum() / n_cohort)
            if n_cohort
            else float("nan"),
            "victims_dropped": float(len(self._dropped)),
            "median_wait_days": float(np.median(waits)) if waits.size else float("nan"),
            "caseworker_wait_days": float(cw_wait.mean()) if cw_wait.size else float("nan"),
            "p_caseworker_wait": float((cw_wait > 0).mean()) if cw_wait.size else float("nan"),
            "services_unmet_usd": self.unmet_cents / 100,
            "services_paid_usd": self.paid_cents / 100,
            "partner_paid_usd": self.partner_cents / 100,
        }


def caseworker_slots(caseworkers: Caseworkers, victims_per_year: Sequence[float]) -> list[int]:
    """Caseworker slots of each pool in each year: the fixed ``capacity``, or with
    ``capacity = "auto"`` the expected victims of the year times the mean handling time
    (months) over 12 months and ``target_utilisation``, rounded up (at least 1)."""
    if caseworkers.capacity != "auto":
        return [caseworkers.capacity] * len(victims_per_year)
    handling_months = max(0.0, caseworkers.handling_days.expected) / DAYS_PER_MONTH
    return [
        max(1, math.ceil(round(victims * handling_months / 12 / caseworkers.target_utilisation, 9)))
        for victims in victims_per_year
    ]
