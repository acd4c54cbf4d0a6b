"""Tiered bands: fixed amounts for small entities by size band, the rest by key.

Precedent (CEB HLCM on UNDSS field security, 2005): in 2002–03 inter-agency field
security costs were shared with flat rates for small organizations (under 0.5 % of
the field workforce: USD 25,000 a biennium; 0.5–1 %: USD 100,000 a biennium) and
by share of field staff for the others.

With key shares :math:`q_i = k_i / \\sum_j k_j`, bands sorted by their upper limit
:math:`u_1 < u_2 < \\dots < u_B` with annual amounts :math:`a_b` (USD), and total
cost :math:`T` (USD a year):

.. math::

    s_i = \\begin{cases}
        a_{b(i)} / T & \\text{if } q_i < u_B, \\; b(i) = \\min\\{b : q_i < u_b\\} \\\\
        \\dfrac{T - \\sum_{j \\text{ banded}} a_{b(j)}}{T} \\,
        \\dfrac{k_i}{\\sum_{j \\text{ not banded}} k_j} & \\text{otherwise.}
    \\end{cases}

Shares are monotone in the key within each band and among the entities above the
bands, but not across a band edge, as in the precedent: an entity just above the
top band can pay less than the flat amount of that band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from fundsim.sharing.bounds import Shares, normalise


def tiered(key: ArrayLike, bands: Sequence[tuple[float, float]], total_usd: float) -> Shares:
    """Shares under a tiered formula (see the module docstring).

    Parameters
    ----------
    key
        Non-negative size key, one value per entity (e.g. field personnel).
    bands
        ``(up_to_share, amount_usd)`` pairs: entities whose key share is below
        ``up_to_share`` (a fraction) pay ``amount_usd`` a year (the lowest band
        that fits). Order does not matter.
    total_usd
        The annual cost to share, USD.

    Raises
    ------
    ValueError
        When there are no bands, the total is not positive, every entity falls in a
        band (nobody left to pay the remainder), or the flat amounts exceed the total.
    """
    if not bands:
        raise ValueError("tiered formula needs at least one band")
    if not (np.isfinite(total_usd) and total_usd > 0):
        raise ValueError("tiered formula needs a positive total_usd")
    q = normalise(key)
    order = sorted(bands)
    limits = np.array([b[0] for b in order], dtype=np.float64)
    amounts = np.array([b[1] for b in order], dtype=np.float64)
    if np.any(amounts < 0) or np.any(limits < 0):
        raise ValueError("band limits and amounts must not be negative")
    band = np.searchsorted(limits, q, side="right")
    banded = band < limits.size
    if banded.all():
        raise ValueError("every entity falls in a flat band; nobody is left to pay the remainder")
    fixed_usd = np.where(banded, amounts[np.minimum(band, limits.size - 1)], 0.0)
    remainder_usd = total_usd - fixed_usd.sum()
    if remainder_usd < 0:
        raise ValueError(
            f"flat band amounts (USD {fixed_usd.sum():,.0f}) exceed the total (USD "
            f"{total_usd:,.0f})"
        )
    # Entities above the bands have q >= u_B and at least one has q > 0, so big sums > 0.
    big = np.where(banded, 0.0, q)
    return fixed_usd / total_usd + (remainder_usd / total_usd) * big / big.sum()
