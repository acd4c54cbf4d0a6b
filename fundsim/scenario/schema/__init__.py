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

The models live in one module per part of a scenario, each importing only the ones
before it: ``base`` (limits, the strict model, bounded number types),
``distributions``, ``mechanism`` (formula, budget rule, the fund's host), ``posts``
(posts, costs, today's posts and their hosts' lines), ``shocks`` (payments, cuts,
exits, participation), ``victims`` (the victims' window) and ``scenario`` (the root).
Every name is importable from ``fundsim.scenario.schema``.
"""

from __future__ import annotations

from fundsim.scenario.schema.base import (
    LIMITS,
    MAX_ALLEGATIONS_PER_YEAR,
    MAX_BALANCE_USD,
    MAX_CONTRIBUTION_SCALE,
    MAX_COUNTRIES,
    MAX_DAYS,
    MAX_DIST_PARAM,
    MAX_ENTITIES,
    MAX_INFLATION_GROWTH,
    MAX_MONTHS,
    MAX_PER_EVENT,
    MAX_POST_USD,
    MAX_REPLICATIONS,
    MAX_SEED,
    MAX_USD,
    MAX_VICTIMS_PER_YEAR,
    MAX_YEARS,
    BalanceUsd,
    DistParam,
    Finite,
    Fraction,
    NonNegative,
    Positive,
    PostUsd,
    StrictModel,
    Usd,
    Year,
    bounded,
)
from fundsim.scenario.schema.distributions import (
    Dist,
    DistBalanceUsd,
    DistCount,
    DistDays,
    DistFraction,
    DistKind,
    DistMonths,
    Distribution,
    DistUsd,
    DistYears,
)
from fundsim.scenario.schema.mechanism import (
    Band,
    Envelope,
    FeeBasis,
    FeeLayer,
    Formula,
    Host,
    Mechanism,
    SecretariatLine,
)
from fundsim.scenario.schema.posts import (
    ContractTerms,
    ContractType,
    Costs,
    FundingSource,
    HostLines,
    Incumbents,
    Posts,
    StandardCost,
    TodayPost,
)
from fundsim.scenario.schema.scenario import Country, Entity, Range, Scenario, Simulation
from fundsim.scenario.schema.shocks import Cut, Exit, Participation, Payments, Shocks
from fundsim.scenario.schema.victims import (
    DAYS_PER_MONTH,
    Allegations,
    Caseworkers,
    Children,
    Pledges,
    Priority,
    Service,
    SupportYears,
    Surge,
    TargetRatio,
    VictimFunding,
    Victims,
)

__all__ = [
    "DAYS_PER_MONTH",
    "LIMITS",
    "MAX_ALLEGATIONS_PER_YEAR",
    "MAX_BALANCE_USD",
    "MAX_CONTRIBUTION_SCALE",
    "MAX_COUNTRIES",
    "MAX_DAYS",
    "MAX_DIST_PARAM",
    "MAX_ENTITIES",
    "MAX_INFLATION_GROWTH",
    "MAX_MONTHS",
    "MAX_PER_EVENT",
    "MAX_POST_USD",
    "MAX_REPLICATIONS",
    "MAX_SEED",
    "MAX_USD",
    "MAX_VICTIMS_PER_YEAR",
    "MAX_YEARS",
    "Allegations",
    "BalanceUsd",
    "Band",
    "Caseworkers",
    "Children",
    "ContractTerms",
    "ContractType",
    "Costs",
    "Country",
    "Cut",
    "Dist",
    "DistBalanceUsd",
    "DistCount",
    "DistDays",
    "DistFraction",
    "DistKind",
    "DistMonths",
    "DistParam",
    "DistUsd",
    "DistYears",
    "Distribution",
    "Entity",
    "Envelope",
    "Exit",
    "FeeBasis",
    "FeeLayer",
    "Finite",
    "Formula",
    "Fraction",
    "FundingSource",
    "Host",
    "HostLines",
    "Incumbents",
    "Mechanism",
    "NonNegative",
    "Participation",
    "Payments",
    "Pledges",
    "Positive",
    "PostUsd",
    "Posts",
    "Priority",
    "Range",
    "Scenario",
    "SecretariatLine",
    "Service",
    "Shocks",
    "Simulation",
    "StandardCost",
    "StrictModel",
    "SupportYears",
    "Surge",
    "TargetRatio",
    "TodayPost",
    "Usd",
    "VictimFunding",
    "Victims",
    "Year",
    "bounded",
]
