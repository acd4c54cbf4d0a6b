"""Inter-agency PSEA coordinator posts (Rec 7): recruitment, contracts, renewal, lapse.

One post per priority country. A vacant post starts recruiting only when its fund
can commit its first contract (the renewal rule: the whole contract, or N months);
after the recruitment lag it is filled; at the end of each contract it is renewed
if the fund can commit the next one, otherwise it lapses and a later restart pays
the recruitment lag again. Vacant posts start in priority order (risk tier first).

Which fund pays a post depends on the mechanism mode: the pooled fund (``pooled``),
the budget of the country's lead entity (``siloed``), or the lead entity first and
the pooled reserve when the lead entity cannot (``hybrid``).

Salaries are paid by one monthly payroll: each fund's monthly total is kept up to
date by the state-change events (filled, commitment used up, contract end, lapse),
so the payroll is one ledger posting per fund, not a loop over posts. Posts whose
months are not committed (the N-month rule) are paid one by one from free cash,
and lapse when it is not there.

Timing: state changes happen at whole months ``t``; the payroll for month ``m``
runs at ``m + 0.5``, so a post filled at ``f`` on a ``C``-month contract is paid
exactly ``C`` times before its contract ends at ``f + C``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from fundsim.model.context import Context
from fundsim.model.events import Due
from fundsim.model.fund import Fund
from fundsim.model.ledger import to_cents
from fundsim.model.sampling import draw_months
from fundsim.scenario.costs import post_cost_usd
from fundsim.scenario.schema import Posts

VACANT, RECRUITING, FILLED = 0, 1, 2
#: Recruitment lags drawn ahead per post; each post uses its own column of draws, so
#: a post's k-th recruitment takes the same lag in every mode (common random numbers).
_LAGS_AHEAD = 8


class Coordinators:
    """State and payroll of every coordinator post in one replication.

    Built with the shared :class:`~fundsim.model.context.Context` (the posts' priority
    order is ``ctx.static.post_order``) and its own inputs: the scenario's ``posts``
    section, the ``rng`` of recruitment lags, ``post_funds`` (the fund paying each
    country's post, in the countries' order), an optional ``backstop`` fund that takes
    over a contract its own fund cannot commit (hybrid mode), the contract length when
    not the posts' (``contract_months``), and the ledger accounts salaries and operating
    costs are paid to.
    """

    def __init__(
        self,
        ctx: Context,
        posts: Posts,
        rng: np.random.Generator,
        post_funds: list[Fund],
        salaries_account: int,
        operating_account: int,
        backstop: Fund | None = None,
        contract_months: int | None = None,
    ) -> None:
        self.rng = rng
        self._env = ctx.env
        self._price_index = ctx.price_index
        self._acct_salaries = salaries_account
        self._acct_operating = operating_account
        self.n = len(post_funds)
        self.order: list[int] = ctx.static.post_order
        self.funds: list[Fund] = list(dict.fromkeys([*post_funds, *([backstop] if backstop else [])]))
        fund_index = {id(f): k for k, f in enumerate(self.funds)}
        self.post_fund: list[int] = [fund_index[id(f)] for f in post_funds]
        self.backstop: int | None = fund_index[id(backstop)] if backstop else None
        self.contract_months = contract_months or posts.contract_months
        self.commit_months = (
            self.contract_months
            if posts.renewal_rule == "whole_contract"
            else min(posts.renewal_commit_months, self.contract_months)
        )
        self.restart_wait = posts.restart_wait_months
        self._annual_cost = posts.annual_cost_usd
        self._operating = posts.operating_cost_usd
        self._post_cost = post_cost_usd(posts)
        self._lag_dist = posts.recruitment_lag_months
        self._lags: list[list[int]] = [
            row[::-1] for row in np.array(draw_months(self._lag_dist, rng, self.n * _LAGS_AHEAD, minimum=1)).reshape(self.n, _LAGS_AHEAD).tolist()
        ]
        self.years = ctx.years
        n = self.n
        self.state = [VACANT] * n
        self.monthly_cost = [0] * n  # cents, fixed when the contract is committed
        self.commit_end = [0] * n  # month at which the post's committed months run out
        self.paid_by = [0] * n  # index of the fund paying the current contract
        self.restart_at = [0] * n
        self.filled_since = [0] * n
        self.generation = [0] * n
        self.uncommitted: set[int] = set()  # filled posts paid from free cash
        self.payroll_committed = [0] * len(self.funds)  # cents a month, per fund
        self.filled_by_fund = [0] * len(self.funds)
        self.filled = 0
        self.vacant = n
        self.filled_months = np.zeros((n, self.years), dtype=np.int32)
        self.backstop_contracts = 0
        self.lapses = 0
        self.missed_cents = 0
        self.gap_by_year = np.zeros(self.years, dtype=np.int32)
        self._op_cents = [to_cents(self._operating * p / 12) for p in ctx.price_index]
        self._salary_cents = [to_cents(self._annual_cost * p / 12) for p in ctx.price_index]

    # ------------------------------------------------------------------ helpers

    def _lag(self, i: int) -> int:
        lags = self._lags[i]
        if not lags:
            lags.extend(draw_months(self._lag_dist, self.rng, _LAGS_AHEAD, minimum=1))
        return lags.pop()

    def planned_cost_usd(self, year: int, posts: int | None = None) -> float:
        """Cost of keeping ``posts`` (default: all) filled for the whole of ``year``
        (salary + operating), USD."""
        count = self.n if posts is None else posts
        return count * self._post_cost * self._price_index[year]

    def _try_commit(self, k: int, i: int, cost: int) -> bool:
        fund = self.funds[k]
        need = cost * self.commit_months
        if need > fund.ledger.balance[fund.account] - fund.committed:
            return False
        fund.committed += need
        self.paid_by[i] = k
        return True

    def _commit(self, i: int, month: int) -> bool:
        """Commit the next contract's months for post ``i`` from its own fund, or else
        from the backstop; return whether either could."""
        cost = self._salary_cents[min(month // 12, self.years - 1)]
        self.monthly_cost[i] = cost
        if self._try_commit(self.post_fund[i], i, cost):
            return True
        if self.backstop is not None and self._try_commit(self.backstop, i, cost):
            self.backstop_contracts += 1
            return True
        return False

    def _record_filled(self, i: int, until: int) -> None:
        """Add the months post ``i`` was filled, from ``filled_since`` to ``until``, by year."""
        start = self.filled_since[i]
        row = self.filled_months[i]
        while start < until:
            y = start // 12
            end = min(until, 12 * (y + 1))
            row[y] += end - start
            start = end
        self.filled_since[i] = until

    def _gap(self, month: int) -> None:
        self.gap_by_year[min(month // 12, self.years - 1)] += 1

    def _stop_paying(self, i: int) -> None:
        """Take filled post ``i`` off its fund's payroll."""
        k = self.paid_by[i]
        if i in self.uncommitted:
            self.uncommitted.discard(i)
        else:
            self.payroll_committed[k] -= self.monthly_cost[i]

    def _lapse(self, i: int, month: int) -> None:
        """Post ``i`` stops for lack of money at ``month``: release what stays committed."""
        k = self.paid_by[i]
        if self.state[i] == FILLED:
            self._record_filled(i, month)
            self.filled -= 1
            self.filled_by_fund[k] -= 1
            self._stop_paying(i)
        left = max(0, self.commit_end[i] - month)
        self.funds[k].committed -= self.monthly_cost[i] * left
        self.state[i] = VACANT
        self.vacant += 1
        self.generation[i] += 1
        self.restart_at[i] = month + self.restart_wait
        self.lapses += 1
        self._gap(month)

    def _schedule(self, delay: float, i: int, callback: Callable[[Due], None]) -> None:
        Due(self._env, delay, (i, self.generation[i]), callback)

    # ------------------------------------------------------------------ events

    def start_recruitment(self, month: int) -> None:
        """At the monthly tick: vacant posts start recruiting, in priority order, while
        their funds allow (a fund that cannot pay one post funds no lower-priority one)."""
        if not self.vacant:
            return
        state, restart_at = self.state, self.restart_at
        blocked: set[int] = set()
        for i in self.order:
            if state[i] != VACANT or restart_at[i] > month or self.post_fund[i] in blocked:
                continue
            if not self._commit(i, month):
                blocked.add(self.post_fund[i])
                continue
            state[i] = RECRUITING
            self.vacant -= 1
            self._schedule(self._lag(i) - 0.5, i, self._on_filled)

    def _on_filled(self, event: Due) -> None:
        i, gen = event._value
        if gen != self.generation[i]:
            return
        month = int(self._env._now)
        self.state[i] = FILLED
        self.filled += 1
        self.filled_by_fund[self.paid_by[i]] += 1
        self.filled_since[i] = month
        self._start_contract(i, month)

    def _start_contract(self, i: int, month: int) -> None:
        self.commit_end[i] = month + self.commit_months
        self.payroll_committed[self.paid_by[i]] += self.monthly_cost[i]
        self._schedule(self.contract_months, i, self._on_contract_end)
        if self.commit_months < self.contract_months:
            self._schedule(self.commit_months, i, self._on_commitment_used)

    def _on_commitment_used(self, event: Due) -> None:
        i, gen = event._value
        if gen != self.generation[i] or self.state[i] != FILLED:
            return
        self.payroll_committed[self.paid_by[i]] -= self.monthly_cost[i]
        self.uncommitted.add(i)

    def _on_contract_end(self, event: Due) -> None:
        i, gen = event._value
        if gen != self.generation[i]:
            return
        month = int(self._env._now)
        old = self.paid_by[i]
        self._stop_paying(i)
        self.filled_by_fund[old] -= 1
        if self._commit(i, month):
            self.filled_by_fund[self.paid_by[i]] += 1
            self._start_contract(i, month)
        else:
            # Nothing left committed; put the post back on its payroll so _lapse can
            # take it off the same way as any filled post.
            self.paid_by[i] = old
            self.filled_by_fund[old] += 1
            self.commit_end[i] = month
            self.payroll_committed[old] += self.monthly_cost[i]
            self._lapse(i, month)

    # ------------------------------------------------------------------ payroll

    def payroll(self, month: int) -> None:
        """Pay every filled post for ``month`` (committed money first), and operating costs."""
        if not self.filled:
            return
        now = self._env._now
        salaries, operating = self._acct_salaries, self._acct_operating
        for k, total in enumerate(self.payroll_committed):
            if total:
                fund = self.funds[k]
                fund.pay(month, salaries, total, now, "payroll")
                fund.committed -= total
        if self.uncommitted:
            for i in sorted(self.uncommitted, key=self.order.index):
                cost = self.monthly_cost[i]
                fund = self.funds[self.paid_by[i]]
                if not fund.try_pay_uncommitted(month, salaries, cost, now, "payroll"):
                    self.missed_cents += cost
                    self._lapse(i, month)
        if self._operating:
            op = self._op_cents[month // 12]
            for k, count in enumerate(self.filled_by_fund):
                if count and not self.funds[k].try_pay_uncommitted(month, operating, op * count, now, "operating"):
                    self.missed_cents += op * count
                    self._gap(month)

    def finish(self, n_months: int) -> NDArray[np.int32]:
        """Close the filled intervals still open at the end of the run; return filled months."""
        for i in range(self.n):
            if self.state[i] == FILLED:
                self._record_filled(i, n_months)
        return self.filled_months
