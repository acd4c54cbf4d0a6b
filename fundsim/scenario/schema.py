"""The scenario schema: frozen, typed pydantic models for everything a run needs.

A scenario file (TOML) is loaded by :mod:`fundsim.scenario.loader` into a
:class:`Scenario`. Units are in the field names: ``_usd`` is US dollars,
``_months`` is months, fractions are in [0, 1] and rates are per year unless
the name says otherwise. Unknown keys are rejected; every number must be finite.

Types are strict (``StrictModel``): a boolean or a string is never a number, a number
never a string (a path), an integer is a float where a float is wanted, and a TOML
array is a tuple. Every money, count, duration and size has a documented upper limit
(:data:`LIMITS` and ``docs/scenarios.md``), chosen so that the model's integer cents
never overflow an int64 and no run allocates without bound; cross-field limits (the
network's cost after inflation, victims a year) are checked on :class:`Scenario`.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from fundsim.scenario.presets import expand_preset
from fundsim.scenario.vocabulary import FormulaKind, FormulaPreset

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

#: Every documented limit, by name (the docs' table is checked against it).
LIMITS: dict[str, float] = {
    "MAX_USD": MAX_USD, "MAX_POST_USD": MAX_POST_USD, "MAX_BALANCE_USD": MAX_BALANCE_USD,
    "MAX_COUNTRIES": MAX_COUNTRIES, "MAX_ENTITIES": MAX_ENTITIES, "MAX_YEARS": MAX_YEARS,
    "MAX_REPLICATIONS": MAX_REPLICATIONS, "MAX_SEED": MAX_SEED, "MAX_MONTHS": MAX_MONTHS,
    "MAX_DAYS": MAX_DAYS, "MAX_PER_EVENT": MAX_PER_EVENT,
    "MAX_ALLEGATIONS_PER_YEAR": MAX_ALLEGATIONS_PER_YEAR, "MAX_VICTIMS_PER_YEAR": MAX_VICTIMS_PER_YEAR,
    "MAX_INFLATION_GROWTH": MAX_INFLATION_GROWTH, "MAX_CONTRIBUTION_SCALE": MAX_CONTRIBUTION_SCALE,
    "MAX_DIST_PARAM": MAX_DIST_PARAM,
}


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


def _limit(high: float, low: float | None = None) -> Any:
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
#: Money with its documented ceiling (see the limits above).
Usd = Annotated[NonNegative, _limit(MAX_USD)]
PostUsd = Annotated[NonNegative, _limit(MAX_POST_USD)]
BalanceUsd = Annotated[NonNegative, _limit(MAX_BALANCE_USD)]
#: A distribution parameter (any unit): bounded so that draws stay far from overflow.
DistParam = Annotated[Finite, _limit(MAX_DIST_PARAM, -MAX_DIST_PARAM)]


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
    value: DistParam | None = None
    low: DistParam | None = None
    mode: DistParam | None = None
    high: DistParam | None = None
    mean: DistParam | None = None
    sd: Annotated[NonNegative, _limit(MAX_DIST_PARAM)] | None = None

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
DistMonths = Annotated[Dist, _at_most(MAX_MONTHS, "months")]
DistDays = Annotated[Dist, _at_most(MAX_DAYS, "days")]
DistUsd = Annotated[Dist, _at_most(MAX_USD, "USD")]
DistBalanceUsd = Annotated[Dist, _at_most(MAX_BALANCE_USD, "USD")]
DistCount = Annotated[Dist, _at_most(MAX_PER_EVENT, "per event")]
DistYears = Annotated[Dist, _at_most(100, "years")]
def _fraction_dist(dist: Distribution) -> Distribution:
    """A fraction's distribution: a bounded one (fixed, uniform, triangular) within
    [0, 1], an unbounded one with its mean there (its draws are clipped to [0, 1])."""
    top = dist.upper if dist.dist in ("fixed", "uniform", "triangular") else dist.expected
    if not top <= 1:
        raise ValueError(f"a fraction: draws up to {top:g}, above 1")
    return dist


DistFraction = Annotated[Dist, AfterValidator(_fraction_dist)]


# --------------------------------------------------------------------------- data tables


class Entity(StrictModel):
    """A UN entity that shares the cost (one row of the entities CSV).

    ``keys`` holds every numeric column (``expenses_usd``, ``personnel``,
    ``hrp_expenses_usd``...), usable as a cost-sharing key by name.
    """

    name: str = Field(min_length=1)
    full_name: str = ""
    voluntary_share: Fraction
    #: a key is only ever a weight; 1e15 keeps sums of a thousand entities finite and exact enough
    keys: dict[str, Annotated[NonNegative, _limit(1e15)]]
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
    allegations_per_year: Annotated[NonNegative, _limit(MAX_ALLEGATIONS_PER_YEAR)] = 0.0
    #: The coordinator post's grade (``P-5``, ``P-4``, ``P-3``, ``NO``, ``consultant``) and the
    #: ICSC hardship class of its duty station (``H``, ``A``-``E``): read under
    #: ``posts.costing = "standard_costs"`` (and counted in the budget annex's staffing table).
    grade: str = ""
    duty_station_class: str = ""
    source: str = Field(min_length=1)


class StandardCost(StrictModel):
    """One row of the standard-cost table (``[standard_costs] file``): the fully loaded
    annual cost of a post of ``grade`` at a duty station of ``duty_station_class``, USD a
    year at start-year prices (salary, post adjustment, allowances, pension, insurance)."""

    grade: str = Field(min_length=1)
    duty_station_class: str = Field(min_length=1)
    annual_cost_usd: Annotated[Positive, _limit(MAX_POST_USD)]
    source: str = Field(min_length=1)


# --------------------------------------------------------------------------- sections


class Simulation(StrictModel):
    """Horizon and Monte Carlo defaults (``--reps`` and ``--seed`` override them)."""

    start_year: Year = 2026
    years: int = Field(10, ge=1, le=MAX_YEARS)
    replications: int = Field(200, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(20261127, ge=0, le=MAX_SEED)

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
    amount_usd: Usd


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
    floor_usd: Usd = 0.0
    bands: tuple[Band, ...] = ()
    risk_key: str | None = None
    risk_weight: Fraction = 0.5
    #: The precedent this formula was written from (``kind = "undss_2005"``, ``"jiu"``,
    #: ``"icsc"``: :mod:`fundsim.scenario.presets`), or None.
    preset: FormulaPreset | None = None

    @model_validator(mode="before")
    @classmethod
    def _expand_preset(cls, data: Any) -> Any:
        return expand_preset(data) if isinstance(data, dict) else data

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


class Envelope(StrictModel):
    """A fixed budget envelope: ``usd_per_year`` invoiced in the start year (gross, the
    host's fee included), indexed by ``indexation`` a year (default: the expected inflation
    ``costs.inflation_annual``)."""

    usd_per_year: NonNegative
    indexation: Annotated[float, Field(ge=-0.2, le=0.5)] | None = None


#: What a host's fee is charged on: ``"receipts"`` (deposits: each contribution as it
#: arrives) or ``"expenditure"`` (what the fund spends, charged as it is spent).
FeeBasis = Literal["receipts", "expenditure"]


class Mechanism(StrictModel):
    """The fund: how it is organised, what it charges, what reserve it keeps.

    ``mode``: ``pooled`` (one common fund, cost-shared by ``formula``); ``siloed``
    (today: each country's lead entity pays its coordinator from its own budget, under
    its own cuts and delays); ``hybrid`` (siloed hosting with a pooled reserve, cost-shared
    by ``formula`` and sized by ``reserve_target_months``, that takes over a contract
    when the lead entity cannot pay it).

    Fund management (docs/model.md, "Fund management"; the defaults are the rules of the
    first model, the shipped baseline sets the practice of cost-shared funds):
    ``budget`` is ``"need"`` (planned posts + reserve top-up - cash) or a fixed envelope,
    approved for ``budget_period_years`` at once and invoiced unchanged within the period;
    ``budget_basis = "commitments"`` also budgets the months renewals commit beyond the
    period (the reserve is then met on free cash); ``commitment_basis = "receivables"`` lets
    the pooled fund commit against the budget year's receivables of entities still taking
    part, less ``collection_haircut``; ``prefinancing_limit_usd`` is the host's advance for
    committed salaries when cash is short (account ``prefinancing`` in the ledger); a
    non-empty ``shortfall_order`` turns on the reviews of ``review_months`` (0 = January,
    11 = the December budget decision), which freeze vacant posts and decline renewals,
    lowest priority first, when expected resources fall short.

    ``admin_fee`` is the host's fee, on ``fee_basis``: each contribution as it arrives
    (``"receipts"``, today's rule) or what the pooled fund spends (``"expenditure"``, the
    Secretariat trust funds' rule); a ``[host]`` table's fee stack replaces both.
    """

    mode: Literal["pooled", "siloed", "hybrid"] = "pooled"
    #: Contract length when the lead entity hosts and pays (siloed, hybrid); default: posts'.
    siloed_contract_months: int | None = Field(None, ge=1, le=60)
    admin_fee: Fraction = 0.0
    #: What ``admin_fee`` is charged on: each contribution as it arrives (``receipts``, today's
    #: rule), or salaries, operating and secretariat costs as the fund pays them (``expenditure``,
    #: the Secretariat trust funds' rule). A ``[host]`` fee stack replaces both.
    fee_basis: FeeBasis = "receipts"
    interest_rate_annual: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: BalanceUsd = 0.0
    formula: Formula = Field(default_factory=lambda: Formula(kind="equal"))
    #: Fund management (issue 19). Defaults are the first model's rules; the shipped baseline
    #: sets the practice of cost-shared funds. See docs/model.md, "Fund management".
    #: ``need``: the budget re-derived from planned posts, reserve and cash; or a fixed envelope.
    budget: Literal["need"] | Envelope = "need"
    #: Years for which a budget (and so every invoice) is approved at once.
    budget_period_years: int = Field(1, ge=1, le=5)
    #: ``cash``: the need nets the reserve off total cash (today); ``commitments``: the need
    #: also funds the months that renewals commit beyond the year (reserve on free cash).
    budget_basis: Literal["cash", "commitments"] = "cash"
    #: What the fund may commit against: free cash (``cash``) or free cash plus the current
    #: budget year's receivables of entities still taking part, less ``collection_haircut``.
    commitment_basis: Literal["cash", "receivables"] = "cash"
    #: ASSUMPTION: 5 % of a year's invoices are not collected within the year (RC cost-share lost 3.2 % in 2019).
    collection_haircut: Fraction = 0.05
    #: How expected collections are judged: the same haircut for every entity (``fixed``), or
    #: each entity at its previous year's collection rate, at most one less the haircut
    #: (``record``), so that an entity that cut its payment is not counted on in full again.
    collection_basis: Literal["fixed", "record"] = "fixed"
    #: Cash the host advances when a committed salary falls due and cash is short (USD).
    prefinancing_limit_usd: NonNegative = 0.0
    #: Managed cuts at each review when resources fall short, in this order; empty: no review.
    shortfall_order: list[Literal["freeze_vacant", "decline_renewals"]] = Field(default_factory=list)
    #: Months of the year (0 = January) of the reviews: 11 = the December budget decision.
    review_months: list[Annotated[int, Field(ge=0, le=11)]] = Field(default_factory=lambda: [11, 5])


class FeeLayer(StrictModel):
    """One layer of a host's fee stack: ``rate`` (a fraction) on ``basis`` (``receipts``:
    the deposits, as each contribution arrives; ``expenditure``: salaries, operating and
    secretariat costs, as the fund pays them)."""

    name: str = Field(min_length=1, max_length=80)
    rate: Fraction
    basis: FeeBasis = "receipts"


class SecretariatLine(StrictModel):
    """A fixed cost line of the fund's secretariat or a common service, paid by the
    coordinator fund each month: ``posts`` (how many, for the annex; 0 for a non-post
    line, e.g. audit), ``grade`` (a label), ``usd_per_year`` the whole line's cost in
    start-year prices (indexed like the posts' costs)."""

    name: str = Field(min_length=1, max_length=80)
    grade: str = Field("", max_length=40)
    posts: Annotated[NonNegative, _limit(1000.0)] = 0.0
    usd_per_year: PostUsd


class Host(StrictModel):
    """Who administers the pooled coordinator fund, and what that costs (issue 14).

    ``kind``: ``"mptf"`` (administered by the UNDP MPTF Office as administrative agent,
    the money passed to a participating UN organisation that employs the posts),
    ``"agency"`` (one agency hosts the fund and employs the posts) or ``"secretariat"``
    (a UN Secretariat trust fund). ``fees``: the fee stack, each layer on its basis; when
    given it replaces ``mechanism.admin_fee`` and ``mechanism.fee_basis`` (which must then
    be left at 0 and ``"receipts"``). ``secretariat``: fixed cost lines paid monthly from
    the fund and budgeted with the posts. ``prefinancing_limit_usd``: the host's advance for
    committed salaries when cash is short; when given it replaces
    ``mechanism.prefinancing_limit_usd``. ``entity``: the hosting entity's name (a label).
    """

    kind: Literal["mptf", "agency", "secretariat"]
    entity: str = Field("", max_length=80)
    fees: tuple[FeeLayer, ...] = Field((), max_length=20)
    secretariat: tuple[SecretariatLine, ...] = Field((), max_length=100)
    prefinancing_limit_usd: BalanceUsd | None = None


class Posts(StrictModel):
    """Inter-agency PSEA coordinator posts (Rec 7): one per priority country.

    ``contract_alignment``: ``rolling`` contracts run from the fill date (the first model);
    under ``budget_year`` a first contract runs to 31 December and renewals fall on
    1 January for 12 months. ``bridge_months``: before a post whose renewal cannot be
    committed lapses, it is extended one month at a time while the fund can commit that
    month, at most this many times, the full renewal retried at each step.
    """

    annual_cost_usd: Annotated[Positive, _limit(MAX_POST_USD)]
    operating_cost_usd: PostUsd = 0.0
    contract_months: int = Field(12, ge=1, le=60)
    recruitment_lag_months: DistMonths = Field(default_factory=lambda: Distribution(value=4))
    renewal_rule: Literal["whole_contract", "months"] = "whole_contract"
    renewal_commit_months: int = Field(6, ge=1, le=60)
    restart_wait_months: int = Field(0, ge=0, le=60)
    #: ``rolling``: contracts run from the fill date (today); ``budget_year``: a first contract
    #: runs to 31 December and renewals fall on 1 January for 12 months.
    contract_alignment: Literal["rolling", "budget_year"] = "rolling"
    #: One-month extensions, at most this many, before a post whose renewal cannot be committed lapses.
    bridge_months: int = Field(0, ge=0, le=3)
    #: ``flat``: every post costs ``annual_cost_usd`` (today); ``standard_costs``: each post
    #: costs the standard cost of its grade and duty-station class (``[standard_costs]``), and
    #: ``annual_cost_usd`` is not used for salaries.
    costing: Literal["flat", "standard_costs"] = "flat"
    #: Grade mix: grade -> share of the posts, given in priority order (risk tier first): the
    #: first grade takes the highest-priority posts, and so on; the posts left over (shares
    #: summing below 1) keep their grade in the countries table. Empty: the table's grades.
    grade_mix: dict[str, Fraction] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _mix_sums(self) -> Posts:
        total = sum(self.grade_mix.values())
        if total > 1 + 1e-9:
            raise ValueError(f"grade_mix: shares sum to {total:g}, above 1")
        return self


class Payments(StrictModel):
    """How contributors pay their assessments: instalments, delays, partial payment.

    With ``partial_probability`` an entity pays only ``partial_fraction`` (the share
    paid) of each instalment of that year; the rest stays unpaid as arrears.
    """

    instalments_per_year: Literal[1, 2, 3, 4, 6, 12] = 2
    delay_months: DistMonths = Field(default_factory=lambda: Distribution(value=0))
    partial_probability: Fraction = 0.0
    partial_fraction: Fraction = 1.0  # the fraction of the instalment PAID when a payment is partial
    contribution_scale: Annotated[Positive, _limit(MAX_CONTRIBUTION_SCALE)] = 1.0  # each entity pays this multiple of its assessment (a lever for `fundsim solve`)


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
    """

    max_share: Fraction = 1.0
    leave_after_cut: Fraction = 1.0
    absorption: Fraction = 1.0
    max_increase: NonNegative | None = None


# --------------------------------------------------------------------------- today's posts and hosts' money (issue 18)

ContractType = Literal["temporary_appointment", "fixed_term", "consultant", "surge"]
FundingSource = Literal["host_core", "project_grant", "pooled_humanitarian_fund"]


class ContractTerms(StrictModel):
    """The terms of one contract type while a host employs the coordinator: its length
    (``months``), its salary as a multiple of ``posts.annual_cost_usd`` (``cost_factor``;
    operating costs unchanged) and the probability that the incumbent leaves at the end of
    a contract even when it is renewed (``turnover``: the post is recruited again, with the
    recruitment lag, its money still committed)."""

    months: int = Field(12, ge=1, le=60)
    cost_factor: Annotated[Positive, _limit(3.0)] = 1.0
    turnover: Fraction = 0.0


class HostLines(StrictModel):
    """How a host's own budget line behaves in the siloed and hybrid modes (and for the
    incumbents a pooled fund takes over at their contract end). The defaults are the first
    model's siloed line: unspent money carries over, no support cost, every renewal funded
    by the host's line, every country hosted by its lead entity.

    ``carry_over = false``: the uncommitted balance of each host line lapses on 31 December
    (ledger account ``lapsed``). ``support_cost_agency`` / ``support_cost_secretariat``:
    the host's programme support cost on what the line spends (7 % and 13 % in the sources),
    the Secretariat rate for entities in ``secretariat_group``; charged on receipts into the
    line at rate r/(1+r), the host budgeting its planned cost x (1+r).
    ``grant_renewal_probability`` / ``pooled_fund_renewal_probability``: a post funded by a
    project grant / a pooled humanitarian fund (``incumbents`` table) is renewed at its
    contract end with this probability; otherwise the grant ends, the post lapses (a
    funding interruption) and is recruited again after ``posts.restart_wait_months``.
    ``contracts``: terms by contract type (``incumbents`` table), else the posts' own.
    ``vacant_countries``: ``lead_entity`` (a country without a coordinator today is hosted by
    its lead entity, as in the first model) or ``unfunded`` (no host budgets for it: it stays
    vacant, counted as funding lost, unless a pooled reserve takes it in the hybrid mode).
    """

    carry_over: bool = True
    support_cost_agency: Fraction = 0.0
    support_cost_secretariat: Fraction = 0.0
    secretariat_group: str = "secretariat"
    grant_renewal_probability: Fraction = 1.0
    pooled_fund_renewal_probability: Fraction = 1.0
    contracts: dict[ContractType, ContractTerms] = Field(default_factory=dict)
    vacant_countries: Literal["lead_entity", "unfunded"] = "lead_entity"


class TodayPost(StrictModel):
    """One row of the table of today's posts (``incumbents.file``): whether the country has a
    ``dedicated`` or ``acting`` inter-agency coordinator today (or ``none``), the public name
    of its ``host`` and the entity that books it (``host_entity``), its ``contract_type``,
    ``funding_source`` and the month of the start year its contract ends (1-12: the end of
    that month), each row with its source."""

    code: str = Field(min_length=1)
    coordinator_today: Literal["none", "dedicated", "acting"]
    host: str = ""
    host_entity: str = ""
    contract_type: ContractType | None = None
    funding_source: FundingSource | None = None
    contract_end_month: int | None = Field(None, ge=1, le=60)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> TodayPost:
        if self.coordinator_today != "none" and not (
            self.host_entity and self.contract_type and self.funding_source and self.contract_end_month
        ):
            raise ValueError("a post filled today needs host_entity, contract_type, funding_source and contract_end_month")
        return self


class Incumbents(StrictModel):
    """Start from today's posts (``[incumbents] file = "data/today_posts.csv"``): each
    country's post is filled at the start where a coordinator is in post today, paid by its
    current host (from money the host set aside for the rest of the contract) until its
    contract ends. In the siloed and hybrid modes the host keeps the post. In the pooled mode
    ``transition`` says when the fund takes it over: ``at_contract_end`` (the fund renews the
    incumbent when the host's contract ends, if it can commit the contract; otherwise the
    post lapses and is recruited later) or ``at_once`` (the fund issues its own contract on
    day one, the host passing in the money for the months left of its contract; if the fund
    cannot commit it, the incumbent stays with the host to its contract end)."""

    posts: tuple[TodayPost, ...] = Field(min_length=1, max_length=MAX_COUNTRIES)
    transition: Literal["at_contract_end", "at_once"] = "at_contract_end"


# --------------------------------------------------------------------------- victims (Rec 12/14)

#: Days in a month, to turn SimPy months into days (365.25 / 12).
DAYS_PER_MONTH = 30.4375


class Surge(StrictModel):
    """A temporary rise in allegations: from ``year``, for ``years`` years, the arrival
    rate is multiplied by ``factor`` (1.5 is a 50 % surge)."""

    year: Year
    factor: Annotated[Positive, _limit(100)]
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

    scale: Annotated[NonNegative, _limit(1000)] = 1.0
    trend_annual: Annotated[float, Field(ge=-0.5, le=1.0)] = 0.0
    surges: tuple[Surge, ...] = ()
    victims_per_allegation: DistCount = Field(default_factory=lambda: Distribution(value=1))
    child_share: Fraction = 0.2
    ip_share: Fraction = 0.0
    ip_payer: Literal["fund", "partner"] = "fund"
    entity_key: str | None = None


class Caseworkers(StrictModel):
    """Case slots that take a victim's case in (intake, needs assessment, referral).

    ``capacity`` is the number of cases handled at once: in the whole pool
    (``pooling = "pooled"``) or in each country (``"per_country"``). A case holds a
    slot for ``handling_days`` (days); cases wait first come, first served.
    ``capacity = "auto"`` sizes the slots each year to that year's expected caseload at
    ``target_utilisation`` (slots = expected cases x mean handling / 12 months /
    target, rounded up). Each slot costs ``cost_usd_year`` a year (start-year
    prices), paid monthly by the victims' window (0: caseworkers are paid elsewhere).
    """

    pooling: Literal["pooled", "per_country"] = "pooled"
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] | Literal["auto"]
    handling_days: DistDays
    cost_usd_year: NonNegative = 0.0
    target_utilisation: Annotated[float, Field(gt=0.0, le=1.0)] = 0.8

    @model_validator(mode="after")
    def _auto_pooled(self) -> Caseworkers:
        if self.capacity == "auto" and self.pooling != "pooled":
            raise ValueError('capacity = "auto" sizes one pool: it needs pooling = "pooled"')
        return self


class Service(StrictModel):
    """One service of the assistance package: a victim needs it with probability
    ``share``; it costs ``cost_usd`` in all (start-year prices), paid in equal parts
    over ``months`` months. ``applies_to`` limits it to children or adults."""

    name: str = Field(min_length=1)
    share: Fraction
    cost_usd: DistUsd
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


class SupportYears(StrictModel):
    """Interim support for at most ``years`` years from its start (and never past age 18)."""

    years: int = Field(ge=1, le=18)


class TargetRatio(StrictModel):
    """Fund the children's account each month up to ``target_ratio`` times the present
    value of the obligations to children (never below the next 12 months of support)."""

    target_ratio: Annotated[float, Field(ge=0.0, le=2.0)]


class Children(StrictModel):
    """Children born of SEA (Rec 14): interim support until age 18 unless a paternity
    claim succeeds (with probability ``paternity_success``, ``paternity_delay_months``
    after support starts) and shifts ``paternity_recovery_share`` of the cost to the
    father (1: all of it; the window keeps paying the rest).

    ``support_until``: ``"age_18"``; ``"paternity_resolved"`` (interim support that ends
    when the paternity claim is resolved, whatever its outcome, and at 18 at the latest);
    or ``{ years = N }`` (at most N years). ``funding`` of the children's account:
    ``"paygo"`` (it holds the next 12 months of support, topped up and released each
    month), ``"prefund_at_entry"`` (each child's present value is moved in when support
    starts), or ``{ target_ratio = x }`` (topped up to x times the present value of the
    obligations).

    ``account_return``: what the children's account earns. ``"none"`` (nothing);
    ``"interest_rate"`` (the mechanism's ``interest_rate_annual``, nominal, credited
    monthly like the coordinator fund's interest); ``"discount_rate"`` (the liability's
    own basis: the real ``discount_rate`` each month and the year's price change each
    January, so that an account equal to the liability keeps pace with it). With
    ``"interest_rate"`` the two are consistent when ``discount_rate`` is the real return
    ``(1 + interest_rate_annual) / (1 + inflation_annual) - 1``.

    ``stock`` children are supported from the start, aged ``stock_age_years``; new
    children arrive at ``new_per_year`` a year, scaled like allegations (trend and
    surges). ``discount_rate`` (real, per year) discounts the obligations still owed
    at the end of the horizon to their present value.
    """

    stock: int = Field(0, ge=0, le=1_000_000)
    stock_age_years: DistYears = Field(default_factory=lambda: Distribution(dist="uniform", low=0, high=18))
    new_per_year: Annotated[NonNegative, _limit(MAX_VICTIMS_PER_YEAR)] = 0.0
    support_usd_year: DistUsd = Field(default_factory=lambda: Distribution(value=0))
    paternity_success: Fraction = 0.0
    paternity_delay_months: DistMonths = Field(default_factory=lambda: Distribution(value=24))
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.03
    support_until: Literal["age_18", "paternity_resolved"] | SupportYears = "age_18"
    paternity_recovery_share: Fraction = 1.0
    funding: Literal["paygo", "prefund_at_entry"] | TargetRatio = "paygo"
    account_return: Literal["none", "interest_rate", "discount_rate"] = "none"


class Pledges(StrictModel):
    """Member State voluntary pledges and withheld payments (GA res. 70/286), USD a year.

    Year ``y`` (0 = start year) pledges a draw of ``annual_usd`` times
    ``(1 - fatigue_annual) ** y`` (donor fatigue); withheld payments add a draw of
    ``withheld_usd``. Each arrives once a year at a random month.
    """

    annual_usd: DistBalanceUsd = Field(default_factory=lambda: Distribution(value=0))
    fatigue_annual: Fraction = 0.0
    withheld_usd: DistBalanceUsd = Field(default_factory=lambda: Distribution(value=0))


class VictimFunding(StrictModel):
    """How the victim-assistance window is financed.

    Each year the window's need (expected services + child support + reserve top-up,
    less cash in hand and expected pledges) is multiplied by ``entity_cost_share`` and
    assessed on the entities with ``formula`` (none: the mechanism's formula), with the
    mechanism's payment terms. Fee rule: with ``windows = "separate"`` the window has
    its own host and pays ``admin_fee`` on what it receives; with ``"shared_host"``
    both windows pay ``shared_admin_fee`` (none: the mechanism's ``admin_fee``) to the
    one host. ``fee_basis``: the fee is charged on what the window ``"receipts"``
    (contributions, pledges, withheld payments, transfers excluded) or, like the
    Secretariat's 13 % programme support cost on the Trust Fund, on what it spends
    (``"expenditure"``: services, child support, caseworkers), charged as it is spent.
    """

    formula: Formula | None = None
    entity_cost_share: Fraction = 1.0
    admin_fee: Fraction = 0.0
    shared_admin_fee: Fraction | None = None
    fee_basis: Literal["receipts", "expenditure"] = "receipts"
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: BalanceUsd = 0.0
    pledges: Pledges = Field(default_factory=Pledges)


class Victims(StrictModel):
    """Victim assistance (Rec 12) and children born of SEA (Rec 14): a second window.

    ``windows``: ``"separate"`` funds or one fund with two windows sharing a host.
    ``transfers``: ``"coordinator_surplus"`` moves, each December, the coordinator
    window's cash above next year's planned cost plus its reserve target to this window.
    ``existing_services_share`` (para 50): the share of each victim's services met by
    existing gender-based-violence and child-protection services outside the fund.
    """

    allegations: Allegations = Field(default_factory=Allegations)
    caseworkers: Caseworkers
    services: tuple[Service, ...] = Field(min_length=1)
    priority: Priority = Field(default_factory=Priority)
    children: Children = Field(default_factory=Children)
    funding: VictimFunding = Field(default_factory=VictimFunding)
    windows: Literal["separate", "shared_host"] = "separate"
    transfers: Literal["none", "coordinator_surplus"] = "none"
    existing_services_share: Fraction = 0.0


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
    entities: tuple[Entity, ...] = Field(min_length=1, max_length=MAX_ENTITIES)
    countries: tuple[Country, ...] = Field(min_length=1, max_length=MAX_COUNTRIES)
    mechanism: Mechanism = Field(default_factory=Mechanism)
    posts: Posts
    payments: Payments = Field(default_factory=Payments)
    costs: Costs = Field(default_factory=Costs)
    cuts: tuple[Cut, ...] = ()
    exits: tuple[Exit, ...] = ()
    shocks: Shocks = Field(default_factory=Shocks)
    participation: Participation = Field(default_factory=Participation)
    host_lines: HostLines = Field(default_factory=HostLines)  # hosts' own budget lines (issue 18)
    incumbents: Incumbents | None = None  # today's posts at the start; none: every post vacant
    victims: Victims | None = None  # victim assistance window (Rec 12/14); none: coordinators only
    #: Standard costs by grade and duty-station class (``[standard_costs] file``), read when
    #: ``posts.costing = "standard_costs"``; empty otherwise.
    standard_costs: tuple[StandardCost, ...] = ()
    host: Host | None = None  # who administers the coordinator fund (fees, secretariat); none: mechanism.admin_fee
    sources: dict[str, str] = Field(default_factory=dict)
    #: dotted scenario key -> range, read by `fundsim sensitivity`; ignored by `fundsim run`
    uncertainties: dict[str, Range] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _within_limits(self) -> Scenario:
        """Cross-field limits: cost growth from inflation and victims in the busiest year."""
        c = self.costs
        growth = (1 + max(0.0, c.inflation_annual + 3 * c.inflation_sd)) ** self.simulation.years
        if growth > MAX_INFLATION_GROWTH:
            raise ValueError(
                f"costs: inflation {c.inflation_annual:g} (sd {c.inflation_sd:g}) over "
                f"{self.simulation.years} years multiplies costs by up to {growth:.3g}; "
                f"the limit is {MAX_INFLATION_GROWTH:g}"
            )
        v = self.victims
        if v is not None:
            a = v.allegations
            base = sum(ct.allegations_per_year for ct in self.countries) * a.scale
            trend = max(1.0, 1 + a.trend_annual) ** (self.simulation.years - 1)
            surge = max((s.factor for s in a.surges), default=1.0)
            per_year = base * trend * max(1.0, surge) * max(1.0, a.victims_per_allegation.expected)
            children = v.children.new_per_year * trend * max(1.0, surge) + v.children.stock
            if per_year + children > MAX_VICTIMS_PER_YEAR:
                raise ValueError(
                    f"victims: about {per_year + children:.3g} victims and children in the busiest "
                    f"year; the limit is {MAX_VICTIMS_PER_YEAR:,}"
                )
        return self

    @model_validator(mode="after")
    def _standard_costs_cover_posts(self) -> Scenario:
        """Under standard costing, every post's grade and duty-station class has a cost."""
        if self.posts.costing != "standard_costs":
            return self
        if not self.standard_costs:
            raise ValueError('posts.costing = "standard_costs" needs a [standard_costs] table (file = "x.csv")')
        from fundsim.scenario.grades import post_grades  # grades reads this module

        table = {(r.grade, r.duty_station_class) for r in self.standard_costs}
        for country, grade in zip(self.countries, post_grades(self), strict=True):
            if (grade, country.duty_station_class) not in table:
                raise ValueError(
                    f"posts.costing: country {country.code} has grade '{grade or '(none)'}' at duty-station "
                    f"class '{country.duty_station_class or '(none)'}', which the standard-cost table does not cost"
                )
        return self

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def groups(self) -> set[str]:
        """Every group tag used in the entities table."""
        return {g for e in self.entities for g in e.groups}

    def _headline(self) -> str:
        sim, mech = self.simulation, self.mechanism
        victims = ", victims' window" if self.victims is not None else ""
        formula = f" ({mech.formula.kind} formula)" if mech.mode != "siloed" else ""
        return (
            f"{self.name}: {mech.mode}{formula}, {len(self.entities)} entities, {len(self.countries)} countries"
            f"{victims}, {sim.start_year}-{sim.end_year}, {sim.replications} replications, seed {sim.seed}"
        )

    def __repr__(self) -> str:
        """One line (the full field dump runs to thousands of characters)."""
        return f"<Scenario {self._headline()}>"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """The notebook view: the headline, the description and how many inputs rest on
        a source, a plausible guess or an assumption (from ``[sources]``)."""
        import html

        kinds = {"ASSUMPTION": 0, "PLAUSIBLE": 0, "sourced": 0}
        for text in self.sources.values():
            head = text.lstrip().split(":", 1)[0].upper()
            kinds[head if head in ("ASSUMPTION", "PLAUSIBLE") else "sourced"] += 1
        basis = ", ".join(f"{n} {k}" for k, n in kinds.items() if n) or "no [sources] table"
        description = f"<br>{html.escape(self.description)}" if self.description else ""
        return (
            f"<p><b>Scenario</b> {html.escape(self._headline())}{description}<br>"
            f"<small>inputs: {html.escape(basis)}</small></p>"
        )
