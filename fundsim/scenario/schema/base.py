"""Base types of the scenario schema: the documented limits, the strict frozen model every
section derives from, and the bounded number types (fractions, money with its ceiling,
distribution parameters).

Types are strict (``StrictModel``): a boolean or a string is never a number, a number
never a string (a path), an integer is a float where a float is wanted, and a TOML
array is a tuple. Every money, count, duration and size has a documented upper limit
(:data:`LIMITS` and ``docs/scenarios.md``), chosen so that the model's integer cents
never overflow an int64 and no run allocates without bound.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# --------------------------------------------------------------------------- limits
# Why these numbers: the model keeps money in integer cents (int64, at most 9.2e18
# cents = USD 9.2e16). With at most MAX_COUNTRIES posts of at most MAX_POST_USD a year
# (post + operating cost), inflation growth capped at MAX_INFLATION_GROWTH over the
# horizon, MAX_YEARS years and a contribution scale of at most MAX_CONTRIBUTION_SCALE,
# everything one replication moves stays below 1000 x 2e7 x 100 x 50 x 10 = USD 1e15,
# two orders of magnitude inside int64. Sums across replications are exact Python
# integers (the runner), so MAX_REPLICATIONS bounds memory and time, not overflow.

#: Money per item (a post's annual cost, a service package, a pledge...), USD.
MAX_USD = 1e9
#: A post's annual cost, and its operating cost, USD a year.
MAX_POST_USD = 1e7
#: One opening balance or one year's pledges, USD.
MAX_BALANCE_USD = 1e11
#: Countries (= coordinator posts) and entities in a scenario.
MAX_COUNTRIES = 1000
MAX_ENTITIES = 1000
#: Simulated years and replications of one run.
MAX_YEARS = 50
MAX_REPLICATIONS = 100_000
#: Largest root seed (numpy's SeedSequence takes any non-negative integer; 2^63 - 1
#: keeps it an int64 in every table).
MAX_SEED = 2**63 - 1
#: Longest duration a distribution may draw around (months, days).
MAX_MONTHS = 600
MAX_DAYS = 36_500
#: Counts drawn per event (victims per allegation) and allegations a year per country.
MAX_PER_EVENT = 1000
MAX_ALLEGATIONS_PER_YEAR = 100_000
#: Expected victims (and new children) in the busiest year, over all countries.
MAX_VICTIMS_PER_YEAR = 200_000
#: Cost growth from inflation over the horizon (mean + 3 sd a year, compounded).
MAX_INFLATION_GROWTH = 100.0
#: Each entity pays at most this multiple of its assessment.
MAX_CONTRIBUTION_SCALE = 10.0
#: Parameters of any distribution, in absolute value.
MAX_DIST_PARAM = 1e9
#: Every fee rate, and the sum of a host's fee layers on one basis, stays strictly below
#: this. Why: a fee on receipts is grossed up (invoices = need / (1 - fee)), so a fee
#: near 1 invoices without bound (a fee of 0.9999999 invoiced USD 1e15 a replication and
#: broke the cents' sums) and a fee of 1 leaves nothing to spend; the highest rate
#: documented for a UN host is 13 % programme support cost (docs/data.md), so half of
#: every dollar is a generous ceiling, not a plausible value.
MAX_FEE = 0.5
#: Age of a child born of SEA, in years: support ends at 18 (Rec 14), and no age is negative.
MAX_CHILD_AGE = 18

#: Every documented limit, by name (the docs' table is checked against it).
LIMITS: dict[str, float] = {
    "MAX_USD": MAX_USD,
    "MAX_POST_USD": MAX_POST_USD,
    "MAX_BALANCE_USD": MAX_BALANCE_USD,
    "MAX_COUNTRIES": MAX_COUNTRIES,
    "MAX_ENTITIES": MAX_ENTITIES,
    "MAX_YEARS": MAX_YEARS,
    "MAX_REPLICATIONS": MAX_REPLICATIONS,
    "MAX_SEED": MAX_SEED,
    "MAX_MONTHS": MAX_MONTHS,
    "MAX_DAYS": MAX_DAYS,
    "MAX_PER_EVENT": MAX_PER_EVENT,
    "MAX_ALLEGATIONS_PER_YEAR": MAX_ALLEGATIONS_PER_YEAR,
    "MAX_VICTIMS_PER_YEAR": MAX_VICTIMS_PER_YEAR,
    "MAX_INFLATION_GROWTH": MAX_INFLATION_GROWTH,
    "MAX_CONTRIBUTION_SCALE": MAX_CONTRIBUTION_SCALE,
    "MAX_DIST_PARAM": MAX_DIST_PARAM,
    "MAX_FEE": MAX_FEE,
    "MAX_CHILD_AGE": MAX_CHILD_AGE,
}


def _numeric_choice(annotation: Any) -> bool:
    """Whether a field's annotation is (or contains) a ``Literal`` of numbers and admits no
    boolean (where pydantic would take ``true`` for 1)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        args = typing.get_args(annotation)
        return any(
            isinstance(a, int | float) and not isinstance(a, bool) for a in args
        ) and not any(isinstance(a, bool) for a in args)
    if origin is not None:
        return any(
            _numeric_choice(a) for a in typing.get_args(annotation)
        ) and bool not in typing.get_args(annotation)
    return False


