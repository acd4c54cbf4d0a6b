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

Fund management (issue 19, docs/model.md): contracts aligned with the budget year
(``contract_alignment = "budget_year"``: a first contract to 31 December, renewals of
12 months on 1 January), bridge extensions of one month before a lapse, commitment
authority beyond free cash (:attr:`Coordinators.authority`: the receivables of the
budget year, less a haircut), the host's pre-financing of committed salaries when cash
is short (recorded in the ledger; a salary neither covers is missed and the post
lapses), and the cuts a review decided (frozen vacant posts, declined renewals).
A *funding interruption* is a lapse of a filled post (renewal not committed, renewal
declined, salary missed); operating-cost shortfalls are recorded apart.
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
        prefinancing_cents: int = 0,
        prefinancing_account: int | None = None,
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
        # Fund management (issue 19).
        self.budget_year = posts.contract_alignment == "budget_year"
        self._whole = posts.renewal_rule == "whole_contract"
        self._commit_rule = posts.renewal_commit_months
        self.bridge_max = posts.bridge_months
        self.bridges = [0] * n
        self.contract_len = [self.contract_months] * n  # months of the next / current contract
        self.commit_len = [self.commit_months] * n  # months committed for it
        self.contract_end = [0] * n  # month the current contract ends
        #: Commitment authority of fund 0 beyond its free cash, in cents at ``month`` (receivables basis).
        self.authority: Callable[[int], int] | None = None
        self._prefinance_limit = prefinancing_cents
        self._acct_prefinancing = prefinancing_account
        self.advanced = 0  # cents the host has advanced and not been repaid
        self.peak_liquidity_need = 0  # cents: the largest advance needed (outstanding + uncovered)
        self._liquidity = prefinancing_account is not None
        self.frozen: set[int] = set()
        self.declined: frozenset[int] = frozenset()
        self.lost_months = 0  # post-months vacant for lack of funds
        self.operating_shortfall_cents = 0
        tiers = [c.risk_tier for c in ctx.static.scenario.countries]
        self.tier1 = [t == 1 for t in tiers] if len(tiers) == n else [False] * n
        self.tier1_by_year = np.zeros(self.years, dtype=np.int32)
        self.sustained_by_year = np.full(self.years, n, dtype=np.int32)
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

    def headroom_cents(self, k: int, month: int) -> int:
        """What fund ``k`` may still commit at ``month``: its free cash, plus its
        commitment authority on receivables where it has one (cents)."""
        fund = self.funds[k]
        free = fund.ledger.balance[fund.account] - fund.committed
        if k == 0:
            free -= self.advanced  # the host's advance is owed back first: not free cash
            if self.authority is not None:
                free += self.authority(month)
        return free

    def _try_commit(self, k: int, i: int, cost: int, months: int, month: int) -> bool:
        fund = self.funds[k]
        need = cost * months
        free = fund.ledger.balance[fund.account] - fund.committed - (self.advanced if k == 0 else 0)
        if need > free and (k != 0 or self.authority is None or need > free + self.authority(month)):
            return False
        fund.committed += need
        self.paid_by[i] = k
        return True

    def _commit(self, i: int, month: int, contract: int | None = None) -> bool:
        """Commit the next contract's months for post ``i`` (``contract`` months, default the
        posts' contract) from its own fund, or else from the backstop; return whether either could."""
        cost = self._salary_cents[min(month // 12, self.years - 1)]
        self.monthly_cost[i] = cost
        if contract is None:
            contract, months = self.contract_months, self.commit_months
        else:
            months = contract if self._whole else min(self._commit_rule, contract)
        self.contract_len[i] = contract
        self.commit_len[i] = months
        if self._try_commit(self.post_fund[i], i, cost, months, month):
            return True
        if self.backstop is not None and self._try_commit(self.backstop, i, cost, months, month):
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
        self.bridges[i] = 0
        if self.tier1[i]:
            self.tier1_by_year[min(month // 12, self.years - 1)] += 1
        self._gap(month)

    def _schedule(self, delay: float, i: int, callback: Callable[[Due], None]) -> None:
        Due(self._env, delay, (i, self.generation[i]), callback)

    # ------------------------------------------------------------------ events

    def start_recruitment(self, month: int) -> None:
        """At the monthly tick: vacant posts start recruiting, in priority order, while
        their funds allow (a fund that cannot pay one post funds no lower-priority one)."""
        if not self.vacant:
            return
        state, restart_at, frozen = self.state, self.restart_at, self.frozen
        blocked: set[int] = set()
        for i in self.order:
            if state[i] != VACANT:
                continue
            if restart_at[i] > month or self.post_fund[i] in blocked or i in frozen:
                self.lost_months += 1
                continue
            if self.budget_year:
                lag = self._lag(i)
                fill = month + lag
                if not self._commit(i, month, 12 - fill % 12):
                    self._lags[i].append(lag)  # not used: the next attempt draws it again
                    blocked.add(self.post_fund[i])
                    self.lost_months += 1
                    continue
            else:
                if not self._commit(i, month):
                    blocked.add(self.post_fund[i])
                    self.lost_months += 1
                    continue
                lag = self._lag(i)
            state[i] = RECRUITING
            self.vacant -= 1
            self._schedule(lag - 0.5, i, self._on_filled)

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
        contract, months = self.contract_len[i], self.commit_len[i]
        self.commit_end[i] = month + months
        self.contract_end[i] = month + contract
        self.payroll_committed[self.paid_by[i]] += self.monthly_cost[i]
        self._schedule(contract, i, self._on_contract_end)
        if months < contract:
            self._schedule(months, i, self._on_commitment_used)

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
        if i in self.declined:
            renewed = False
        elif self.budget_year:
            renewed = self._commit(i, month, 12 - month % 12)
        else:
            renewed = self._commit(i, month)
        if not renewed and i not in self.declined and self.bridges[i] < self.bridge_max:
            # A bridge: one more month while free cash covers it; the renewal is retried then.
            renewed = self._commit(i, month, 1)
            if renewed:
                self.bridges[i] += 1
        elif renewed:
            self.bridges[i] = 0
        if renewed:
            self.filled_by_fund[self.paid_by[i]] += 1
            self._start_contract(i, month)
        else:
            # Nothing left committed; put the post back on its payroll so _lapse can
            # take it off the same way as any filled post.
            self.paid_by[i] = old
            self.filled_by_fund[old] += 1
            self.commit_end[i] = month
            self.payroll_committed[old] += self.monthly_cost[i]
            if i in self.declined:
                self.frozen.add(i)  # a declined post stays vacant until a review unfreezes it
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
                if k == 0 and self._liquidity:
                    total = self._cover_committed(month, total)
                fund.pay(month, salaries, total, now, "payroll")
                fund.committed -= total
        if self.uncommitted:
            for i in sorted(self.uncommitted, key=self.order.index):
                cost = self.monthly_cost[i]
                if not self._try_pay_free(self.paid_by[i], month, salaries, cost, "payroll"):
                    self.missed_cents += cost
                    self._lapse(i, month)
        if self._operating:
            op = self._op_cents[month // 12]
            for k, count in enumerate(self.filled_by_fund):
                if count and not self._try_pay_free(k, month, operating, op * count, "operating"):
                    self.missed_cents += op * count
                    self.operating_shortfall_cents += op * count

    # ------------------------------------------------------------------ liquidity

    def _advance(self, month: int, cents: int) -> None:
        """The host advances ``cents`` into fund 0 (recorded in the ledger)."""
        assert self._acct_prefinancing is not None
        fund = self.funds[0]
        fund.ledger.post(month, fund.account, self._acct_prefinancing, cents, self._env._now, "prefinancing")
        self.advanced += cents
        self.peak_liquidity_need = max(self.peak_liquidity_need, self.advanced)

    def repay(self, month: int) -> None:
        """First thing at the monthly tick: repay the host's advances from fund 0's cash."""
        if self.advanced and self._acct_prefinancing is not None:
            fund = self.funds[0]
            cents = min(self.advanced, max(0, fund.ledger.balance[fund.account]))
            if cents:
                fund.ledger.post(month, self._acct_prefinancing, fund.account, cents, self._env._now, "prefinancing repaid")
                self.advanced -= cents

    def _cover_committed(self, month: int, total: int) -> int:
        """Fund 0 pays ``total`` cents of committed salaries: from cash, then the host's
        advance; salaries neither covers are missed (their posts lapse, lowest priority
        first). Return what is paid."""
        fund = self.funds[0]
        cash = fund.ledger.balance[fund.account]
        if total <= cash:
            return total
        room = self._prefinance_limit - self.advanced
        short = total - cash
        self.peak_liquidity_need = max(self.peak_liquidity_need, self.advanced + short)
        if short > room:
            for i in reversed(self.order):
                if total - cash <= room:
                    break
                if self.state[i] == FILLED and self.paid_by[i] == 0 and i not in self.uncommitted:
                    cost = self.monthly_cost[i]
                    self.missed_cents += cost
                    self._lapse(i, month)
                    total -= cost
            short = max(0, total - cash)
        if short:
            self._advance(month, short)
        return total

    def _try_pay_free(self, k: int, month: int, sink: int, cents: int, memo: str) -> bool:
        """Pay an uncommitted cost from fund ``k``'s free cash (with authority and
        pre-financing for fund 0 when it has them); return whether it was paid."""
        fund = self.funds[k]
        if k != 0 or not self._liquidity:
            return fund.try_pay_uncommitted(month, sink, cents, self._env._now, memo)
        if cents > self.headroom_cents(0, month):
            return False
        cash = fund.ledger.balance[fund.account]
        if cents > cash:
            short = cents - cash
            self.peak_liquidity_need = max(self.peak_liquidity_need, self.advanced + short)
            if short > self._prefinance_limit - self.advanced:
                return False
            self._advance(month, short)
        fund.pay(month, sink, cents, self._env._now, memo)
        return True

    # ------------------------------------------------------------------ governance

    def review_inputs(self, start: int, end: int) -> tuple[list[int], list[bool], list[int]]:
        """For a review of the months ``start`` to ``end``: what each post still needs (cents
        not committed), whether it is vacant, and what declining its renewal saves."""
        y = min(start // 12, self.years - 1)
        salary, op = self._salary_cents[y], self._op_cents[y]
        span = end - start
        required, vacant, saved = [], [], []
        for i in range(self.n):
            s = self.state[i]
            if s == VACANT:
                required.append((salary + op) * span)
                vacant.append(True)
                saved.append(0)
                continue
            vacant.append(False)
            if s == RECRUITING:
                required.append(op * span)
                saved.append(0)
                continue
            uncommitted = max(0, end - max(start, self.commit_end[i]))
            required.append(salary * uncommitted + op * span)
            saved.append((salary + op) * max(0, end - max(start, self.contract_end[i])))
        return required, vacant, saved

    def committed_beyond_usd(self, end: int) -> float:
        """Salary months that the renewals of filled posts before month ``end`` commit beyond
        it (rolling contracts), USD at the last year's price."""
        y = min(end // 12, self.years) - 1
        salary = self._salary_cents[max(y, 0)]
        months = 0
        for i in range(self.n):
            if self.state[i] != FILLED:
                continue
            renewal = self.contract_end[i]
            while renewal + self.contract_months <= end:
                renewal += self.contract_months
            if renewal < end:
                months += max(0, renewal + self.commit_months - end)
        return months * salary / 100

    def finish(self, n_months: int) -> NDArray[np.int32]:
        """Close the filled intervals still open at the end of the run; return filled months."""
        for i in range(self.n):
            if self.state[i] == FILLED:
                self._record_filled(i, n_months)
        return self.filled_months
