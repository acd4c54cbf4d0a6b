"""What the coordinator posts cost, by post and year: salaries, operating costs, planned cost.

Under ``costing = "flat"`` every post costs the posts' ``annual_cost_usd``; otherwise each
post its standard cost of its grade and duty station (:mod:`fundsim.scenario.grades`).
Monthly figures are integer cents at each simulated year's prices (the price index);
planned costs are USD.
"""

from __future__ import annotations

from collections.abc import Sequence

from fundsim.model.ledger import to_cents
from fundsim.scenario.costs import post_cost_usd
from fundsim.scenario.grades import post_salaries_usd
from fundsim.scenario.schema import Posts, Scenario


class PostCosts:
    """The costs of ``n`` posts (the countries' posts, ``order`` their priority order) at
    the prices ``price_index`` (one per simulated year).

    ``salary_cents[i][y]``: post ``i``'s monthly salary in year ``y``; ``operating_cents[y]``:
    a filled post's monthly operating cost in year ``y``; ``flat``: one salary for every post;
    ``salary_by_year[y][i]``: ``salary_cents[i][y]``. ``annual_usd``:
    :func:`~fundsim.scenario.grades.post_salaries_usd` of ``scenario`` when already known (it
    depends on the scenario alone).
    """

    def __init__(
        self,
        posts: Posts,
        scenario: Scenario,
        price_index: Sequence[float],
        n: int,
        order: list[int],
        annual_usd: Sequence[float] | None = None,
    ) -> None:
        self._price_index = price_index
        self.n = n
        self._order = order
        self.operating_usd = posts.operating_cost_usd
        self._post_cost = post_cost_usd(posts)
        self.operating_cents = [to_cents(self.operating_usd * p / 12) for p in price_index]
        self.flat = posts.costing == "flat"
        if self.flat:
            per_year = [to_cents(posts.annual_cost_usd * p / 12) for p in price_index]
            self.salary_cents = [per_year] * n
            self._post_costs = [self._post_cost] * n
        else:
            annual = post_salaries_usd(scenario) if annual_usd is None else annual_usd
            # Posts of one grade and duty station share a salary: each distinct one once.
            by_salary = {a: [to_cents(a * p / 12) for p in price_index] for a in set(annual)}
            self.salary_cents = [by_salary[a] for a in annual]
            self._post_costs = [a + self.operating_usd for a in annual]
        #: ``salary_by_year[y][i]``: the same salaries by year (what a review reads).
        self.salary_by_year = [
            [row[y] for row in self.salary_cents] for y in range(len(price_index))
        ]

    def planned_cost_usd(self, year: int, posts: float | list[int] | None = None) -> float:
        """Cost of keeping ``posts`` (default: all; a count, post-equivalents, or the posts'
        indices) filled for the whole of ``year`` (salary + operating), USD. Under standard
        costing a whole count means the highest-priority posts, and a fractional count is
        priced at the mean post cost."""
        if self.flat:
            count = self.n if posts is None else len(posts) if isinstance(posts, list) else posts
            return count * self._post_cost * self._price_index[year]
        if posts is None or (isinstance(posts, (int, float)) and float(posts).is_integer()):
            posts = self._order[: self.n if posts is None else int(posts)]
        if isinstance(posts, list):
            return sum(self._post_costs[i] for i in posts) * self._price_index[year]
        mean = sum(self._post_costs) / max(1, self.n)
        return posts * mean * self._price_index[year]
