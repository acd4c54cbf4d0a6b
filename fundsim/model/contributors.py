"""Contributors: the yearly assessment by cost-sharing formula and the payments that follow.

One :class:`Contributors` per fund that assesses the entities (the coordinator
fund; the victims' fund). Each budget year the fund's gross budget (cents) is split
among the participating entities with the fund's formula
(:class:`~fundsim.model.formula_shares.FormulaShares`); each entity pays its
assessment in instalments, scheduled from the first month of its own fiscal year
(``fiscal_year_start_month`` in the entities table: 7 for a July-June year), each
arriving after a random delay, reduced by any cut in force and, with some probability,
only partly paid; an entity whose bill rose more than ``participation.max_increase``
over last year's pays up to that cap. What is not paid stays as that entity's
receivable (its arrears), aged by the budget year it belongs to; a budget rule under
``mechanism.shortfall_policy = "arrears"`` counts arrears as the fund's asset
(:meth:`Contributors.arrears_cents`), so that nobody else is billed for them. Receivables
older than ``mechanism.arrears_write_off_years`` are written off at a year end
(:meth:`Contributors.write_off`): the fund's loss, which the next budget replenishes.
Instalments falling due after the horizon are neither receivables nor part of the
horizon's assessment (:attr:`Contributors.assessed_in_horizon`).

An entity stops taking part after a scheduled exit (its instalments falling due after
the exit takes effect are lost, written off), when its share exceeds
``participation.max_share``, or after a cut of at least ``participation.leave_after_cut``.
Shares are then recomputed among the rest, who are invoiced the budget less the part of
the leavers' bills they do not absorb (``participation.absorption``: 1 picks up all).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from fundsim.model.context import Context
from fundsim.model.events import Due, schedule_all
from fundsim.model.formula_shares import FormulaShares
from fundsim.model.fund import Fund
from fundsim.model.instalments import (
    Calendar,
    Payment,
    instalment_calendar,
    instalment_cents,
    instalment_payments,
)
from fundsim.model.ledger import split_cents
from fundsim.model.receivables import aged_receivables
from fundsim.model.sampling import draw_non_negative
from fundsim.model.shocks import ShockPlan
from fundsim.scenario.schema import Participation, Payments


class Contributors:
    """Assessments, payments and participation of the UN entities for one fund, over one
    replication.

    Built with the shared :class:`~fundsim.model.context.Context` and its own inputs:
    ``names`` (the entities, in the scenario's order), the scenario's ``payments`` and
    ``participation`` sections, the ``shares`` of the fund's formula, the replication's
    shock ``plan``, its ``rng`` (one stream per fund), the ``fund`` that receives the
    cost-shared assessment, ``lines`` (each entity's own budget line for what it funds
    alone, or None), the host's ``fee`` rate on what the fund receives, and the ledger
    accounts money comes from (``contributions_account``) and fees go to (``fees_account``).
    ``fiscal_start_months`` gives each entity's first month of its fiscal year (1-12;
    default: January for all). ``line_fees``: the host's support-cost rate on receipts into
    each entity's own line (default: none).

    Receivables: ``invoiced`` (cents, entity x budget year) is what each entity is invoiced
    by the fund (its own budget line excluded), ``lost`` what was written off when instalments
    fell due after its exit, and the receipts into the fund are kept by entity, budget year
    and calendar year of receipt (:meth:`outstanding_cents`, :meth:`receivables_by_age`).
    """

    def __init__(
        self,
        ctx: Context,
        names: Sequence[str],
        payments: Payments,
        participation: Participation,
        shares: FormulaShares,
        plan: ShockPlan,
        rng: np.random.Generator,
        fund: Fund,
        lines: Sequence[Fund | None],
        fee: float,
        contributions_account: int,
        fees_account: int,
        fiscal_start_months: Sequence[int] | None = None,
        line_fees: Sequence[float] | None = None,
        write_off_years: int | None = None,
        cut: NDArray[np.float64] | None = None,
    ) -> None:
        self.plan = plan
        self.rng = rng
        self.formula_shares = shares
        self.names = list(names)
        self.n = len(self.names)
        years = ctx.years
        self.active = np.ones(self.n, dtype=bool)
        self.largest: int | None = None
        self.fund = fund
        self._fee = fee
        self._set_terms(payments, participation)
        self._open_books(years)
        self._write_off_years = write_off_years
        self._years = years
        offsets = [m - 1 for m in fiscal_start_months] if fiscal_start_months is not None else []
        self._fiscal_offset: NDArray[np.float64] | None = (
            np.asarray(offsets, dtype=np.float64) if any(offsets) else None
        )
        self._exit_at: NDArray[np.float64] | None = None  # months from the start, per entity
        self._calendar: Calendar | None = None  # every year's instalments, from the first bill
        self._env = ctx.env
        # Each entity's own budget line (siloed and hybrid modes), None where it has none.
        self._lines: list[Fund | None] = list(lines)
        # The host's support cost (a rate) on receipts into each entity's own line; None: none.
        self._line_fees: list[float] | None = list(line_fees) if line_fees is not None else None
        self._post_with_fee = ctx.ledger.post_with_fee
        self._acct_contrib = contributions_account
        self._acct_fees = fees_account
        self._horizon = float(ctx.n_months)
        # Each entity's cut in each year (default: the shock plan's; the victims' window may
        # be given its own when a scheduled cut names one window only).
        self._cut = plan.cut if cut is None else cut

    def _set_terms(self, payments: Payments, participation: Participation) -> None:
        """Keep the payment and participation terms the assessments apply."""
        self._inst = payments.instalments_per_year
        self._delay = payments.delay_months
        # Inside a multi-year funding agreement an entity pays in part less often.
        agreed = participation.agreement_partial_factor if participation.agreement_years else 1.0
        self._partial_p = payments.partial_probability * agreed
        self._partial_f = payments.partial_fraction
        self._scale = payments.contribution_scale
        self._leave_after_cut = participation.leave_after_cut
        self._max_share = participation.max_share
        self._absorption = participation.absorption
        self._max_increase = participation.max_increase

    def _open_books(self, years: int) -> None:
        """The empty books of the run: bills, receipts, losses and write-offs by entity and
        year (cents)."""
        self.assessed = np.zeros((self.n, years), dtype=np.int64)
        # Per-payment tallies are flat Python lists (cheap to add to, and to make: one per
        # replication), indexed entity-major; their arrays are built when read.
        self._paid = [0] * (self.n * years)  # cents, entity x budget year
        self.shares = np.zeros((self.n, years), dtype=np.float64)
        # What each entity agreed to pay of its bill each year (max_increase caps the rise).
        self._accepted = np.zeros((self.n, years), dtype=np.float64)
        self.invoiced = np.zeros((self.n, years), dtype=np.int64)
        self.lost = np.zeros((self.n, years), dtype=np.int64)
        # Receipts into the fund: entity -> budget year -> calendar year of receipt (cents).
        self._receipts = [0] * (self.n * years * years)  # entity x budget year x calendar year
        # Received on each budget year's invoice so far, cents (entities x budget years): the
        # running total of ``_receipts`` over calendar years, kept so that the commitment
        # authority, read at every commitment, does not rebuild it. A list, added to at each
        # receipt; its array (:attr:`_received_for`) is built when read after a receipt.
        self._received = [0] * (self.n * years)  # flat, entity x budget year
        self._received_array: NDArray[np.int64] | None = None
        # Receipts into each entity's own line, by calendar year (cents; siloed and hybrid).
        self._line_receipts = [0] * (self.n * years)  # flat, entity x calendar year
        # Invoiced cents of instalments falling due after the horizon (entity x budget year).
        self.after_horizon = np.zeros((self.n, years), dtype=np.int64)
        # Arrears write-off: receivables of budget year y still outstanding at the end of
        # year y + write_off_years are written off; ``_wo[i, y, k]`` the cents of entity i's
        # invoice for budget year y written off (negative: recovered) at the end of year k.
        self._wo = np.zeros((self.n, years, years), dtype=np.int64)
        self._wo_through = -1  # the last year end whose write-offs are done
        self._any_written_off = False
        # What each entity was billed for other entities' arrears (cents, entity x budget
        # year): its share of the part of the budget that re-apportions them.
        self.for_others = np.zeros((self.n, years), dtype=np.int64)
        # :meth:`receivables_cents` by budget year, kept between the changes that move it:
        # a receipt into the fund lowers its year's entry by its cents (an active entity's);
        # an assessment, a write-off, a recovery or a change of :attr:`active` clears it (it
        # is read at every commitment).
        self._receivables: dict[int, int] = {}
        self._receivables_active = b""  # :attr:`active` when they were kept (its bytes)

    @property
    def _received_for(self) -> NDArray[np.int64]:
        """Cents received on each budget year's invoice so far (entities x budget years)."""
        array = self._received_array
        if array is None:
            array = np.array(self._received, dtype=np.int64).reshape(self.n, self._years)
            self._received_array = array
        return array

    @_received_for.setter
    def _received_for(self, array: NDArray[np.int64]) -> None:
        # Receipts by entity and budget year set at once (cents; tests build a fund by hand).
        self._received = np.asarray(array, dtype=np.int64).ravel().tolist()
        self._received_array = np.asarray(array, dtype=np.int64)

    @property
    def paid(self) -> NDArray[np.int64]:
        """Cents paid, by entity and assessment year."""
        return np.array(self._paid, dtype=np.int64).reshape(self.n, self._years)

    def receivables_cents(self, year: int) -> int:
        """Cents invoiced to the fund for ``year`` and not yet received, from entities still
        taking part (what they still owe on that year's invoice: partial payments, cuts and
        refused rises included; instalments lost at an exit written off)."""
        active = self.active.tobytes()
        if active != self._receivables_active:  # who takes part changed (in place): recompute
            self._receivables.clear()
            self._receivables_active = active
        cached = self._receivables.get(year)
        if cached is not None:
            return cached
        if year >= self._years:
            return 0
        total = int(self.outstanding_cents(year)[self.active].sum())
        self._receivables[year] = total
        return total

    def expected_cents(self, year: int, ceiling: float) -> int:
        """What the fund expects to collect of the invoices for ``year`` still outstanding,
        from entities still taking part, judging each entity by its record: its outstanding
        cents times the share of its previous year's invoice it has paid so far, at most
        ``ceiling`` (one less the collection haircut; the first year: ``ceiling`` for all).
        An entity that paid 80 % last year is expected to pay 80 % of what it owes now."""
        if year >= self.assessed.shape[1]:
            return 0
        owed = self.outstanding_cents(year)
        if year == 0:
            return int(owed[self.active].sum() * ceiling)
        billed = self.invoiced[:, year - 1]
        rate = np.where(
            billed > 0,
            np.minimum(ceiling, self._received_for[:, year - 1] / np.maximum(billed, 1)),
            ceiling,
        )
        return int((owed * rate)[self.active].sum())

    def outstanding_cents(self, year: int) -> NDArray[np.int64]:
        """What each entity still owes the fund on its invoice for budget ``year`` now:
        invoiced less received less written off (at an exit, or as old arrears), cents (one
        per entity). An instalment falling due after the horizon is still owed here (the
        fund counts on it); only the horizon's reports leave it out."""
        out = self.invoiced[:, year] - self._received_for[:, year] - self.lost[:, year]
        if self._any_written_off:
            out = out - self._wo[:, year, :].sum(axis=1)
        return out

    def arrears_by_entity(self, year: int) -> NDArray[np.int64]:
        """Each entity's arrears when the budget for ``year`` is set (cents): what it still
        owes on its invoices of the budget years before ``year``, after the write-offs due
        by then (:meth:`write_off`); entities that have left included (they still owe)."""
        if year <= 0:
            return np.zeros(self.n, dtype=np.int64)
        self.write_off(year - 1)
        years = min(year, self._years)
        owed = self.invoiced[:, :years] - self._received_for[:, :years] - self.lost[:, :years]
        if self._any_written_off:
            owed = owed - self._wo[:, :years, :].sum(axis=2)
        return owed.sum(axis=1)

    def arrears_cents(self, year: int) -> int:
        """The fund's arrears when the budget for ``year`` is set (cents): the sum of
        :meth:`arrears_by_entity`. Under ``shortfall_policy = "arrears"`` the budget rule
        counts them as the fund's asset, so that no other entity is billed for them."""
        return int(self.arrears_by_entity(year).sum())

    def write_off(self, year_end: int) -> None:
        """Write off, at 31 December of ``year_end``, every receivable of a budget year
        ``y <= year_end - arrears_write_off_years`` still outstanding (idempotent; nothing
        without a write-off rule). A later receipt on a written-off invoice is a recovery,
        recorded as a negative write-off in the year it arrives."""
        n_years = self._write_off_years
        while self._wo_through < year_end:
            self._wo_through += 1
            k = self._wo_through
            if n_years is None or k >= self._years:
                continue
            last = k - n_years  # the newest budget year old enough
            for y in range(last + 1):
                owed = self.outstanding_cents(y)
                owed = np.maximum(owed, 0)
                if owed.any():
                    self._wo[:, y, k] += owed
                    self._any_written_off = True
                    self._receivables.clear()

    def written_off_by_year(self) -> NDArray[np.int64]:
        """Arrears written off (net of recoveries) at each year end, cents (entities x years)."""
        return self._wo.sum(axis=1)

    @property
    def assessed_in_horizon(self) -> NDArray[np.int64]:
        """The assessment that falls due within the horizon (cents, entity x budget year):
        :attr:`assessed` less the instalments falling due after it (a July fiscal year's
        last instalment), which are neither unpaid nor assessed in the horizon's ratios."""
        return self.assessed - self.after_horizon

    def received_by_year(self) -> NDArray[np.int64]:
        """What each entity paid in, by calendar year of receipt: into the fund (every budget
        year's invoice) and into its own line, cents (entities x years)."""
        n, years = self.n, self._years
        receipts = self._receipts_by_year().sum(axis=1)
        return receipts + np.array(self._line_receipts, dtype=np.int64).reshape(n, years)

    def _receipts_by_year(self) -> NDArray[np.int64]:
        """Receipts into the fund, cents (entity x budget year x calendar year of receipt)."""
        return np.array(self._receipts, dtype=np.int64).reshape(self.n, self._years, self._years)

    def receivables_by_age(self) -> NDArray[np.int64]:
        """Receivables at each year end, aged by budget year: cents, entities x year ends x
        age in years (0: the year just ended). ``[i, k, a]`` is what entity ``i`` still owed
        on 31 December of simulated year ``k`` on its invoice for budget year ``k - a``
        (invoiced less received by then; instalments lost at an exit are written off from
        the year end after the exit)."""
        exit_at = self._exit_at if self._exit_at is not None else np.full(self.n, np.inf)
        written_off = np.cumsum(self._wo, axis=2) if self._any_written_off else None
        receipts, lost, late = self._receipts_by_year(), self.lost, self.after_horizon
        return aged_receivables(self.invoiced, receipts, lost, exit_at, written_off, late)

    # ------------------------------------------------------------------ assessment

    def _participants(self, year: int, total_usd: float) -> NDArray[np.float64]:
        """Decide who takes part in ``year`` and return their shares (zeros for the rest)."""
        active = self.active
        active &= self.plan.exit_year > year
        active &= self._cut[:, year] < self._leave_after_cut
        if self.largest is None and year == 0:
            self.largest = int(np.argmax(self.formula_shares.among(active.copy(), total_usd)))
        if self.plan.exit_largest_year is not None and year >= self.plan.exit_largest_year:
            active[self.largest] = False
        if not active.any():
            return np.zeros(self.n)
        shares = self.formula_shares.among(active, total_usd)
        # Opt-outs: whoever is assessed above the tolerance leaves; recompute among the rest.
        while (
            self._max_share < 1.0 and active.sum() > 1 and (shares > self._max_share + 1e-12).any()
        ):
            active &= ~(shares > self._max_share + 1e-12)
            shares = (
                self.formula_shares.among(active, total_usd) if active.any() else np.zeros(self.n)
            )
        return shares

    def assess(
        self,
        year: int,
        gross_cents: int,
        line_needs_cents: Sequence[int] | None = None,
        reapportioned_cents: int = 0,
    ) -> None:
        """Split the fund's ``gross_cents`` for ``year`` by the formula, add what each entity
        puts in its own budget line (``line_needs_cents``: the posts it hosts, the services
        of its victims; siloed and hybrid modes), and schedule every instalment's payment.
        ``reapportioned_cents``: the part of ``gross_cents`` that bills entities' arrears to
        everyone (``shortfall_policy = "reapportion"``); each entity's share of it, less its
        part for its own arrears, is recorded in :attr:`for_others`."""
        self._receivables.clear()  # who takes part, what is invoiced and lost change here
        shares = self._participants(year, gross_cents / 100)
        total_cents = gross_cents
        if self._absorption < 1.0 and not self.active.all() and shares.sum() > 0:
            # The leavers' bills had they stayed; the others pick up ``absorption`` of them.
            everyone = self.formula_shares.among(np.ones(self.n, dtype=bool), gross_cents / 100)
            left = float(everyone[~self.active].sum())
            total_cents = gross_cents - round(gross_cents * left * (1.0 - self._absorption))
        assessed = (
            split_cents(total_cents, shares) if shares.sum() > 0 else np.zeros(self.n, np.int64)
        )
        self.invoiced[:, year] = assessed
        if reapportioned_cents > 0 and gross_cents > 0:
            self._record_for_others(year, assessed, reapportioned_cents / gross_cents)
        host = np.zeros(self.n, dtype=np.int64)
        if line_needs_cents is not None:
            # An entity that has left the mechanism no longer funds even its own posts.
            host = np.where(self.active, np.asarray(line_needs_cents, dtype=np.int64), 0)
        total = assessed + host
        self.assessed[:, year] = total
        self.shares[:, year] = total / total.sum() if total.sum() > 0 else shares
        # The same draws every year, whatever the mode: common random numbers.
        self.write_off(year - 1)
        keep = (1.0 - self._cut[:, year]) * self._scale
        partial = self.rng.random(self.n) < self._partial_p
        keep = np.where(partial, keep * self._partial_f, keep)
        delays = draw_non_negative(self._delay, self.rng, (self.n, self._inst))
        if self._max_increase is not None:
            # An entity pays at most (1 + max_increase) x what it accepted last year.
            bill = assessed.astype(np.float64)
            cap = self._accepted[:, year - 1] * (1.0 + self._max_increase) if year > 0 else bill
            over = (cap > 0) & (bill > cap)
            keep = np.where(over, keep * cap / np.where(over, bill, 1.0), keep)
            self._accepted[:, year] = np.where(over, cap, bill)
        calendar = self._calendar or self._make_calendar()
        due, lost, late = calendar[0][year], calendar[1][year], calendar[2][year]
        self._schedule(
            year, assessed, keep, delays, self.fund, self._fee, due, lost, self.lost, late
        )
        if host.any():
            fees = self._line_fees or 0.0
            self._schedule(year, host, keep, delays, self._lines, fees, due, lost, None, late)

    def _record_for_others(self, year: int, assessed: NDArray[np.int64], fraction: float) -> None:
        """Each entity's bill for others' arrears: ``fraction`` of its bill re-apportions the
        arrears, of which the part for other entities' arrears is recorded (cents)."""
        arrears = np.maximum(self.arrears_by_entity(year), 0).astype(np.float64)
        total = arrears.sum()
        if total <= 0:
            return
        others = 1.0 - arrears / total
        self.for_others[:, year] = np.rint(assessed * fraction * others).astype(np.int64)

    def _make_calendar(self) -> Calendar:
        """Each budget year's instalments (:func:`instalment_calendar`), made once, at the
        first assessment, when the largest entity (whose exit the plan may schedule) is known."""
        exit_at = self.plan.exit_months().copy()
        if self.largest is not None and self.plan.exit_largest_month is not None:
            exit_at[self.largest] = min(exit_at[self.largest], self.plan.exit_largest_month)
        elif self.largest is not None and self.plan.exit_largest_year is not None:
            exit_at[self.largest] = min(exit_at[self.largest], 12.0 * self.plan.exit_largest_year)
        self._exit_at = exit_at
        self._calendar = instalment_calendar(
            self._years, self._inst, self._fiscal_offset, exit_at, self._horizon
        )
        return self._calendar

    def _schedule(
        self,
        year: int,
        amounts: NDArray[np.int64],
        keep: NDArray[np.float64],
        delays: NDArray[np.float64],
        fund: Fund | list[Fund | None],
        fee: float | list[float],
        due: NDArray[np.float64],
        lost: NDArray[np.bool_] | None,
        lost_cents: NDArray[np.int64] | None,
        late: bool,
    ) -> None:
        """One payment per instalment, on the clock's batch: entity ``i`` pays ``amounts[i] *
        keep[i]`` into ``fund`` (or into ``fund[i]``, its own budget line, which exists
        wherever it owes), in equal instalments (the remainder cent in the last), each rounded
        to the cent, at its ``due`` month plus its delay (:func:`payments`). Instalments marked
        ``lost`` (due after an exit) are not paid; their invoiced cents go to ``lost_cents``.
        ``late``: whether any instalment falls due after the horizon."""
        if not amounts.any():
            return  # nothing billed (a siloed fund's pooled part): nothing lost, late or paid
        cents = instalment_cents(amounts, self._inst)
        if lost is not None:
            if lost_cents is not None:
                lost_cents[:, year] += np.where(lost, cents, 0).sum(axis=1)
            cents[lost] = 0
        if lost_cents is not None and late:
            # Instalments falling due after the horizon (a fiscal year that ends after it).
            after = np.broadcast_to(due >= self._horizon, cents.shape)
            self.after_horizon[:, year] += np.where(after, cents, 0).sum(axis=1)
        cents = np.rint(cents * keep[:, None]).astype(np.int64)
        cents[amounts <= 0] = 0
        pooled = not isinstance(fund, list)  # else each entity's own line
        funds = [fund] * self.n if pooled else fund
        accounts = [f.account if f is not None else None for f in funds]  # type: ignore[union-attr]
        rates = fee if isinstance(fee, list) else [fee] * self.n
        now = self._env._now
        delay, values = instalment_payments(
            year, cents, due + delays, now, accounts, rates, self.names, pooled
        )
        schedule_all(self._env, delay, values, self._on_payment)

    def _recover(self, i: int, year: int, cents: int, calendar_year: int) -> None:
        """A receipt on an invoice partly written off: the part beyond what was still owed
        recovers the write-off (a negative write-off at the end of ``calendar_year``)."""
        written = int(self._wo[i, year, :].sum())
        if written <= 0:
            return
        over = -int(self.outstanding_cents(year)[i])
        if over > 0:
            self._wo[i, year, min(calendar_year, self._years - 1)] -= min(over, written)
            self._receivables.clear()

    def _on_payment(self, event: Due) -> None:
        # Hot path: one event per instalment paid, at its time: entity i pays cents on its
        # invoice for budget year ``year`` into the fund's (or its own line's) ``account``,
        # less the host's ``fee`` (cents, set when scheduled).
        payment: Payment = event._value
        i, year, cents, fee, account, name, pooled = payment
        now = self._env._now
        month = int(now)
        self._post_with_fee(
            month, account, self._acct_contrib, cents, self._acct_fees, fee, now, name, "admin fee"
        )
        years = self._years
        at = i * years + year
        self._paid[at] += cents
        if pooled:
            self._receipts[at * years + month // 12] += cents
            self._received[at] += cents
            self._received_array = None
            receivables = self._receivables
            if year in receivables and self.active[i]:
                receivables[year] -= cents
            if self._any_written_off:
                self._recover(i, year, cents, month // 12)
        else:
            self._line_receipts[i * years + month // 12] += cents