def _wants_tuple(annotation: Any) -> bool:
    """Whether a field's annotation is a tuple (possibly optional or annotated)."""
    if typing.get_origin(annotation) is tuple:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, Annotated):
        return any(_wants_tuple(a) for a in typing.get_args(annotation))
    return False


class StrictModel(BaseModel):
    """Frozen model that rejects unknown keys, non-finite floats and coercions.

    Strict: ``true`` is not 1, ``"0.08"`` is not 0.08 and ``5`` is not a path; an
    integer is accepted for a float. TOML arrays (lists) become tuples before the
    strict check, for the fields that hold tuples.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _arrays_as_tuples(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        out = None
        for key, value in data.items():
            field = fields.get(key) if isinstance(key, str) else None
            if isinstance(value, bool) and field is not None and _numeric_choice(field.annotation):
                # pydantic takes true for 1 where a field is a choice of numbers (Literal[1, 2]):
                # a boolean is never a number, so it goes on as the word, which the choice refuses.
                out = dict(data) if out is None else out
                out[key] = str(value).lower()
                continue
            if isinstance(value, list) and field is not None and _wants_tuple(field.annotation):
                if out is None:
                    out = dict(data)
                out[key] = tuple(value)
        return data if out is None else out


def _fraction(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError("must be between 0 and 1")
    return value


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive(value: float) -> float:
    if not value > 0:
        raise ValueError("must be greater than 0")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _below_fee_ceiling(value: float) -> float:
    if not value < MAX_FEE:
        raise ValueError(
            f"a fee of {value:.10g} is not below the ceiling {MAX_FEE:g} (half of every dollar)"
        )
    return value


def bounded(high: float, low: float | None = None) -> Any:
    """A documented safety limit (not a natural range: ``fundsim solve`` does not take it
    for a search bracket, as it does ``Field(ge=, le=)`` bounds)."""

    def check(value: float) -> float:
        if value > high:
            raise ValueError(f"{value:g} is above the limit {high:g}")
        if low is not None and value < low:
            raise ValueError(f"{value:g} is below the limit {low:g}")
        return value

    return AfterValidator(check)


Fraction = Annotated[float, AfterValidator(_finite), AfterValidator(_fraction)]
NonNegative = Annotated[float, AfterValidator(_finite), AfterValidator(_non_negative)]
Positive = Annotated[float, AfterValidator(_finite), AfterValidator(_positive)]
Finite = Annotated[float, AfterValidator(_finite)]
Year = Annotated[int, Field(ge=1990, le=2200)]
#: A fee rate: a fraction strictly below :data:`MAX_FEE` (why: see there).
FeeRate = Annotated[
    float, AfterValidator(_finite), AfterValidator(_fraction), AfterValidator(_below_fee_ceiling)
]
#: Money with its documented ceiling (see the limits above).
Usd = Annotated[NonNegative, bounded(MAX_USD)]
PostUsd = Annotated[NonNegative, bounded(MAX_POST_USD)]
BalanceUsd = Annotated[NonNegative, bounded(MAX_BALANCE_USD)]
#: A distribution parameter (any unit): bounded so that draws stay far from overflow.
DistParam = Annotated[Finite, bounded(MAX_DIST_PARAM, -MAX_DIST_PARAM)]
