"""What happens to the money coming in: the entities' payment terms and delays
(:class:`Payments`), scheduled cuts and exits, random cuts (:class:`Shocks`) and when an
entity opts out (:class:`Participation`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from fundsim.scenario.schema.base import (
    MAX_CONTRIBUTION_SCALE,
    Fraction,
    NonNegative,
    Positive,
    StrictModel,
    Usd,
    Year,
    bounded,
)
from fundsim.scenario.schema.distributions import DistFraction, DistMonths, Distribution


class Payments(StrictModel):
    """How contributors pay their assessments: instalments, delays, partial payment.

    With ``partial_probability`` an entity pays only ``partial_fraction`` (the share
    paid) of each instalment of that year; the rest stays unpaid as arrears.
    """

    instalments_per_year: Literal[1, 2, 3, 4, 6, 12] = 2
    delay_months: DistMonths = Field(default_factory=lambda: Distribution(value=0))
    partial_probability: Fraction = 0.0
    partial_fraction: Fraction = (
        1.0  # the fraction of the instalment PAID when a payment is partial
    )
    contribution_scale: Annotated[Positive, bounded(MAX_CONTRIBUTION_SCALE)] = (
        1.0  # each entity pays this multiple of its assessment (a lever for `fundsim solve`)
    )


class Cut(StrictModel):
    """A scheduled cut: from ``year``, the targeted entities pay ``fraction`` less.

    Target one ``entity``, a ``group`` (a tag in the entities table, such as
    ``voluntary``), or everyone when neither is given. ``years`` limits its length.
    ``windows``: the cut reaches the entities' contributions to both windows (the
    coordinator fund and the victims' window) unless it names one.
    """

    year: Year
    fraction: Fraction
    entity: str | None = None
    group: str | None = None
    years: int | None = Field(None, ge=1, le=50)
    windows: Literal["both", "coordinators", "victims"] = "both"

    @model_validator(mode="after")
    def _one_target(self) -> Cut:
        if self.entity and self.group:
            raise ValueError("give 'entity' or 'group', not both")
        return self


class Exit(StrictModel):
    """An entity gives notice in ``month`` (1-12) of ``year`` that it leaves the mechanism
    (``entity = "largest"``: the largest payer); the exit takes effect ``notice_months``
    later. Instalments falling due before the exit are paid; those falling due after it are
    lost. An entity that has left by 1 January of a budget year is not invoiced for it (the
    default, 1 January with no notice, is a clean exit from ``year``)."""

    entity: str
    year: Year
    month: int = Field(1, ge=1, le=12)
    notice_months: int = Field(0, ge=0, le=60)


class Shocks(StrictModel):
    """Stochastic cuts: each year, with ``annual_probability``, the ``group`` pays
    ``cut_fraction`` less that year."""

    annual_probability: Fraction = 0.0
    cut_fraction: DistFraction = Field(default_factory=lambda: Distribution(value=0.0))
    group: str | None = None


class Participation(StrictModel):
    """When entities opt out: a share above ``max_share``, or a cut of at least
    ``leave_after_cut``. Shares are then recomputed among those who remain.

    ``absorption`` is the part of a leaver's bill (its formula share of the budget, had it
    stayed) that the remaining entities agree to pick up: they are invoiced
    budget - leaver's bill x (1 - absorption); 1 (the default) recomputes shares among
    the rest over the whole budget. ``max_increase`` is the largest year-on-year rise in
    its bill an entity accepts (a fraction: 0.1 = 10 %); above it, it pays up to the cap
    and the rest stays unpaid; None (the default) accepts any rise.

    The terms entities negotiate (``fundsim options``, docs/options.md): ``agreement_years``
    puts every entity inside a multi-year funding agreement renewed every that many years
    from the start (None, the default: annual commitments): inside one, an entity's chance
    of paying an instalment only in part is ``payments.partial_probability`` times
    ``agreement_partial_factor``, and a scheduled exit takes effect only at the end of the
    agreement in which its notice ends. ``minimum_usd`` is the least an entity taking part
    is invoiced by the coordinator window a year (USD; it raises the formula's
    ``floor_usd``, and the others' shares fall so that the budget is unchanged).
    """

    max_share: Fraction = 1.0
    leave_after_cut: Fraction = 1.0
    absorption: Fraction = 1.0
    max_increase: NonNegative | None = None
    agreement_years: Annotated[int, Field(ge=1, le=20)] | None = None
    #: ASSUMPTION: a signed multi-year agreement halves the chance of a partial payment (a
    #: commitment recorded as a receivable for the whole period is paid more reliably than an
    #: annual pledge); 1 means the agreement changes nothing.
    agreement_partial_factor: Fraction = 0.5
    minimum_usd: Usd = 0.0
