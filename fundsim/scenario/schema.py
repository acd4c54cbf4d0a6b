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

from fundsim.scenario.vocabulary import FormulaKind


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
    fiscal_year_start_month: int = Field(
        1, ge=1, le=12, description="first month of the entity's fiscal year (7: July-June, as peacekeeping)"
    )
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
    """The fund: how it is organised, what it charges, what reserve it keeps.

    ``mode``: ``pooled`` (one common fund, cost-shared by ``formula``); ``siloed``
    (today: each country's lead entity pays its coordinator from its own budget, under
    its own cuts and delays); ``hybrid`` (siloed hosting with a pooled reserve, cost-shared
    by ``formula`` and sized by ``reserve_target_months``, that takes over a contract
    when the lead entity cannot pay it).
    """

    mode: Literal["pooled", "siloed", "hybrid"] = "pooled"
    #: Contract length when the lead entity hosts and pays (siloed, hybrid); default: posts'.
    siloed_contract_months: int | None = Field(None, ge=1, le=60)
    admin_fee: Fraction = 0.0
    interest_rate_annual: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: NonNegative = 0.0
    formula: Formula = Field(default_factory=lambda: Formula(kind="equal"))


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
    contribution_scale: Positive = 1.0  # each entity pays this multiple of its assessment (a lever for `fundsim solve`)


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
    cut_fraction: Dist = Field(default_factory=lambda: Distribution(value=0.0))
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
    """

    max_share: Fraction = 1.0
    leave_after_cut: Fraction = 1.0
    absorption: Fraction = 1.0
    max_increase: NonNegative | None = None


# --------------------------------------------------------------------------- victims (Rec 12/14)

#: Days in a month, to turn SimPy months into days (365.25 / 12).
DAYS_PER_MONTH = 30.4375


class Surge(StrictModel):
    """A temporary rise in allegations: from ``year``, for ``years`` years, the arrival
    rate is multiplied by ``factor`` (1.5 is a 50 % surge)."""

    year: Year
    factor: Positive
    years: int = Field(1, ge=1, le=50)


class Allegations(StrictModel):
    """SEA allegations: Poisson arrivals at each country's ``allegations_per_year``
    (countries table) times ``scale``, growing by ``trend_annual`` a year, with surges.

    Each allegation brings ``victims_per_allegation`` victims (drawn, rounded, at
    least 1); each victim is a child with probability ``child_share``. An allegation
    involves an implementing partner with probability ``ip_share``; with
    ``ip_payer = "partner"`` the partner pays those victims' services, outside the fund.
    Each allegation involves one of the entities present in its country, drawn with
    weights from the entity column ``entity_key`` (equal weights when none); in the
    ``siloed`` mechanism mode that entity pays its victims' services.
    """

    scale: NonNegative = 1.0
    trend_annual: Annotated[float, Field(ge=-0.5, le=1.0)] = 0.0
    surges: tuple[Surge, ...] = ()
    victims_per_allegation: Dist = Field(default_factory=lambda: Distribution(value=1))
    child_share: Fraction = 0.2
    ip_share: Fraction = 0.0
    ip_payer: Literal["fund", "partner"] = "fund"
    entity_key: str | None = None


class Caseworkers(StrictModel):
    """Case slots that take a victim's case in (intake, needs assessment, referral).

    ``capacity`` is the number of cases handled at once: in the whole pool
    (``pooling = "pooled"``) or in each country (``"per_country"``). A case holds a
    slot for ``handling_days`` (days); cases wait first come, first served.
    """

    pooling: Literal["pooled", "per_country"] = "pooled"
    capacity: int = Field(ge=1, le=1_000_000)
    handling_days: Dist


class Service(StrictModel):
    """One service of the assistance package: a victim needs it with probability
    ``share``; it costs ``cost_usd`` in all (start-year prices), paid in equal parts
    over ``months`` months. ``applies_to`` limits it to children or adults."""

    name: str = Field(min_length=1)
    share: Fraction
    cost_usd: Dist
    months: int = Field(1, ge=1, le=60)
    applies_to: Literal["all", "children", "adults"] = "all"


class Priority(StrictModel):
    """Who gets money first when it is short, and how long a case can wait for it.

    ``fifo``: by arrival; ``children_first``: child victims first, then by arrival
    (longest wait first); ``smallest_first``: cheapest package first. A case not
    started ``max_wait_months`` after its arrival is dropped: its cost is unmet need.
    """

    rule: Literal["fifo", "children_first", "smallest_first"] = "children_first"
    max_wait_months: int = Field(12, ge=1, le=120)


class Children(StrictModel):
    """Children born of SEA (Rec 14): interim support until age 18 unless a paternity
    claim succeeds (with probability ``paternity_success``, ``paternity_delay_months``
    after support starts) and shifts the cost to the father.

    ``stock`` children are supported from the start, aged ``stock_age_years``; new
    children arrive at ``new_per_year`` a year, scaled like allegations (trend and
    surges). ``discount_rate`` (real, per year) discounts the obligations still owed
    at the end of the horizon to their present value.
    """

    stock: int = Field(0, ge=0, le=1_000_000)
    stock_age_years: Dist = Field(default_factory=lambda: Distribution(dist="uniform", low=0, high=18))
    new_per_year: NonNegative = 0.0
    support_usd_year: Dist = Field(default_factory=lambda: Distribution(value=0))
    paternity_success: Fraction = 0.0
    paternity_delay_months: Dist = Field(default_factory=lambda: Distribution(value=24))
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.03


class Pledges(StrictModel):
    """Member State voluntary pledges and withheld payments (GA res. 70/286), USD a year.

    Year ``y`` (0 = start year) pledges a draw of ``annual_usd`` times
    ``(1 - fatigue_annual) ** y`` (donor fatigue); withheld payments add a draw of
    ``withheld_usd``. Each arrives once a year at a random month.
    """

    annual_usd: Dist = Field(default_factory=lambda: Distribution(value=0))
    fatigue_annual: Fraction = 0.0
    withheld_usd: Dist = Field(default_factory=lambda: Distribution(value=0))


class VictimFunding(StrictModel):
    """How the victim-assistance window is financed.

    Each year the window's need (expected services + child support + reserve top-up,
    less cash in hand and expected pledges) is multiplied by ``entity_cost_share`` and
    assessed on the entities with ``formula`` (none: the mechanism's formula), with the
    mechanism's payment terms. Fee rule: with ``windows = "separate"`` the window has
    its own host and pays ``admin_fee`` on what it receives; with ``"shared_host"``
    both windows pay ``shared_admin_fee`` (none: the mechanism's ``admin_fee``) to the
    one host.
    """

    formula: Formula | None = None
    entity_cost_share: Fraction = 1.0
    admin_fee: Fraction = 0.0
    shared_admin_fee: Fraction | None = None
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: NonNegative = 0.0
    pledges: Pledges = Field(default_factory=Pledges)


class Victims(StrictModel):
    """Victim assistance (Rec 12) and children born of SEA (Rec 14): a second window.

    ``windows``: ``"separate"`` funds or one fund with two windows sharing a host.
    ``transfers``: ``"coordinator_surplus"`` moves, each December, the coordinator
    window's cash above next year's planned cost plus its reserve target to this window.
    """

    allegations: Allegations = Field(default_factory=Allegations)
    caseworkers: Caseworkers
    services: tuple[Service, ...] = Field(min_length=1)
    priority: Priority = Field(default_factory=Priority)
    children: Children = Field(default_factory=Children)
    funding: VictimFunding = Field(default_factory=VictimFunding)
    windows: Literal["separate", "shared_host"] = "separate"
    transfers: Literal["none", "coordinator_surplus"] = "none"


class Range(StrictModel):
    """An uncertain input's range for sensitivity analysis (``[uncertainties]``), in the
    unit of the key it names; sampled uniformly between ``low`` and ``high``."""

    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError("low must be below high")
        return self


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
    victims: Victims | None = None  # victim assistance window (Rec 12/14); none: coordinators only
    sources: dict[str, str] = Field(default_factory=dict)
    #: dotted scenario key -> range, read by `fundsim sensitivity`; ignored by `fundsim run`
    uncertainties: dict[str, Range] = Field(default_factory=dict)

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def groups(self) -> set[str]:
        """Every group tag used in the entities table."""
        return {g for e in self.entities for g in e.groups}
