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

Nothing a tick reads about a case changes with money, so it is prepared when the cases are
built: each package month by month at the prices of the year its case becomes ready (priced
again only if it still waits in a later year), which of a tick's cases arrived too long ago,
and with one fund what each tick's cases cost together: the usual tick, with nobody waiting
and the money there, starts them all with one addition. Waiting cases sit in each fund's
line (:mod:`fundsim.model.case_lines`) in priority order; the tick's arithmetic is the same
to the cent as sorting and walking every waiting case.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate, chain

import numpy as np
from numpy.typing import NDArray

from fundsim.model.allegations import VictimDraws
from fundsim.model.case_lines import WaitingLines
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
        self._fa = np.full(n, np.nan)  # months: each case's first service tick
        self._dropped: list[int] = []  # cases dropped after max_wait_months
        self._max_wait = priority.max_wait_months
        self._rule = priority.rule
        self._width = draws.by_month.shape[0]
        # Which fund pays each case: the victims' fund (0), or in siloed mode the line of the
        # entity its allegation involves (1 + entity).
        if fund_of is None:
            fund_of = draws.entity + 1 if len(self.funds) > 1 else np.zeros(n, dtype=np.int64)
        self._fund_of = fund_of
        # Cents committed to services, by fund and month.
        self._due = np.zeros((len(self.funds), self.n_months + self._width), dtype=np.int64)
        self._year = -1
        self.unmet_cents = 0
        self.partner_cents = 0
        self.paid_cents = 0
        self.window_paid_cents = 0  # of which paid by the victims' fund (funds[0])
        # One share for every package (a number), or one per victim (an array: by country).
        self._scale = services_scale if isinstance(services_scale, float) else 1.0
        self._scale_of: NDArray[np.float64] | None = (
            None if isinstance(services_scale, float) else np.asarray(services_scale)
        )
        if slots is None:
            assert caseworkers.capacity != "auto"
            slots = [caseworkers.capacity] * ctx.years
        self.slots: list[int] = list(slots)
        self.n_pools = n_countries if caseworkers.pooling == "per_country" else 1
        self._queue = self._run_queue(caseworkers.pooling == "per_country")
        self._split_ready()
        self._price_packages()
        # The lines of cases waiting for money, set up when a case first has to wait.
        self._lines: WaitingLines | None = None
        self._thr_done = 0  # cases numbered below have waited their last

    def _priority_keys(self, rule: str) -> NDArray[np.float64]:
        """Each case's sort key for money under the priority ``rule`` (smallest first)."""
        if rule == "children_first":
            return self.arrival + np.where(self.draws.child, 0.0, 1e9)
        if rule == "smallest_first":
            return self.draws.package_cents + self.arrival / 1e6
        return self.arrival

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
            price = price * self._scale_of[ready]
        cents = np.rint(self.draws.package_cents[ready] * price).astype(np.int64)
        cum = np.concatenate(([0], np.cumsum(np.where(partner, cents, 0))))[bounds]
        self._partner_cents_at: list[int] = np.diff(cum).tolist()
        n_partner = np.concatenate(([0], np.cumsum(partner)))[bounds]
        waits = ~partner
        self._to_wait = ready[waits]
        self._to_wait_tick = tick[waits]  # the tick each of them joins the wait
        self._to_wait_at: list[int] = (bounds - n_partner).tolist()  # [m]: the first of tick m
        self._by_partner = ready[partner]
        self._by_partner_at: list[int] = n_partner.tolist()

    def _price_packages(self) -> None:
        """Each package month by month at the prices of the year its case becomes ready for
        money (``_cols``: cents by month of services x victim; each month rounded to the cent,
        so a package's total is the sum of its rounded months; a case still waiting in a later
        year is priced again then), which cases each tick would drop at once (arrived
        ``max_wait_months`` before it) and, with one fund, what each tick's cases cost
        together, month by month: the usual tick starts them all at once."""
        prices = np.asarray(self._price_index, dtype=np.float64)
        year = np.zeros(self.n, dtype=np.int64)
        year[self._to_wait] = np.minimum(self._to_wait_tick // 12, len(prices) - 1)
        factor = prices[year] * (self._scale if self._scale_of is None else self._scale_of)
        scaled = self.draws.by_month * factor
        self._cols = np.rint(scaled, out=scaled).astype(np.int64)
        # A case arrived at or before ``now - max_wait_months`` (months) is dropped: the cases
        # numbered below _thr[m] at the tick of month m (cases are numbered in arrival order).
        limits = (np.arange(self.n_months) + 0.5) - self._max_wait
        thr = np.searchsorted(self.arrival, limits, side="right")
        self._thr: list[int] = thr.tolist()
        bounds = np.asarray(self._to_wait_at)
        late = np.concatenate(([0], np.cumsum(self._to_wait < thr[self._to_wait_tick])))[bounds]
        self._new_drop: list[bool] = (np.diff(late) > 0).tolist()
        self._fast = len(self.funds) == 1
        if self._fast:  # each tick's cases summed (ticks with none: zeros)
            some = np.flatnonzero(np.diff(bounds))
            sums = np.zeros((self.n_months, self._width), dtype=np.int64)
            if some.size:
                ready = self._cols.take(self._to_wait, axis=1)
                sums[some] = np.add.reduceat(ready, bounds[some], axis=1).T
            self._tick_sums = sums  # ticks x months of services
            self._tick_total: list[int] = sums.sum(axis=1).tolist()

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
        return self._fa.copy()

    @property
    def dropped(self) -> NDArray[np.bool_]:
        """Whether each case was dropped after waiting ``max_wait_months``."""
        out = np.zeros(self.n, dtype=bool)
        out[self._dropped] = True
        return out

    # ------------------------------------------------------------------ money

    def tick(self, month: int, keep_back_cents: int = 0) -> None:
        """Monthly: admit ready cases, drop those waited too long, start packages in
        priority order while uncommitted cash beyond ``keep_back_cents`` covers them,
        pay this month's services."""
        now = month + 0.5
        year = month // 12
        prices = self._price_index
        price = prices[min(year, len(prices) - 1)]
        lines = self._lines
        if year != self._year:
            self._year = year
            if lines is not None and lines.n:
                self._reprice(lines, price)
        price *= self._scale
        # The cases ready since the last tick: their implementing partner pays, outside the
        # fund, or they wait for money.
        at = self._by_partner_at
        if at[month] != at[month + 1]:
            self._fa[self._by_partner[at[month] : at[month + 1]]] = now
        self.partner_cents += self._partner_cents_at[month]
        lo, hi = self._to_wait_at[month], self._to_wait_at[month + 1]
        # Nobody waiting from earlier ticks (the usual case with one fund): all at once?
        if (lines is not None and lines.n) or (
            lo != hi and not (self._fast and self._start_tick(month, lo, hi, keep_back_cents, now))
        ):
            lines = lines or self._open_lines()
            self._admit(lines, month, price)
            self._start(lines, keep_back_cents, month, now)
        for f, pay in enumerate(self._due[:, month].tolist()):
            if pay:
                fund = self.funds[f]
                fund.pay(month, self._acct_services, pay, now, "victim services")
                fund.committed -= pay
                self.paid_cents += pay
                if not f:
                    self.window_paid_cents += pay

    def _start_tick(self, month: int, lo: int, hi: int, keep_back_cents: int, now: float) -> bool:
        """With one fund and nobody waiting from earlier ticks: start every case ready at this
        tick at once if none waited too long and the fund's uncommitted cash beyond
        ``keep_back_cents`` covers them all (their order then changes nothing: the months'
        sums are of whole cents); return whether it did."""
        fund = self.funds[0]
        total = self._tick_total[month]
        if self._new_drop[month] or total > fund.available_cents - keep_back_cents:
            return False
        self._fa[self._to_wait[lo:hi]] = now
        self._due[0, month : month + self._width] += self._tick_sums[month]
        fund.committed += total
        self._thr_done = self._thr[month]
        return True

    def _open_lines(self) -> WaitingLines:
        """Set up the lines of cases waiting for money (the first time a case has to wait).

        Each case that can wait gets its rank: its place in the priority order over the whole
        replication (by key, then the order the cases become ready: the order a stable sort
        of each tick's waiting cases gives). Tick by tick, the cases that join each fund's
        line form a run of ascending ranks, with its cost at that year's prices."""
        cases, tick = self._to_wait, self._to_wait_tick  # in the order they become ready
        n_funds = len(self.funds)
        by_rank = np.argsort(self._priority_keys(self._rule)[cases], kind="stable")
        self._case_of_rank = cases[by_rank]
        rank = np.empty(cases.size, dtype=np.int64)
        rank[by_rank] = np.arange(cases.size)
        self._rank_of = np.zeros(self.n, dtype=np.int64)
        self._rank_of[cases] = rank
        # The runs: cases by tick, then fund, then rank.
        group = (tick * n_funds + self._fund_of[cases])[by_rank]
        small = self.n_months * n_funds < np.iinfo(np.int16).max  # sorted faster as int16
        order = by_rank[np.argsort(group.astype(np.int16) if small else group, kind="stable")]
        group = tick[order] * n_funds + self._fund_of[cases[order]]
        cents = self._cols.sum(axis=0)[self._case_of_rank]
        run_lo = np.flatnonzero(np.diff(group, prepend=-1))  # where each run starts
        bounds = np.append(run_lo, cases.size)
        cum = np.concatenate(([0], np.cumsum(cents[rank[order]])))
        self._run_cents: list[int] = np.diff(cum[bounds]).tolist()
        self._run_lo: list[int] = bounds.tolist()
        self._run_fund: list[int] = (group[run_lo] % n_funds).tolist()
        at = np.searchsorted(group[run_lo] // n_funds, np.arange(self.n_months + 1))
        self._run_at: list[int] = at.tolist()  # [m]: the first run of tick m
        self._run_ranks: list[int] = rank[order].tolist()
        ready = np.full(self.n, self.n_months, dtype=np.int64)
        ready[cases] = tick
        self._ready_tick = ready
        self._lines = WaitingLines(n_funds, cents.tolist())
        return self._lines

    def _reprice(self, lines: WaitingLines, price: float) -> None:
        """At a year's first tick: the packages of the cases still waiting at that year's
        ``price`` (each month rounded to the cent)."""
        ranks, counts = lines.waiting()
        index = self._case_of_rank[ranks]
        cols = self.draws.by_month[:, index]
        factor = price * self._scale
        if self._scale_of is not None:  # one share per victim: scale each column
            cols = np.rint(cols * (price * self._scale_of[index])).astype(np.int64)
        elif factor != 1.0:
            cols = np.rint(cols * factor).astype(np.int64)
        self._cols[:, index] = cols
        cents = cols.sum(axis=0)
        cum = np.concatenate(([0], np.cumsum(cents)))
        totals = np.diff(cum[np.concatenate(([0], np.cumsum(counts)))])
        lines.reprice(ranks, cents.tolist(), totals.tolist())

    def _admit(self, lines: WaitingLines, month: int, price: float) -> None:
        """The cases ready at this tick join their funds' lines, and every waiting case that
        arrived ``max_wait_months`` or more before the tick is dropped: its package at this
        year's ``price`` (the fund's share of it) is unmet need."""
        thr = self._thr[month]
        dropped: list[int] = []
        old = lines.n
        run_lo, ranks, join = self._run_lo, self._run_ranks, lines.join
        for r in range(self._run_at[month], self._run_at[month + 1]):
            run, cents = ranks[run_lo[r] : run_lo[r + 1]], self._run_cents[r]
            if self._new_drop[month]:  # some arrived too long ago: dropped at once
                case = self._case_of_rank[run]
                dropped += case[case < thr].tolist()
                run = np.asarray(run)[case >= thr].tolist()
                cents = sum(map(lines.cents.__getitem__, run))
            if run:
                join(self._run_fund[r], run, cents)
        done = self._thr_done
        if old and done < thr:  # the cases waiting from earlier ticks that arrived too long ago
            late = (self._ready_tick[done:thr] < month) & np.isnan(self._fa[done:thr])
            late_cases = np.flatnonzero(late) + done
            funds = self._fund_of[late_cases].tolist()
            for f, rank in zip(funds, self._rank_of[late_cases].tolist(), strict=True):
                lines.drop(f, rank)
            dropped += late_cases.tolist()
        self._thr_done = thr
        if dropped:  # each package at the fund's share, rounded to the cent (half to even)
            index = np.array(dropped, dtype=np.intp)
            share = price if self._scale_of is None else price * self._scale_of[index]
            cents = np.rint(self.draws.package_cents[index] * share).astype(np.int64)
            self.unmet_cents += int(cents.sum())
            self._dropped += dropped

    def _start(self, lines: WaitingLines, keep_back_cents: int, month: int, now: float) -> None:
        """Start waiting cases, fund by fund in priority order, while the fund's uncommitted
        cash (beyond ``keep_back_cents`` for the victims' fund) covers the whole package at
        this year's prices; a fund's first case that does not fit stops that fund's round
        (strict priority). A case's fund is the victims' fund, or in siloed mode the line of
        the entity its allegation involves."""
        funds, take = self.funds, lines.take
        single = len(funds) == 1
        paying: list[int] = []
        started: list[list[int]] = []
        spent: list[int] = []
        for f, live in enumerate(lines.live):
            if not live:
                continue
            avail = funds[f].available_cents
            if not f:
                avail -= keep_back_cents
            ranks, cents = take(f, avail, single or avail >= 0)
            if ranks:
                paying.append(f)
                started.append(ranks)
                spent.append(cents)
        if not paying:
            return
        # Every fund's month-by-month services at once: one gather, summed fund by fund.
        n_started = sum(map(len, started))
        ranks_started = np.fromiter(chain.from_iterable(started), dtype=np.intp, count=n_started)
        index = self._case_of_rank[ranks_started]
        self._fa[index] = now
        cols = self._cols.take(index, axis=1)
        if len(paying) == 1:
            self._due[paying[0], month : month + self._width] += cols.sum(axis=1)
        else:
            bounds = list(accumulate(map(len, started[:-1]), initial=0))
            sums = np.add.reduceat(cols, bounds, axis=1)  # months x paying funds
            self._due[paying, month : month + self._width] += sums.T
        for f, cents in zip(paying, spent, strict=True):
            funds[f].committed += cents

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
