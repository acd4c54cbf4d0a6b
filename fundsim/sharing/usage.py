"""Usage-based shares: each country's coordinator post is paid by the entities present there.

With presence :math:`p_{ic} \\in \\{0, 1\\}` (entity :math:`i` operates in country
:math:`c`), the annual cost of country :math:`c`'s post :math:`C_c` (USD) and a
within-country weight :math:`\\omega_{ic}`:

.. math::

    s_i = \\frac{\\sum_{c \\in U} C_c\\, \\omega_{ic}}{\\sum_{c \\in U} C_c},
    \\qquad
    \\omega_{ic} = \\frac{p_{ic} k_i}{\\sum_j p_{jc} k_j}
    \\;\\;(\\text{or } p_{ic} / \\textstyle\\sum_j p_{jc} \\text{ without a key}),

where :math:`U` is the set of countries where at least one participating entity
operates. Posts in countries where no participant operates are spread pro rata
over the rest, which is what dividing by :math:`\\sum_{c \\in U} C_c` does. A
country whose present entities all have a zero key is split equally among them.

Precedent: UNDSS field-related security costs follow each organization's field
presence (share of field staff, CEB/2005/HLCM/R.4); the Resident
Coordinator cost-share is recalled to weigh country presence (unverified, L).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fundsim.sharing.bounds import Shares


def check_presence(
    presence: ArrayLike, country_cost_usd: ArrayLike
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Validate an entities x countries presence matrix and its per-country cost vector (USD)."""
    p = np.asarray(presence, dtype=bool)
    cost = np.asarray(country_cost_usd, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError("presence must be a non-empty entities x countries matrix")
    if cost.shape != (p.shape[1],):
        raise ValueError(f"country_cost has {cost.size} values for {p.shape[1]} countries")
    if not np.all(np.isfinite(cost)) or np.any(cost < 0):
        raise ValueError("country costs must be finite and non-negative")
    return p, cost


def usage_based(
    presence: ArrayLike, country_cost_usd: ArrayLike, key: ArrayLike | None = None
) -> Shares:
    """Shares by use of the country posts (see the module docstring).

    Parameters
    ----------
    presence
        Boolean matrix, entities x countries: the entity operates in the country.
    country_cost_usd
        Annual cost of each country's post, USD.
    key
        Optional non-negative key splitting each country's cost among the entities
        present (equal split when omitted).

    Raises
    ------
    ValueError
        When no participating entity operates in any country with a positive cost.
    """
    p, cost = check_presence(presence, country_cost_usd)
    weight = p.astype(np.float64)
    if key is not None:
        k = np.asarray(key, dtype=np.float64)
        if k.shape != (p.shape[0],) or not np.all(np.isfinite(k)) or np.any(k < 0):
            raise ValueError("key must hold one finite, non-negative value per entity")
        keyed = weight * k[:, None]
        has_key = keyed.sum(axis=0) > 0
        weight = np.where(has_key[None, :], keyed, weight)
    present = weight.sum(axis=0)
    used = present > 0
    attributed_usd = (weight[:, used] / present[used]) @ cost[used]
    total = attributed_usd.sum()
    if total <= 0:
        raise ValueError("no participating entity operates in a country with a positive cost")
    return attributed_usd / total
