"""The victims' cases waiting for money: one line per fund that pays services.

A fund's round of a monthly tick takes its waiting cases in the scenario's priority order
(by the case's sort key, and among equal keys in the order the cases became ready: a
stable sort) while its uncommitted cash covers the next whole package, and stops at the
first that does not fit (strict priority). Only the order within a fund's line matters: a
case of one fund never waits behind another fund's.

So each case carries its place in that order over the whole replication, its *rank* (the
cases sorted once when the lines are set up), and each fund's line is a binary heap of
ranks: a tick reads the first case of a line, not every waiting case, and a case joins its
line in ``O(log n)``. A dropped case is marked dead and skipped when it comes first (a line
mostly of dead cases is rebuilt without them). Cents unless named otherwise.
"""

from __future__ import annotations

from heapq import heapify, heappop, heappush


class WaitingLines:
    """Each fund's line of waiting cases, as ranks (places in the priority order).

    ``cents``: what each rank's package costs at this year's prices (updated in place when
    prices change).
    """

    __slots__ = ("_dead", "_dead_in", "cents", "heaps", "live", "n", "totals")

    def __init__(self, n_funds: int, cents: list[int]) -> None:
        self.cents = cents
        self._dead = bytearray(len(cents))  # 1: dropped while waiting
        self._dead_in = [0] * n_funds  # dead ranks still in each heap
        self.heaps: list[list[int]] = [[] for _ in range(n_funds)]
        self.totals = [0] * n_funds  # what each line's waiting cases cost
        self.live = [0] * n_funds  # each line's waiting cases
        self.n = 0  # waiting cases, all lines

    def join(self, f: int, ranks: list[int], cents: int) -> None:
        """``ranks`` (a new list, ascending) join fund ``f``'s line; ``cents``: their cost."""
        heap = self.heaps[f]
        if not heap:
            self.heaps[f] = ranks  # a sorted list is a heap
        elif 4 * len(ranks) > len(heap):
            heap += ranks
            heapify(heap)
        else:
            for rank in ranks:
                heappush(heap, rank)
        self.totals[f] += cents
        self.live[f] += len(ranks)
        self.n += len(ranks)

    def drop(self, f: int, rank: int) -> None:
        """Waiting case ``rank`` leaves fund ``f``'s line: marked dead, skipped when it comes
        first."""
        self._dead[rank] = 1
        self._dead_in[f] += 1
        self.totals[f] -= self.cents[rank]
        self.live[f] -= 1
        self.n -= 1
        if self._dead_in[f] > max(32, self.live[f]):  # mostly dead: rebuilt without them
            dead = self._dead
            heap = [r for r in self.heaps[f] if not dead[r]]
            heapify(heap)
            self.heaps[f] = heap
            self._dead_in[f] = 0

    def take(self, f: int, avail: int, all_if_covered: bool) -> tuple[list[int], int]:
        """Start fund ``f``'s cases in priority order while ``avail`` covers the next case's
        package, stopping at the first that does not fit; return the started ranks (in no
        particular order) and what they cost. ``all_if_covered``: take the whole line at
        once when ``avail`` covers its total (what the walk gives when no package is
        negative)."""
        heap, spent = self.heaps[f], self.totals[f]
        if all_if_covered and spent <= avail:
            if self._dead_in[f]:
                dead = self._dead
                heap = [rank for rank in heap if not dead[rank]]
                self._dead_in[f] = 0
            self.heaps[f] = []
            self.totals[f] = 0
            self.n -= self.live[f]
            self.live[f] = 0
            return heap, spent
        cents, dead = self.cents, self._dead
        started: list[int] = []
        spent = 0
        while heap:
            rank = heap[0]
            if dead[rank]:
                heappop(heap)
                self._dead_in[f] -= 1
                continue
            c = cents[rank]
            if c > avail:
                break
            avail -= c
            spent += c
            started.append(heappop(heap))
        if started:
            self.totals[f] -= spent
            self.live[f] -= len(started)
            self.n -= len(started)
        return started, spent

    def waiting(self) -> tuple[list[int], list[int]]:
        """Every waiting rank, line by line, and how many each line has."""
        dead = self._dead
        ranks: list[int] = []
        counts: list[int] = []
        for f, heap in enumerate(self.heaps):
            live = [r for r in heap if not dead[r]] if self._dead_in[f] else heap
            ranks += live
            counts.append(len(live))
        return ranks, counts

    def reprice(self, ranks: list[int], cents: list[int], totals: list[int]) -> None:
        """The waiting ``ranks`` cost ``cents`` now, and the lines ``totals`` (after a change
        of prices)."""
        own = self.cents
        for rank, c in zip(ranks, cents, strict=True):
            own[rank] = c
        self.totals = totals
