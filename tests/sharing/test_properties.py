"""Properties every formula must keep, whatever the table (hypothesis).

Shares sum to one and are non-negative; entities with equal keys pay equal
shares and relabelling entities relabels their shares; a larger key never means a
smaller share; floors and ceilings hold and are the fixed point of the UN
redistribution procedure.
"""

from collections.abc import Callable

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fundsim.sharing import (
    apply_floor_ceiling,
    base_plus_variable,
    capacity_to_pay,
    equal,
    proportional,
    risk_adjusted,
    tiered,
    usage_based,
    weighted,
)
from fundsim.sharing.shapley import network_shapley

TOL = 1e-12

key_values = st.floats(min_value=0.0, max_value=1e10, allow_nan=False, allow_infinity=False)
positive_values = st.floats(min_value=1e-3, max_value=1e10, allow_nan=False, allow_infinity=False)


@st.composite
def keys(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 12, positive: bool = False
) -> NDArray[np.float64]:
    values = draw(
        st.lists(positive_values if positive else key_values, min_size=min_size, max_size=max_size)
    )
    arr = np.array(values)
    assume(arr.sum() > 0)
    return arr


@st.composite
def presences(draw: st.DrawFn) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 6))
    cells = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    presence = np.array(cells).reshape(n, m)
    cost = np.array(draw(st.lists(st.floats(1.0, 1e6), min_size=m, max_size=m)))
    assume(presence.any())
    return presence, cost


def bounds_for(draw: st.DrawFn, n: int) -> tuple[float, float]:
    floor = draw(st.floats(0.0, 1.0 / n))
    ceiling = draw(st.floats(1.0 / n, 1.0))
    return floor, ceiling


#: Key-based formulas as functions of one key vector (others fixed by the key itself).
KEY_FORMULAS: dict[str, Callable[[NDArray[np.float64]], NDArray[np.float64]]] = {
    "proportional": proportional,
    "weighted": lambda k: weighted({"a": k, "b": np.sqrt(k)}, {"a": 2.0, "b": 1.0}),
    "base_plus_variable": lambda k: base_plus_variable(k, 0.3),
    "capacity": lambda k: capacity_to_pay(k, floor=0.2 / k.size, ceiling=max(0.3, 1.0 / k.size)),
    "risk_adjusted": lambda k: risk_adjusted(k, np.sqrt(k), 0.4),
}


def assert_valid_shares(shares: NDArray[np.float64], n: int) -> None:
    assert shares.shape == (n,)
    assert np.all(shares >= 0)
    assert abs(shares.sum() - 1.0) < TOL


@given(st.integers(1, 500))
def test_equal_shares_sum_to_one(n):
    assert_valid_shares(equal(n), n)


@given(keys(positive=True), st.sampled_from(sorted(KEY_FORMULAS)), st.randoms())
def test_key_formulas_sum_to_one_and_follow_relabelling(key, name, random):
    formula = KEY_FORMULAS[name]
    shares = formula(key)
    assert_valid_shares(shares, key.size)
    order = list(range(key.size))
    random.shuffle(order)
    np.testing.assert_allclose(formula(key[order]), shares[order], rtol=1e-12, atol=1e-15)


@given(st.floats(1e-3, 1e10), st.integers(2, 12), st.sampled_from(sorted(KEY_FORMULAS)))
def test_equal_keys_pay_equal_shares(value, n, name):
    shares = KEY_FORMULAS[name](np.full(n, value))
    np.testing.assert_allclose(shares, np.full(n, 1.0 / n), rtol=1e-12)


@given(keys(min_size=2, positive=True), st.data(), st.sampled_from(sorted(KEY_FORMULAS)))
def test_a_larger_key_never_lowers_the_share(key, data, name):
    i = data.draw(st.integers(0, key.size - 1))
    factor = data.draw(st.floats(1.0, 100.0))
    bigger = key.copy()
    bigger[i] *= factor
    before = KEY_FORMULAS[name](key)[i]
    after = KEY_FORMULAS[name](bigger)[i]
    assert after >= before - TOL


