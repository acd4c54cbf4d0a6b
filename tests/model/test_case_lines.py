"""The lines of cases waiting for money: each fund's round takes its cases exactly as a
stable sort of the waiting cases and a walk that stops at the first that does not fit."""

from __future__ import annotations

import numpy as np

from fundsim.model.case_lines import WaitingLines


def _reference_round(
    waiting: list[int], key: list[float], fund_of: list[int], cents: list[int], avail: list[int]
) -> tuple[list[list[int]], list[int]]:
    """The plain rule: sort the waiting cases by key (stable), walk them, each fund stopping
    at its first case that does not fit; return each fund's started cases and the rest."""
    order = sorted(waiting, key=key.__getitem__)
    left = avail[:]
    stopped = [False] * len(avail)
    started: list[list[int]] = [[] for _ in avail]
    kept = []
    for case in order:
        f = fund_of[case]
        if not stopped[f] and cents[case] <= left[f]:
            left[f] -= cents[case]
            started[f].append(case)
        else:
            stopped[f] = True
            kept.append(case)
    return started, kept


def test_rounds_start_what_a_sorted_walk_starts_over_many_random_ticks() -> None:
    rng = np.random.default_rng(5)
    n, n_funds, ticks = 600, 3, 40
    key = np.round(rng.random(n) * 20).tolist()  # many equal keys: ties keep joining order
    fund_of = rng.integers(0, n_funds, n).tolist()
    cents = rng.integers(0, 100, n).tolist()
    joins = np.sort(rng.integers(0, ticks, n))  # cases join in their numbering order
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(key, kind="stable")] = np.arange(n)  # place in (key, joining order)
    case_of = np.argsort(rank)
    lines = WaitingLines(n_funds, [cents[c] for c in case_of.tolist()])
    waiting: list[int] = []
    for tick in range(ticks):
        new = np.flatnonzero(joins == tick).tolist()
        for f in range(n_funds):
            ranks = sorted(rank[c] for c in new if fund_of[c] == f)
            if ranks:
                lines.join(f, [int(r) for r in ranks], sum(cents[case_of[r]] for r in ranks))
        # Drop waiting cases now and then, as cases that waited too long are: a few, or half
        # the line (a line mostly of dead cases is rebuilt).
        if tick % 5 == 4 and waiting:
            gone = len(waiting) // 2 if tick % 10 == 9 else 3
            for case in waiting[:gone]:
                lines.drop(fund_of[case], int(rank[case]))
            waiting = waiting[gone:]
        waiting += new
        avail = rng.integers(-20, 400, n_funds).tolist()
        expected, kept = _reference_round(waiting, key, fund_of, cents, avail)
        for f in range(n_funds):
            ranks, spent = lines.take(f, avail[f], avail[f] >= 0)
            got = sorted(case_of[r] for r in ranks)
            assert got == sorted(expected[f])
            assert spent == sum(cents[c] for c in expected[f])
        waiting = kept
        assert lines.n == len(waiting)
        assert sorted(case_of[r] for r in lines.waiting()[0]) == sorted(waiting)


def test_a_fund_that_cannot_pay_its_first_case_starts_none_even_if_a_later_one_fits() -> None:
    lines = WaitingLines(1, [500, 10, 10])
    lines.join(0, [0, 1, 2], 520)
    assert lines.take(0, 100, True) == ([], 0)  # strict priority: the first case blocks
    lines.drop(0, 0)
    started, spent = lines.take(0, 100, True)
    assert sorted(started) == [1, 2] and spent == 20
    assert lines.n == 0
