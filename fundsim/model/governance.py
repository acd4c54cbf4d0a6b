"""Governance of shortfalls: managed cuts in priority order at the fund's reviews.

At each review (the December budget decision, a mid-year review) the fund compares the
resources it expects for the rest of the budget year (free cash + expected collections on
the year's receivables, less the collection haircut; unused pre-financing is not counted)
with the cost of keeping every planned post to the end of the year. When resources fall
short it walks the posts from the lowest priority (the reverse of the priority order:
tier 2 before tier 1, and within a tier the reverse order) and applies the steps of
``shortfall_order`` in turn: ``freeze_vacant`` (a vacant post does not recruit) and then
``decline_renewals`` (a filled post finishes its contract and is not renewed), until the
remaining cost fits. Each review decides afresh: a post is unfrozen when money returns.

Pure function of its inputs (cents and post indices); the coordinators apply the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FREEZE_VACANT = "freeze_vacant"
DECLINE_RENEWALS = "decline_renewals"


@dataclass(frozen=True, slots=True)
class Cuts:
    """What a review decided: posts frozen (vacant, not recruiting) and posts whose next
    renewal is declined."""

    frozen: frozenset[int]
    declined: frozenset[int]


def review(
    steps: Sequence[str],
    priority: Sequence[int],
    resources_cents: int,
    required_cents: Sequence[int],
    vacant: Sequence[bool],
    saved_if_declined_cents: Sequence[int],
) -> Cuts:
    """The cuts that bring the cost of the posts within ``resources_cents``.

    ``required_cents[i]``: what keeping post ``i`` to the end of the budget year still needs
    (not yet committed); ``vacant[i]``: whether it can be frozen; ``saved_if_declined_cents[i]``:
    what declining its renewal saves (the months after its current contract), zero when it
    has no renewal to decline. ``priority``: the posts, highest priority first."""
    total = sum(required_cents)
    frozen: set[int] = set()
    declined: set[int] = set()
    for step in steps:
        for i in reversed(priority):
            if total <= resources_cents:
                return Cuts(frozenset(frozen), frozenset(declined))
            if step == FREEZE_VACANT and vacant[i]:
                frozen.add(i)
                total -= required_cents[i]
            elif step == DECLINE_RENEWALS and not vacant[i] and saved_if_declined_cents[i] > 0:
                declined.add(i)
                total -= saved_if_declined_cents[i]
    return Cuts(frozenset(frozen), frozenset(declined))