@given(keys(min_size=1, positive=True), st.data())
def test_floor_and_ceiling_hold_and_the_sum_stays_one(key, data):
    floor, ceiling = bounds_for(data.draw, key.size)
    shares = apply_floor_ceiling(key, floor, ceiling)
    assert_valid_shares(shares, key.size)
    assert np.all(shares >= floor - TOL)
    assert np.all(shares <= ceiling + TOL)


@given(keys(min_size=1, positive=True), st.data())
def test_floor_and_ceiling_are_the_fixed_point_of_pro_rata_redistribution(key, data):
    # At the fixed point of the UN procedure, the entities strictly between the bounds
    # keep their original proportions (one factor lam), an entity at the ceiling
    # would be above it at that factor, and one at the floor below it.
    floor, ceiling = bounds_for(data.draw, key.size)
    s = key / key.sum()
    out = apply_floor_ceiling(key, floor, ceiling)
    at_floor = np.isclose(out, floor, rtol=1e-12, atol=0)
    at_ceiling = np.isclose(out, ceiling, rtol=1e-12, atol=0) & ~at_floor
    free = ~(at_floor | at_ceiling)
    if free.any():
        lam = out[free] / s[free]
        np.testing.assert_allclose(lam, lam[0], rtol=1e-9)
        assert np.all(lam[0] * s[at_ceiling] >= ceiling * (1 - 1e-9))
        assert np.all(lam[0] * s[at_floor] <= floor * (1 + 1e-9))
    # and applying the bounds again changes nothing
    np.testing.assert_allclose(
        apply_floor_ceiling(out, floor, ceiling), out, rtol=1e-12, atol=1e-15
    )


@given(keys(min_size=1, positive=True), st.data())
def test_bounded_shares_match_a_bisection_on_the_scale_factor(key, data):
    floor, ceiling = bounds_for(data.draw, key.size)
    s = key / key.sum()
    lo, hi = 0.0, 1.0
    while np.clip(hi * s, floor, ceiling).sum() < 1.0 and hi < 1e300:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.clip(mid * s, floor, ceiling).sum() < 1.0:
            lo = mid
        else:
            hi = mid
    reference = np.clip(hi * s, floor, ceiling)
    np.testing.assert_allclose(apply_floor_ceiling(key, floor, ceiling), reference, atol=1e-12)


@given(keys(min_size=2, positive=True), st.floats(1e5, 1e8))
def test_tiered_shares_sum_to_one_and_bands_pay_their_amounts(key, total):
    bands = [(0.05, 0.001 * total), (0.10, 0.004 * total)]
    q = key / key.sum()
    assume(np.any(q >= 0.10))
    shares = tiered(key, bands, total)
    assert_valid_shares(shares, key.size)
    np.testing.assert_allclose(shares[q < 0.05] * total, 0.001 * total, rtol=1e-12)
    np.testing.assert_allclose(shares[(q >= 0.05) & (q < 0.10)] * total, 0.004 * total, rtol=1e-12)


@given(presences())
def test_presence_formulas_sum_to_one_and_ignore_absent_entities(case):
    presence, cost = case
    for shares in (usage_based(presence, cost), network_shapley(presence, cost)):
        assert_valid_shares(shares, presence.shape[0])
        assert np.all(shares[~presence.any(axis=1)] == 0)


@given(presences(), st.data())
def test_usage_share_grows_with_the_key(case, data):
    presence, cost = case
    n = presence.shape[0]
    key = np.array(data.draw(st.lists(st.floats(1e-3, 1e6), min_size=n, max_size=n)))
    i = data.draw(st.integers(0, n - 1))
    bigger = key.copy()
    bigger[i] *= data.draw(st.floats(1.0, 100.0))
    assert usage_based(presence, cost, bigger)[i] >= usage_based(presence, cost, key)[i] - TOL


@settings(max_examples=50)
@given(presences(), st.data())
def test_joining_a_country_never_lowers_a_usage_share(case, data):
    presence, cost = case
    i = data.draw(st.integers(0, presence.shape[0] - 1))
    c = data.draw(st.integers(0, presence.shape[1] - 1))
    wider = presence.copy()
    wider[i, c] = True
    assert usage_based(wider, cost)[i] >= usage_based(presence, cost)[i] - TOL
