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

Fund management (docs/model.md): contracts aligned with the budget year
(``contract_alignment = "budget_year"``: a first contract to 31 December, renewals of
12 months on 1 January), bridge extensions of one month before a lapse, and the cuts a
review decided (frozen vacant posts, declined renewals). The pooled fund's liquidity
(:class:`~fundsim.model.fund.FundLiquidity`: commitment authority, the host's
pre-financing) is the coordinator fund's; a salary it cannot cover is missed and the
post lapses. A *funding interruption* is a lapse of a filled post (renewal not committed, renewal
declined, salary missed); operating-cost shortfalls are recorded apart.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from fundsim.model.context import Context
from fundsim.model.events import Due
from fundsim.model.fund import Fund, FundLiquidity
from fundsim.model.governance import Cuts
from fundsim.model.lead_entities import LeadTerms
from fundsim.model.post_costs import PostCosts
from fundsim.model.sampling import draw_months
from fundsim.scenario.grades import post_salaries_usd
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
    not the posts' (``contract_months``), the ledger accounts salaries and operating
    costs are paid to, and the pooled fund's ``liquidity`` where it has any (fund 0).
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
        liquidity: FundLiquidity | None = None,
        lead_terms: LeadTerms | None = None,
        rng_lead_terms: np.random.Generator | None = None,
        incumbent_fund: Fund | None = None,
    ) -> None:
        self.rng = rng
        self._env = ctx.env
        self._acct_salaries = salaries_account
        self._acct_operating = operating_account
        self.n = len(post_funds)
        self.order: list[int] = ctx.static.post_order
        self._rank = {i: place for place, i in enumerate(self.order)}  # place in that order
        extra = [f for f in (backstop, incumbent_fund) if f is not None]
        self.funds: list[Fund] = list(dict.fromkeys([*post_funds, *extra]))
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
        self._lag_dist = posts.recruitment_lag_months
        lags = draw_months(self._lag_dist, rng, self.n * _LAGS_AHEAD, minimum=1)
        self._lags: list[list[int]] = [
            lags[_LAGS_AHEAD * i : _LAGS_AHEAD * (i + 1)][::-1] for i in range(self.n)
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
        # Fund management: budget-year contracts, bridges, the cuts of a review.
        self.budget_year = posts.contract_alignment == "budget_year"
        self._whole = posts.renewal_rule == "whole_contract"
        self._commit_rule = posts.renewal_commit_months
        self.bridge_max = posts.bridge_months
        self.bridges = [0] * n
        self.contract_len = [self.contract_months] * n  # months of the next / current contract
        self.commit_len = [self.commit_months] * n  # months committed for it
        self.contract_end = [0] * n  # month the current contract ends
        # The pooled fund's liquidity (fund 0): commitment authority and the host's pre-financing.
        self._liquidity = liquidity
        self.frozen: set[int] = set()
        self.declined: frozenset[int] = frozenset()
        tiers = [c.risk_tier for c in ctx.static.scenario.countries]
        self.tier1 = [t == 1 for t in tiers] if len(tiers) == n else [False] * n
        self._start_counts()
        #: What each post costs by year (salaries, operating costs, planned cost).
        annual = ctx.static.derived("post_salaries_usd", post_salaries_usd)
        costs = PostCosts(posts, ctx.static.scenario, ctx.price_index, n, self.order, annual)
        self.costs = costs
        self._salary_cents, self._op_cents = costs.salary_cents, costs.operating_cents
        self._operating, self._flat = costs.operating_usd, costs.flat
        self._use_terms(lead_terms, rng_lead_terms)
        self.incumbent_fund: int | None = fund_index[id(incumbent_fund)] if incumbent_fund else None

    def _start_counts(self) -> None:
        """What the replication counts of the posts, from zero."""
        n, years = self.n, self.years
        # Filled months in Python lists (cheaper to add to one at a time); read as an array.
        self._filled_months = [[0] * years for _ in range(n)]
        self.backstop_contracts = 0
        self.lapses = 0
        self.missed_cents = 0
        self.gap_by_year = np.zeros(years, dtype=np.int32)
        self.lost_months = 0  # post-months vacant for lack of funds
        self.operating_shortfall_cents = 0
        self.tier1_by_year = np.zeros(years, dtype=np.int32)
        self.sustained_by_year = np.full(years, n, dtype=np.int32)
        self.grants_ended = 0  # grant-funded posts whose grant was not renewed
        self.turnovers = 0  # incumbents who left at a contract end (post recruited again)

    @property
    def filled_months(self) -> NDArray[np.int32]:
        """Months each post was filled, by year (posts x years), to the last recorded."""
        return np.array(self._filled_months, dtype=np.int32).reshape(self.n, self.years)

    def _use_terms(self, terms: LeadTerms | None, rng: np.random.Generator | None) -> None:
        """Lead entities' terms (:mod:`fundsim.model.lead_entities`), ``rng`` their draws
        (grant renewals, turnover); None where every post has the posts' own."""
        self._terms_months = terms.contract_months if terms else None
        self._cost_factor = terms.cost_factor if terms else None
        self._turnover = terms.turnover if terms else None
        self._renewal_p = terms.renewal_probability if terms else None
        self.unfunded: frozenset[int] = (
            frozenset(i for i, lead in enumerate(terms.lead) if not lead) if terms else frozenset()
        )
        self._rng_terms = rng

    # ------------------------------------------------------------------ helpers

    def _lag(self, i: int) -> int:
        lags = self._lags[i]
        if not lags:
            lags.extend(draw_months(self._lag_dist, self.rng, _LAGS_AHEAD, minimum=1))
        return lags.pop()

    def _try_commit(self, k: int, i: int, cost: int, months: int, month: int) -> bool:
        fund = self.funds[k]
        need = cost * months
        if k == 0 and self._liquidity is not None:
            if not self._liquidity.can_commit(need, month):
                return False
        elif need > fund.ledger.balance[fund.account] - fund.committed:
            return False
        fund.committed += need
        self.paid_by[i] = k
        return True

    def _commit(self, i: int, month: int, contract: int | None = None, own: bool = True) -> bool:
        """Commit the next contract's months for post ``i`` (``contract`` months, default the
        post's contract) from its own fund (unless ``own`` is false: its money has ended), or
        else from the backstop; return whether either could."""
        cost = self._salary_cents[i][min(month // 12, self.years - 1)]
        if self._cost_factor is not None:
            cost = round(cost * self._cost_factor[i])
        self.monthly_cost[i] = cost
        if contract is None and self._terms_months is not None:
            contract = self._terms_months[i]
        if contract is None:
            contract, months = self.contract_months, self.commit_months
        else:
            months = contract if self._whole else min(self._commit_rule, contract)
        self.contract_len[i] = contract
        self.commit_len[i] = months
        if own and self._try_commit(self.post_fund[i], i, cost, months, month):
            return True
        if self.backstop is not None and self._try_commit(self.backstop, i, cost, months, month):
            self.backstop_contracts += 1
            return True
        return False

    def _record_filled(self, i: int, until: int) -> None:
        """Add the months post ``i`` was filled, from ``filled_since`` to ``until``, by year."""
        start = self.filled_since[i]
        self.filled_since[i] = until
        if start >= until:
            return
        row = self._filled_months[i]
        first, last = start // 12, (until - 1) // 12
        if first == last:
            row[first] += until - start
            return
        row[first] += 12 * (first + 1) - start
        for y in range(first + 1, last):
            row[y] += 12
        row[last] += until - 12 * last

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
        unfunded, post_fund = self.unfunded, self.post_fund
        blocked: set[int] = set()
        lost = 0  # post-months lost for lack of funds this month
        for i in self.order:
            if state[i] != VACANT:
                continue
            k = post_fund[i]
            if restart_at[i] > month or k in blocked or i in frozen or i in unfunded:
                lost += 1
                continue
            if self.budget_year:
                lag = self._lag(i)
                fill = month + lag
                if not self._commit(i, month, 12 - fill % 12):
                    self._lags[i].append(lag)  # not used: the next attempt draws it again
                    blocked.add(k)
                    lost += 1
                    continue
            else:
                if not self._commit(i, month):
                    blocked.add(k)
                    lost += 1
                    continue
                lag = self._lag(i)
            state[i] = RECRUITING
            self.vacant -= 1
            self._schedule(lag - 0.5, i, self._on_filled)
        self.lost_months += lost

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
        money = True  # the post's own money is there again (a grant renewed)
        if self._renewal_p is not None:
            assert self._rng_terms is not None
            money = self._rng_terms.random() < self._renewal_p[i]
            if not money:
                self.grants_ended += 1
        if i in self.declined:
            renewed = False
        elif self.budget_year:
            renewed = self._commit(i, month, 12 - month % 12, own=money)
        else:
            renewed = self._commit(i, month, own=money)
        if not renewed and money and i not in self.declined and self.bridges[i] < self.bridge_max:
            # A bridge: one more month while free cash covers it; the renewal is retried then.
            renewed = self._commit(i, month, 1)
            if renewed:
                self.bridges[i] += 1
        elif renewed:
            self.bridges[i] = 0
        if renewed and self._turnover is not None and self._leaves(i):
            # The incumbent leaves: the post is recruited again, its contract's money committed.
            self._record_filled(i, month)
            self.filled -= 1
            self.state[i] = RECRUITING
            self.turnovers += 1
            self._schedule(self._lag(i), i, self._on_filled)
        elif renewed:
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

    def _leaves(self, i: int) -> bool:
        """Whether the incumbent of post ``i`` leaves at this contract end (one draw per
        renewal whatever the post, so that the draws line up across scenarios)."""
        assert self._turnover is not None and self._rng_terms is not None
        return bool(self._rng_terms.random() < self._turnover[i])

    def incumbent_cents(self, i: int, end: int) -> tuple[int, int]:
        """What the months left of today's contract of post ``i`` cost its lead entity (salary at
        the
        post's cost factor, and operating costs), cents, for a contract ending at month ``end``."""
        salary = self._salary_cents[i][0]
        if self._cost_factor is not None:
            salary = round(salary * self._cost_factor[i])
        return salary * end, self._op_cents[0] * end

    def seat(self, i: int, k: int, end: int, salary_cents: int | None = None) -> None:
        """Post ``i`` is filled at the start by today's incumbent, paid by fund ``k`` (which
        holds the money for it), on a contract ending at month ``end``; ``salary_cents``: its
        monthly salary (default: the post's, at its cost factor)."""
        if salary_cents is None:
            salary_cents = self.incumbent_cents(i, 1)[0]
        self.monthly_cost[i] = salary_cents
        self.funds[k].committed += salary_cents * end
        self.paid_by[i] = k
        self.contract_len[i] = end
        self.commit_len[i] = end
        self.seat_committed(i)

    def seat_committed(self, i: int) -> None:
        """Post ``i``'s contract is committed (``paid_by``, ``contract_len``, ``commit_len``
        set): its incumbent is in post from month 0, with no recruitment lag."""
        self.state[i] = FILLED
        self.vacant -= 1
        self.filled += 1
        self.filled_by_fund[self.paid_by[i]] += 1
        self.filled_since[i] = 0
        self._start_contract(i, 0)

    def commit_at_start(self, i: int, contract: int) -> bool:
        """Commit a first ``contract`` of post ``i`` from its own fund at the start (an
        incumbent taken over at once); return whether the fund could."""
        return self._commit(i, 0, contract)

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
                if k == 0 and self._liquidity is not None:
                    total = self._liquidity.cover_committed(month, total, self._shed)
                fund.pay(month, salaries, total, now, "payroll")
                fund.committed -= total
        if self.uncommitted:
            for i in sorted(self.uncommitted, key=self._rank.__getitem__):
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

    def _shed(self, month: int, total: int, limit: int) -> int:
        """Fund 0 cannot cover ``total`` cents of committed salaries beyond ``limit`` (its cash
        and the host's unused pre-financing): the salaries of its lowest-priority filled posts
        are missed and those posts lapse until the rest fits. Return what is left to pay."""
        for i in reversed(self.order):
            if total <= limit:
                break
            if self.state[i] == FILLED and self.paid_by[i] == 0 and i not in self.uncommitted:
                cost = self.monthly_cost[i]
                self.missed_cents += cost
                self._lapse(i, month)
                total -= cost
        return total

    def _try_pay_free(self, k: int, month: int, sink: int, cents: int, memo: str) -> bool:
        """Pay an uncommitted cost from fund ``k``'s free cash (with the pooled fund's
        liquidity for fund 0 when it has it); return whether it was paid."""
        if k == 0 and self._liquidity is not None:
            return self._liquidity.try_pay_free(month, sink, cents, memo)
        return self.funds[k].try_pay_uncommitted(month, sink, cents, self._env._now, memo)

    # ------------------------------------------------------------------ governance

    def apply_cuts(self, cuts: Cuts, budget_year: int | None = None) -> None:
        """A review's cuts take effect: ``cuts.frozen`` posts do not recruit, ``cuts.declined``
        posts are not renewed; at a budget decision (``budget_year``), the posts the year's
        budget sustains are recorded."""
        self.frozen = set(cuts.frozen)
        self.declined = cuts.declined
        if budget_year is not None:
            self.sustained_by_year[budget_year] = self.n - len(cuts.frozen) - len(cuts.declined)

    def finish(self, n_months: int) -> NDArray[np.int32]:
        """Close the filled intervals still open at the end of the run; return filled months."""
        for i in range(self.n):
            if self.state[i] == FILLED:
                self._record_filled(i, n_months)
        return self.filled_months
