"""Shapley value of the cost of the coordinator network.

A coalition :math:`S` of entities, acting alone, would pay for a coordinator in
every country one of its members needs:

.. math:: v(S) = \\sum_c C_c \\,[\\exists i \\in S : p_{ic}],

with :math:`C_c` the annual cost of country :math:`c`'s post (USD) and :math:`p_{ic}`
the presence of entity :math:`i` in country :math:`c`. The Shapley value gives each
entity its marginal cost averaged over all orders in which the network could be
assembled:

.. math::

    \\phi_i = \\sum_{S \\subseteq N \\setminus \\{i\\}}
        \\frac{|S|!\\,(n - |S| - 1)!}{n!}\\,\\bigl(v(S \\cup \\{i\\}) - v(S)\\bigr),
    \\qquad s_i = \\phi_i / v(N).

It is efficient (:math:`\\sum_i \\phi_i = v(N)`), symmetric (entities present in the
same countries pay the same) and gives nothing to an entity present nowhere.

Three ways to compute it, cross-checked in the tests:

* :func:`shapley_exact` enumerates all :math:`2^n` coalitions of any cost function
  (up to :data:`EXACT_LIMIT` = 15 entities);
* :func:`shapley_sampled` averages marginal costs over random orders, with a
  standard error per entity (any size);
* :func:`coverage_shapley` is the closed form of the game above: it is a sum over
  countries of games in which any one of the :math:`n_c` present entities covers
  :math:`C_c`, so each of them pays :math:`C_c / n_c`, exact for any :math:`n`.

:func:`shapley_value` applies the rule "exact up to 15 entities, sampled beyond"
to any cost function. Precedent: the Shapley value is the classic cost-allocation
rule for shared infrastructure (airport landing fees, Littlechild and Owen 1973);
no UN arrangement is known to use it (docs/data.md, Sources).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import comb

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fundsim.sharing.bounds import Shares
from fundsim.sharing.usage import check_presence

#: Largest number of entities for which :func:`shapley_value` enumerates coalitions.
EXACT_LIMIT = 15

#: A cost function: boolean matrix (coalitions x entities) -> cost of each coalition, USD.
CostFunction = Callable[[NDArray[np.bool_]], NDArray[np.float64]]


@dataclass(frozen=True)
class ShapleyEstimate:
    """Shapley values (USD a year) with their standard errors (zero when exact)."""

    values_usd: NDArray[np.float64]
    std_error_usd: NDArray[np.float64]
    exact: bool
    permutations: int = 0

    @property
    def shares(self) -> Shares:
        """Values divided by their sum (the cost of the grand coalition)."""
        return self.values_usd / self.values_usd.sum()


def coverage_cost(presence: ArrayLike, country_cost_usd: ArrayLike) -> CostFunction:
    """The network cost game ``v(S)``: cost of the union of the countries a coalition needs."""
    p, cost = check_presence(presence, country_cost_usd)
    p_int = p.astype(np.int32)

    def cost_of(coalitions: NDArray[np.bool_]) -> NDArray[np.float64]:
        covered = (np.asarray(coalitions, dtype=np.int32) @ p_int) > 0
        return covered @ cost

    return cost_of


def coverage_shapley(presence: ArrayLike, country_cost_usd: ArrayLike) -> NDArray[np.float64]:
    """Closed-form Shapley values of the coverage game, USD a year: ``sum_c C_c p_ic / n_c``."""
    p, cost = check_presence(presence, country_cost_usd)
    n_present = p.sum(axis=0)
    used = n_present > 0
    return p[:, used].astype(np.float64) @ (cost[used] / n_present[used])


def shapley_exact(cost: CostFunction, n: int) -> NDArray[np.float64]:
    """Exact Shapley values by enumerating all ``2**n`` coalitions (USD, like ``cost``).

    Raises ``ValueError`` above 20 entities (a million coalitions).
    """
    if not 1 <= n <= 20:
        raise ValueError(f"exact Shapley enumerates 2**n coalitions; n={n} is out of range 1-20")
    ids = np.arange(2**n)
    members = ((ids[:, None] >> np.arange(n)) & 1).astype(bool)
    v = np.asarray(cost(members), dtype=np.float64)
    size = members.sum(axis=1)
    # weight of a coalition S not containing i: |S|! (n-|S|-1)! / n! = 1 / (n * C(n-1, |S|))
    weight = np.array([1.0 / (n * comb(n - 1, s)) for s in range(n)])
    values = np.empty(n)
    for i in range(n):
        without = ids[~members[:, i]]
        values[i] = np.sum(weight[size[without]] * (v[without | (1 << i)] - v[without]))
    return values


def shapley_sampled(
    cost: CostFunction,
    n: int,
    rng: np.random.Generator,
    permutations: int = 2000,
    chunk: int = 500,
) -> ShapleyEstimate:
    """Shapley values estimated from random orders of arrival (USD, like ``cost``).

    Each order gives every entity one marginal cost; the estimate is their mean and
    the standard error their standard deviation over ``sqrt(permutations)``. The
    estimates sum exactly to ``v(N) - v(empty)`` whatever the sample.
    """
    if n < 1 or permutations < 2:
        raise ValueError("need at least one entity and two permutations")
    total = np.zeros(n)
    total_sq = np.zeros(n)
    done = 0
    while done < permutations:
        m = min(chunk, permutations - done)
        orders = rng.permuted(np.tile(np.arange(n), (m, 1)), axis=1)
        # position[p, i]: when entity i arrives in order p; prefix k holds those with position < k
        position = np.argsort(orders, axis=1)
        prefix = position[:, None, :] < np.arange(n + 1)[None, :, None]
        v = np.asarray(cost(prefix.reshape(-1, n)), dtype=np.float64).reshape(m, n + 1)
        marginal_by_step = np.diff(v, axis=1)
        marginal = np.take_along_axis(marginal_by_step, position, axis=1)
        total += marginal.sum(axis=0)
        total_sq += (marginal**2).sum(axis=0)
        done += m
    mean = total / permutations
    var = np.maximum(total_sq / permutations - mean**2, 0.0) * permutations / (permutations - 1)
    return ShapleyEstimate(
        mean, np.sqrt(var / permutations), exact=False, permutations=permutations
    )


def shapley_value(
    cost: CostFunction,
    n: int,
    *,
    rng: np.random.Generator | None = None,
    exact_up_to: int = EXACT_LIMIT,
    permutations: int = 2000,
) -> ShapleyEstimate:
    """Shapley values of any cost game: exact up to ``exact_up_to`` entities, sampled beyond.

    Sampling needs ``rng`` (a :class:`numpy.random.Generator`), so that the caller
    controls the random stream.
    """
    if n <= exact_up_to:
        return ShapleyEstimate(shapley_exact(cost, n), np.zeros(n), exact=True)
    if rng is None:
        raise ValueError(f"{n} entities: sampled Shapley needs a random Generator (rng)")
    return shapley_sampled(cost, n, rng, permutations)


def network_shapley(presence: ArrayLike, country_cost_usd: ArrayLike) -> Shares:
    """Shapley shares of the coordinator-network cost (closed form, exact for any n).

    Raises ``ValueError`` when no entity operates in a country with a positive cost.
    """
    values = coverage_shapley(presence, country_cost_usd)
    total = values.sum()
    if total <= 0:
        raise ValueError("no participating entity operates in a country with a positive cost")
    return values / total
