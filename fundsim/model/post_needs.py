"""What the posts still need, read from their state: the inputs of the coordinator fund's rules.

A review (:mod:`fundsim.model.governance`) needs, for each post, what keeping it to the end
of the budget year still costs beyond what is committed, whether it is vacant, and what
declining its renewal saves; the budget rule on the ``commitments`` basis
(:mod:`fundsim.model.budget`) needs the salary months renewals commit beyond the budget
period. Both are pure reads of :class:`~fundsim.model.coordinators.Coordinators`' public
state and :class:`~fundsim.model.post_costs.PostCosts`; cents unless named in USD.
"""

from __future__ import annotations

from fundsim.model.coordinators import FILLED, VACANT, Coordinators


def review_inputs(
    posts: Coordinators, start: int, end: int
) -> tuple[list[int], list[bool], list[int]]:
    """For a review of the months ``start`` to ``end``: what each post still needs (cents
    not committed), whether it is vacant, and what declining its renewal saves."""
    y = min(start // 12, posts.years - 1)
    op = posts.costs.operating_cents[y]
    span = end - start
    op_span = op * span
    salaries = posts.costs.salary_by_year[y]
    state = posts.state
    vacant = [s == VACANT for s in state]
    required, saved = [], []
    for salary, s, commit_end, contract_end in zip(
        salaries, state, posts.commit_end, posts.contract_end, strict=True
    ):
        if s == FILLED:
            # The months not committed and the months after the contract, from ``start``:
            # end - max(start, c), at least 0, written out (it runs at every review).
            uncommitted = span if commit_end <= start else end - commit_end
            after = span if contract_end <= start else end - contract_end
            required.append(salary * (uncommitted if uncommitted > 0 else 0) + op_span)
            saved.append((salary + op) * (after if after > 0 else 0))
        else:
            required.append((salary + op) * span if s == VACANT else op_span)
            saved.append(0)
    return required, vacant, saved


def committed_beyond_usd(posts: Coordinators, end: int) -> float:
    """Salary months that the renewals of filled posts before month ``end`` commit beyond
    it (rolling contracts), USD at the last year's price."""
    y = max(min(end // 12, posts.years) - 1, 0)
    salaries = posts.costs.salary_cents
    months = cents = 0
    contract, commit = posts.contract_months, posts.commit_months
    for i, (s, renewal) in enumerate(zip(posts.state, posts.contract_end, strict=True)):
        if s != FILLED:
            continue
        if renewal + contract <= end:  # the last renewal before ``end``
            renewal += contract * ((end - renewal) // contract)
        if renewal < end:
            beyond = max(0, renewal + commit - end)
            months += beyond
            cents += beyond * salaries[i][y]
    if posts.costs.flat:  # one salary for every post: the first model's arithmetic, bit for bit
        return months * (salaries[0][y] if posts.n else 0) / 100
    return cents / 100
