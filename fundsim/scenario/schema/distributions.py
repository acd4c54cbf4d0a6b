"""Random quantities in a scenario: :class:`Distribution` (a bare number is a fixed value)
and its bounded forms for durations, money, counts per event and fractions, each checked
against its documented ceiling (:mod:`fundsim.scenario.schema.base`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, model_validator

from fundsim.scenario.schema.base import (
    MAX_BALANCE_USD,
    MAX_CHILD_AGE,
    MAX_DAYS,
    MAX_DIST_PARAM,
    MAX_MONTHS,
    MAX_PER_EVENT,
    MAX_USD,
    DistParam,
    NonNegative,
    StrictModel,
    bounded,
)

DistKind = Literal[
    "fixed", "uniform", "triangular", "normal", "lognormal", "poisson", "exponential"
]

_DIST_PARAMS: dict[str, tuple[str, ...]] = {
    "fixed": ("value",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "poisson": ("mean",),
    "exponential": ("mean",),
}


class Distribution(StrictModel):
    """A random quantity. A bare number in the file means ``{dist = "fixed", value = x}``.

    ``lognormal`` takes the mean and standard deviation of the quantity itself
    (not of its logarithm). Draws of non-negative quantities are clipped at 0.
    """

    dist: DistKind = "fixed"
    value: DistParam | None = None
    low: DistParam | None = None
    mode: DistParam | None = None
    high: DistParam | None = None
    mean: DistParam | None = None
    sd: Annotated[NonNegative, bounded(MAX_DIST_PARAM)] | None = None

    @model_validator(mode="after")
    def _check_params(self) -> Distribution:
        needed = _DIST_PARAMS[self.dist]
        for name in needed:
            if getattr(self, name) is None:
                raise ValueError(f"'{self.dist}' needs '{name}' (it takes {', '.join(needed)})")
        for name in ("value", "low", "mode", "high", "mean", "sd"):
            if name not in needed and getattr(self, name) is not None:
                raise ValueError(f"'{self.dist}' takes {', '.join(needed)}, not '{name}'")
        if self.dist in ("uniform", "triangular") and not self.low <= self.high:  # type: ignore[operator]
            raise ValueError("low must not exceed high")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError("mode must lie between low and high")
        if self.dist in ("poisson", "exponential", "lognormal") and self.mean < 0:  # type: ignore[operator]
            raise ValueError("mean must not be negative")
        return self

    @property
    def expected(self) -> float:
        """The distribution's mean (before clipping at 0)."""
        if self.dist == "fixed":
            return float(self.value)  # type: ignore[arg-type]
        if self.dist == "uniform":
            return (self.low + self.high) / 2  # type: ignore[operator]
        if self.dist == "triangular":
            return (self.low + self.mode + self.high) / 3  # type: ignore[operator]
        return float(self.mean)  # type: ignore[arg-type]

    @property
    def upper(self) -> float:
        """A bound its draws rarely pass: the top of its range, or its mean plus 6 sd
        (for Poisson and exponential, 6 x the mean): what a limit is checked against."""
        if self.dist == "fixed":
            return float(self.value)  # type: ignore[arg-type]
        if self.dist in ("uniform", "triangular"):
            return float(self.high)  # type: ignore[arg-type]
        if self.dist in ("normal", "lognormal"):
            return float(self.mean) + 6 * float(self.sd)  # type: ignore[arg-type]
        return 6 * float(self.mean)  # type: ignore[arg-type]


def _number_to_fixed(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {"dist": "fixed", "value": value}
    return value


Dist = Annotated[Distribution, BeforeValidator(_number_to_fixed)]


def _at_most(limit: float, unit: str) -> Any:
    def check(dist: Distribution) -> Distribution:
        if dist.upper > limit:
            raise ValueError(f"draws up to about {dist.upper:.4g} {unit}; the limit is {limit:g}")
        return dist

    return AfterValidator(check)


#: Distributions of a duration in months or days, of money, of a count per event and of a
#: fraction, each with its documented ceiling.
def _from_zero(dist: Distribution) -> Distribution:
    """A quantity that is never negative (money, a count, an age): a bounded distribution
    does not reach below 0, an unbounded one has its mean at 0 or above (draws are
    clipped at 0). A negative amount would otherwise be clipped silently (a support of
    USD -500 a year became none, with children still owed)."""
    lowest = {"fixed": dist.value, "uniform": dist.low, "triangular": dist.low}.get(
        dist.dist, dist.mean
    )
    if lowest is not None and lowest < 0:
        raise ValueError(f"draws from {lowest:g}: must not be negative")
    return dist


DistMonths = Annotated[Dist, _at_most(MAX_MONTHS, "months")]
DistDays = Annotated[Dist, _at_most(MAX_DAYS, "days")]
DistUsd = Annotated[
    Dist, _at_most(MAX_USD, "USD"), AfterValidator(_from_zero)
]  # money: never negative
DistBalanceUsd = Annotated[
    Dist, _at_most(MAX_BALANCE_USD, "USD"), AfterValidator(_from_zero)
]  # as above
DistCount = Annotated[
    Dist, _at_most(MAX_PER_EVENT, "per event"), AfterValidator(_from_zero)
]  # a count: from 0
DistYears = Annotated[Dist, _at_most(100, "years")]
#: A child's age in years: from 0 to :data:`MAX_CHILD_AGE` (support ends at 18).
DistAge = Annotated[Dist, _at_most(MAX_CHILD_AGE, "years"), AfterValidator(_from_zero)]


def _fraction_dist(dist: Distribution) -> Distribution:
    """A fraction's distribution: a bounded one (fixed, uniform, triangular) within
    [0, 1], an unbounded one with its mean there (its draws are clipped to [0, 1])."""
    top = dist.upper if dist.dist in ("fixed", "uniform", "triangular") else dist.expected
    if not top <= 1:
        raise ValueError(f"a fraction: draws up to {top:g}, above 1")
    return dist


DistFraction = Annotated[Dist, AfterValidator(_fraction_dist)]
