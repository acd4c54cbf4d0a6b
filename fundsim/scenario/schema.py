"""The scenario schema: frozen, typed pydantic models for everything a run needs.

A scenario file (TOML) is loaded by :mod:`fundsim.scenario.loader` into a
:class:`Scenario`. Units are in the field names: ``_usd`` is US dollars,
``_months`` is months, fractions are in [0, 1] and rates are per year unless
the name says otherwise. Unknown keys are rejected; every number must be finite.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)


class StrictModel(BaseModel):
    """Frozen model that rejects unknown keys and non-finite floats."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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


Fraction = Annotated[float, AfterValidator(_finite), AfterValidator(_fraction)]
NonNegative = Annotated[float, AfterValidator(_finite), AfterValidator(_non_negative)]
Positive = Annotated[float, AfterValidator(_finite), AfterValidator(_positive)]
Finite = Annotated[float, AfterValidator(_finite)]
Year = Annotated[int, Field(ge=1990, le=2200)]


# --------------------------------------------------------------------------- distributions

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
    value: Finite | None = None
    low: Finite | None = None
    mode: Finite | None = None
    high: Finite | None = None
    mean: Finite | None = None
    sd: NonNegative | None = None

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
    def is_random(self) -> bool:
        return self.dist != "fixed"


def _number_to_fixed(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {"dist": "fixed", "value": value}
    return value


Dist = Annotated[Distribution, BeforeValidator(_number_to_fixed)]


# --------------------------------------------------------------------------- data tables


class Entity(StrictModel):
    """A UN entity that shares the cost (one row of the entities CSV).

    ``keys`` holds every numeric column (``expenses_usd``, ``personnel``,
    ``hrp_expenses_usd``...), usable as a cost-sharing key by name.
    """

    name: str = Field(min_length=1)
    full_name: str = ""
    voluntary_share: Fraction
    keys: dict[str, NonNegative]
    groups: tuple[str, ...] = ()
    source: str = Field(min_length=1)


class Country(StrictModel):
    """A priority country that needs an inter-agency PSEA coordinator (one CSV row)."""

    code: str = Field(min_length=1)
    name: str = ""
    risk_tier: int = Field(ge=1, le=5, description="1 is the highest risk; funded first")
    lead_entity: str = ""
    entities: tuple[str, ...] = ()
    allegations_per_year: NonNegative = 0.0
    source: str = Field(min_length=1)


# --------------------------------------------------------------------------- sections


class Simulation(StrictModel):
    """Horizon and Monte Carlo defaults (``--reps`` and ``--seed`` override them)."""

    start_year: Year = 2026
    years: int = Field(10, ge=1, le=50)
    replications: int = Field(200, ge=1, le=10_000_000)
    seed: int = Field(20261127, ge=0)

    @property
    def months(self) -> int:
        return 12 * self.years

    @property
    def end_year(self) -> int:
        """The last simulated calendar year."""
        return self.start_year + self.years - 1


FormulaKind = Literal[
    "equal",
    "proportional",
    "weighted",
    "base_plus_variable",
    "tiered",
    "capacity",
    "risk_adjusted",
    "usage",
    "shapley",
]


class Band(StrictModel):
    """A size band of the tiered formula: entities whose key share is below ``up_to_share``
    pay ``amount_usd`` a year."""

    up_to_share: Fraction
    amount_usd: NonNegative


class Formula(StrictModel):
    """How the annual budget is split among the participating entities.

    ``floor`` and ``ceiling`` bound each share (fractions of the total); what a
    ceiling removes is redistributed pro rata among the others, iterated until stable.
    ``floor_usd`` is a minimum contribution in USD a year (the 2005 UNDSS
    cost-sharing had USD 75,000); it raises the floor to ``floor_usd / total``,
    capped at an equal split.
    """

    kind: FormulaKind = "proportional"
    key: str | None = None
    weights: dict[str, NonNegative] = Field(default_factory=dict)
    base_fraction: Fraction = 0.0
    floor: Fraction = 0.0
    ceiling: Fraction = 1.0
    floor_usd: NonNegative = 0.0
    bands: tuple[Band, ...] = ()
    risk_key: str | None = None
    risk_weight: Fraction = 0.5

    @model_validator(mode="after")
    def _check_kind(self) -> Formula:
        needs_key = {"proportional", "base_plus_variable", "capacity", "tiered", "risk_adjusted"}
        if self.kind in needs_key and not self.key:
            raise ValueError(f"formula '{self.kind}' needs 'key' (an entity column)")
        if self.kind == "weighted" and not self.weights:
            raise ValueError("formula 'weighted' needs 'weights' (column = weight)")
        if self.kind == "weighted" and sum(self.weights.values()) <= 0:
            raise ValueError("weights must not all be zero")
        if self.kind == "tiered" and not self.bands:
            raise ValueError("formula 'tiered' needs 'bands'")
        if self.kind == "risk_adjusted" and not self.risk_key:
            raise ValueError("formula 'risk_adjusted' needs 'risk_key'")
        if self.floor > self.ceiling:
            raise ValueError("floor must not exceed ceiling")
        return self

    def columns(self) -> tuple[str, ...]:
        """Entity columns the formula reads."""
        cols = [c for c in (self.key, self.risk_key) if c]
        cols.extend(self.weights)
        return tuple(dict.fromkeys(cols))


class Mechanism(StrictModel):
    """The fund: how it is organised, what it charges, what reserve it keeps."""

    mode: Literal["pooled", "siloed", "hybrid"] = "pooled"
    admin_fee: Fraction = 0.0
    interest_rate_annual: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: NonNegative = 0.0
    formula: Formula = Field(default_factory=Formula)


class Posts(StrictModel):
    """Inter-agency PSEA coordinator posts (Rec 7): one per priority country."""

    annual_cost_usd: Positive
    operating_cost_usd: NonNegative = 0.0
    contract_months: int = Field(12, ge=1, le=60)
    recruitment_lag_months: Dist = Field(default_factory=lambda: Distribution(value=4))
    renewal_rule: Literal["whole_contract", "months"] = "whole_contract"
    renewal_commit_months: int = Field(6, ge=1, le=60)
    restart_wait_months: int = Field(0, ge=0, le=60)


class Payments(StrictModel):
    """How contributors pay their assessments: instalments, delays, partial payment.

    With ``partial_probability`` an entity pays only ``partial_fraction`` (the share
    paid) of each instalment of that year; the rest stays unpaid as arrears.
    """

    instalments_per_year: Literal[1, 2, 3, 4, 6, 12] = 2
    delay_months: Dist = Field(default_factory=lambda: Distribution(value=0))
    partial_probability: Fraction = 0.0
    partial_fraction: Fraction = 1.0  # the fraction of the instalment PAID when a payment is partial


class Costs(StrictModel):
    """Cost inflation applied to posts and operating costs (per year)."""

    inflation_annual: Annotated[float, Field(ge=-0.2, le=0.5)] = 0.0
    inflation_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0


class Cut(StrictModel):
    """A scheduled cut: from ``year``, the targeted entities pay ``fraction`` less.

    Target one ``entity``, a ``group`` (a tag in the entities table, such as
    ``voluntary``), or everyone when neither is given. ``years`` limits its length.
    """

    year: Year
    fraction: Fraction
    entity: str | None = None
    group: str | None = None
    years: int | None = Field(None, ge=1, le=50)

    @model_validator(mode="after")
    def _one_target(self) -> Cut:
        if self.entity and self.group:
            raise ValueError("give 'entity' or 'group', not both")
        return self


class Exit(StrictModel):
    """An entity leaves the mechanism from ``year`` (``entity = "largest"``: the largest payer)."""

    entity: str
    year: Year


class Shocks(StrictModel):
    """Stochastic cuts: each year, with ``annual_probability``, the ``group`` pays
    ``cut_fraction`` less that year."""

    annual_probability: Fraction = 0.0
    cut_fraction: Dist = Field(default_factory=lambda: Distribution(value=0.0))
    group: str | None = None


class Participation(StrictModel):
    """When entities opt out: a share above ``max_share``, or a cut of at least
    ``leave_after_cut``. Shares are then recomputed among those who remain."""

    max_share: Fraction = 1.0
    leave_after_cut: Fraction = 1.0


class Scenario(StrictModel):
    """Everything one run needs; produced by :func:`fundsim.scenario.load_scenario`."""

    name: str = Field(min_length=1)
    description: str = ""
    simulation: Simulation = Field(default_factory=Simulation)
    entities: tuple[Entity, ...] = Field(min_length=1)
    countries: tuple[Country, ...] = Field(min_length=1)
    mechanism: Mechanism = Field(default_factory=Mechanism)
    posts: Posts
    payments: Payments = Field(default_factory=Payments)
    costs: Costs = Field(default_factory=Costs)
    cuts: tuple[Cut, ...] = ()
    exits: tuple[Exit, ...] = ()
    shocks: Shocks = Field(default_factory=Shocks)
    participation: Participation = Field(default_factory=Participation)
    sources: dict[str, str] = Field(default_factory=dict)

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def groups(self) -> set[str]:
        """Every group tag used in the entities table."""
        return {g for e in self.entities for g in e.groups}
