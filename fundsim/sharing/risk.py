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

The risk key must not be a second expenses key: with ``key = expenses_usd``,
``risk_key = hrp_expenses_usd`` and ``w = 0.5`` the formula *is* the ``weighted`` mix of
the two. The shipped entities table carries ``sea_risk_exposure`` (allegations a year,
2024 basis): the peacekeeping and special political missions' 102 allegations as the
Secretary-General's report on special measures for 2024 gives them (UN-DPO), and the
other 572 of that year (190 against UN staff of other entities, 382 against implementing
partners) shared by personnel at field duty stations (CEB HR statistics 2019), UNRWA
kept at its prior of 3 because its area staff work in its own schools and clinics. It
follows where people are exposed, not where money is spent: WFP, which spends most in
crisis countries, has fewer field personnel than UNICEF or UNHCR, the order of the
last per-agency counts the press took from the SG's report for 2018 (UNHCR 34, WFP 19,
UNICEF 15). :data:`RISK_EXPOSURE_COLUMNS` is the order in which the share tables look
for a risk column.

Precedent: none found among UN cost-sharing arrangements (docs/data.md,
Sources); the entities themselves ask that financing "reflect each entity's risk profile
and operational reality" (Rec 12; CEB comments on JIU report A/80/609).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from fundsim.sharing.bounds import Shares, normalise

#: Entity columns the share tables take as the risk exposure, first found first:
#: allegation-based columns before the expenses in crisis countries.
RISK_EXPOSURE_COLUMNS: tuple[str, ...] = (
    "sea_risk_exposure",
    "sea_allegations",
    "hrp_expenses_usd",
)


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
