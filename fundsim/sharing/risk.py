"""Risk-adjusted shares: capacity blended with exposure to risk.

Entities that work where the risk of sexual exploitation and abuse is highest (or
whose personnel and partners have the longer allegation history) pay more than
their size alone implies. With a capacity key :math:`k` (e.g. total expenses,
USD), a risk key :math:`r` (e.g. expenses in countries with a humanitarian response
plan, USD, or allegations per year) and a risk weight :math:`w \\in [0, 1]`:

.. math::

    s_i = (1 - w) \\frac{k_i}{\\sum_j k_j} + w \\frac{r_i}{\\sum_j r_j}
        = \\frac{k_i}{\\sum_j k_j}
          \\Bigl(1 - w + w \\frac{\\rho_i}{\\bar\\rho}\\Bigr),

where :math:`\\rho_i = r_i / k_i` is the entity's risk intensity and
:math:`\\bar\\rho = \\sum r / \\sum k` the system average: the capacity share scaled
up or down by how much riskier than average the entity's portfolio is.

Precedent: none found among UN cost-sharing arrangements (docs/data.md,
Sources); the entities themselves ask that financing "reflect each entity's risk profile
and operational reality" (Rec 12; CEB comments on JIU report A/80/609).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from fundsim.sharing.bounds import Shares, normalise


def risk_adjusted(key: ArrayLike, risk_key: ArrayLike, risk_weight: float) -> Shares:
    """Blend of capacity shares and risk-exposure shares (see the module docstring).

    Parameters
    ----------
    key
        Capacity key, one non-negative value per entity.
    risk_key
        Risk-exposure key, one non-negative value per entity.
    risk_weight
        :math:`w`, the fraction of the total shared by risk exposure (0 to 1).
    """
    if not 0.0 <= risk_weight <= 1.0:
        raise ValueError("risk_weight must be between 0 and 1")
    capacity = normalise(key, "capacity key")
    if risk_weight == 0.0:
        return capacity
    return (1.0 - risk_weight) * capacity + risk_weight * normalise(risk_key, "risk key")
