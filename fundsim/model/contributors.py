"""Contributors: the yearly assessment by cost-sharing formula and the payments that follow.

One :class:`Contributors` per fund that assesses the entities (the coordinator
fund; the victims' fund). Each budget year the fund's gross budget (cents) is split
among the participating entities with the fund's formula
(:class:`~fundsim.model.formula_shares.FormulaShares`); each entity pays its
assessment in instalments, each arriving after a random delay, reduced by any cut
in force and, with some probability, only partly paid. What is not paid stays as
arrears (recorded, not recovered). An entity stops taking part after a scheduled
exit, when its share exceeds ``participation.max_share``, or after a cut of at
least ``participation.leave_after_cut``; shares are then recomputed among the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from fundsim.model.context import Context
from fundsim.model.events import Due
from fundsim.model.formula_shares import FormulaShares
from fundsim.model.fund import Fund
from fundsim.model.ledger import split_cents
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
    ) -> None:
        self.plan = plan
        self.rng = rng
        self.formula_shares = shares
        self.names = list(names)
        self.n = len(self.names)
        years = ctx.years
        self.assessed = np.zeros((self.n, years), dtype=np.int64)
        self._paid = [[0] * years for _ in range(self.n)]  # cents; a list: cheap per payment
        self.shares = np.zeros((self.n, years), dtype=np.float64)
        self.active = np.ones(self.n, dtype=bool)
        self.largest: int | None = None
        self.fund = fund
        self._fee = fee
        self._inst = payments.instalments_per_year
        self._delay = payments.delay_months
        self._partial_p = payments.partial_probability
        self._partial_f = payments.partial_fraction
        self._scale = payments.contribution_scale
        self._leave_after_cut = participation.leave_after_cut
        self._max_share = participation.max_share
        self._env = ctx.env
        # Each entity's own budget line (siloed and hybrid modes), None where it has none.
        self._lines: list[Fund | None] = list(lines)
        self._post = ctx.ledger.post
        self._acct_contrib = contributions_account
        self._acct_fees = fees_account

    @property
    def paid(self) -> NDArray[np.int64]:
        """Cents paid, by entity and assessment year."""
        return np.array(self._paid, dtype=np.int64).reshape(self.n, -1)

    def receivables_cents(self, year: int) -> int:
        """Cents invoiced for ``year`` and not yet received, from entities still taking part."""
        if year >= self.assessed.shape[1]:
            return 0
        owed = 0
        assessed = self.assessed[:, year].tolist()
        for i, active in enumerate(self.active.tolist()):
            if active:
                owed += max(0, assessed[i] - self._paid[i][year])
        return owed

    # ------------------------------------------------------------------ assessment

    def _participants(self, year: int, total_usd: float) -> NDArray[np.float64]:
        """Decide who takes part in ``year`` and return their shares (zeros for the rest)."""
        active = self.active
        active &= self.plan.exit_year > year
        active &= self.plan.cut[:, year] < self._leave_after_cut
        if self.largest is None and year == 0:
            self.largest = int(np.argmax(self.formula_shares.among(active.copy(), total_usd)))
        if self.plan.exit_largest_year is not None and year >= self.plan.exit_largest_year:
            active[self.largest] = False
        if not active.any():
            return np.zeros(self.n)
        shares = self.formula_shares.among(active, total_usd)
        # Opt-outs: whoever is assessed above the tolerance leaves; recompute among the rest.
        while self._max_share < 1.0 and active.sum() > 1 and (shares > self._max_share + 1e-12).any():
            active &= ~(shares > self._max_share + 1e-12)
            shares = self.formula_shares.among(active, total_usd) if active.any() else np.zeros(self.n)
        return shares

    def assess(self, year: int, gross_cents: int, line_needs_cents: Sequence[int] | None = None) -> None:
        """Split the fund's ``gross_cents`` for ``year`` by the formula, add what each entity
        puts in its own budget line (``line_needs_cents``: the posts it hosts, the services
        of its victims; siloed and hybrid modes), and schedule every instalment's payment."""
        shares = self._participants(year, gross_cents / 100)
        assessed = split_cents(gross_cents, shares) if shares.sum() > 0 else np.zeros(self.n, np.int64)
        host = np.zeros(self.n, dtype=np.int64)
        if line_needs_cents is not None:
            # An entity that has left the mechanism no longer funds even its own posts.
            host = np.where(self.active, np.asarray(line_needs_cents, dtype=np.int64), 0)
        total = assessed + host
        self.assessed[:, year] = total
        self.shares[:, year] = total / total.sum() if total.sum() > 0 else shares
        # The same draws every year, whatever the mode: common random numbers.
        keep = (1.0 - self.plan.cut[:, year]) * self._scale
        partial = self.rng.random(self.n) < self._partial_p
        keep = np.where(partial, keep * self._partial_f, keep)
        delays = draw_non_negative(self._delay, self.rng, (self.n, self._inst))
        self._schedule(year, assessed, keep, delays, self.fund, self._fee)
        if host.any():
            self._schedule(year, host, keep, delays, self._lines, 0.0)

    def _schedule(
        self, year: int, amounts: NDArray[np.int64], keep: NDArray[np.float64],
        delays: NDArray[np.float64], fund: Fund | list[Fund | None], fee: float,
    ) -> None:
        """One event per instalment: entity ``i`` pays ``amounts[i] * keep[i]`` into ``fund``
        (or into ``fund[i]``, its own budget line, which exists wherever it owes), in equal
        instalments (the remainder cent in the last), each rounded to the cent; entity by
        entity, instalment by instalment."""
        env = self._env
        n_inst = self._inst
        part, extra = np.divmod(amounts, n_inst)
        cents = np.repeat(part[:, None], n_inst, axis=1)
        cents[:, -1] += extra
        cents = np.rint(cents * keep[:, None]).astype(np.int64)
        cents[amounts <= 0] = 0
        at = (12 * year + np.arange(n_inst) * (12 / n_inst))[None, :] + delays
        paid = cents > 0
        entity, _ = np.nonzero(paid)
        callback = self._on_payment
        delay = np.maximum(at[paid] - env._now, 0.0).tolist()
        if isinstance(fund, list):
            for i, c, d in zip(entity.tolist(), cents[paid].tolist(), delay, strict=True):
                Due(env, d, (i, year, c, fund[i], fee), callback)
        else:
            for i, c, d in zip(entity.tolist(), cents[paid].tolist(), delay, strict=True):
                Due(env, d, (i, year, c, fund, fee), callback)

    def _on_payment(self, event: Due) -> None:
        # Hot path: one call per instalment paid; posts straight to the ledger.
        i, year, cents, fund, fee_rate = event._value
        now = self._env._now
        month = int(now)
        post = self._post
        post(month, fund.account, self._acct_contrib, cents, now, self.names[i])
        if fee_rate:
            fee = round(cents * fee_rate)
            post(month, self._acct_fees, fund.account, fee, now, "admin fee")
        self._paid[i][year] += cents
