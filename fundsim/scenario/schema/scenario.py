"""The root of the scenario schema: :class:`Scenario` (everything one run needs), the
horizon (:class:`Simulation`), the entities and countries tables, and the ranges of
``[uncertainties]``; cross-field limits are checked here.

A scenario file (TOML) is loaded by :mod:`fundsim.scenario.loader` into a
:class:`Scenario`. Units are in the field names: ``_usd`` is US dollars,
``_months`` is months, fractions are in [0, 1] and rates are per year unless
the name says otherwise. Unknown keys are rejected; every number must be finite.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from fundsim.scenario.schema.base import (
    MAX_ALLEGATIONS_PER_YEAR,
    MAX_COUNTRIES,
    MAX_ENTITIES,
    MAX_INFLATION_GROWTH,
    MAX_REPLICATIONS,
    MAX_SEED,
    MAX_VICTIMS_PER_YEAR,
    MAX_YEARS,
    Finite,
    Fraction,
    NonNegative,
    StrictModel,
    Year,
    bounded,
)
from fundsim.scenario.schema.mechanism import Host, Mechanism
from fundsim.scenario.schema.posts import Costs, HostLines, Incumbents, Posts, StandardCost
from fundsim.scenario.schema.shocks import Cut, Exit, Participation, Payments, Shocks
from fundsim.scenario.schema.victims import Victims


class Entity(StrictModel):
    """A UN entity that shares the cost (one row of the entities CSV).

    ``keys`` holds every numeric column (``expenses_usd``, ``personnel``,
    ``hrp_expenses_usd``...), usable as a cost-sharing key by name.
    """

    name: str = Field(min_length=1)
    full_name: str = ""
    voluntary_share: Fraction
    #: a key is only ever a weight; 1e15 keeps sums of a thousand entities finite and exact enough
    keys: dict[str, Annotated[NonNegative, bounded(1e15)]]
    groups: tuple[str, ...] = ()
    fiscal_year_start_month: int = Field(
        1,
        ge=1,
        le=12,
        description="first month of the entity's fiscal year (7: July-June, as peacekeeping)",
    )
    source: str = Field(min_length=1)


class Country(StrictModel):
    """A priority country that needs an inter-agency PSEA coordinator (one CSV row)."""

    code: str = Field(min_length=1)
    name: str = ""
    risk_tier: int = Field(ge=1, le=5, description="1 is the highest risk; funded first")
    lead_entity: str = ""
    entities: tuple[str, ...] = ()
    allegations_per_year: Annotated[NonNegative, bounded(MAX_ALLEGATIONS_PER_YEAR)] = 0.0
    #: The coordinator post's grade (``P-5``, ``P-4``, ``P-3``, ``NO``, ``consultant``) and the
    #: ICSC hardship class of its duty station (``H``, ``A``-``E``): read under
    #: ``posts.costing = "standard_costs"`` (and counted in the budget annex's staffing table).
    grade: str = ""
    duty_station_class: str = ""
    source: str = Field(min_length=1)


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

    #: Optional in a file: the loader names a scenario without one after its file (the
    #: file's name without ``.toml``), so the reference says so rather than "required".
    name: str = Field(
        min_length=1, json_schema_extra={"default_doc": "the file's name without .toml"}
    )
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
    host_lines: HostLines = Field(
        default_factory=HostLines
    )  # the budget lines of the entities hosting posts today
    incumbents: Incumbents | None = None  # today's posts at the start; none: every post vacant
    victims: Victims | None = None  # victim assistance window (Rec 12/14); none: coordinators only
    #: Standard costs by grade and duty-station class (``[standard_costs] file``), read when
    #: ``posts.costing = "standard_costs"``; empty otherwise.
    standard_costs: tuple[StandardCost, ...] = ()
    host: Host | None = (
        None  # who administers the coordinator fund (fees, secretariat); none: mechanism.admin_fee
    )
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
    def _standard_costs_cover_advocates(self) -> Scenario:
        """The Victims' Rights Advocate posts, when the window pays them, have a standard cost."""
        if self.victims is None or not self.victims.advocates.enabled:
            return self
        table = {(r.grade, r.duty_station_class) for r in self.standard_costs}
        for post in self.victims.advocates.posts:
            if post.annual_cost_usd is None and (post.grade, post.duty_station_class) not in table:
                raise ValueError(
                    f"victims.advocates: post '{post.role}' ({post.grade} at class "
                    f"{post.duty_station_class}) "
                    "has no standard cost: add the row to the [standard_costs] table (file = "
                    '"x.csv") '
                    "or give the post its annual_cost_usd"
                )
        return self

    @model_validator(mode="after")
    def _standard_costs_cover_posts(self) -> Scenario:
        """Under standard costing, every post's grade and duty-station class has a cost."""
        if self.posts.costing != "standard_costs":
            return self
        if not self.standard_costs:
            raise ValueError(
                'posts.costing = "standard_costs" needs a [standard_costs] table (file = "x.csv")'
            )
        grades = self.posts.grades_after_mix(
            [c.grade for c in self.countries], [c.risk_tier for c in self.countries]
        )
        table = {(r.grade, r.duty_station_class) for r in self.standard_costs}
        for country, grade in zip(self.countries, grades, strict=True):
            if (grade, country.duty_station_class) not in table:
                raise ValueError(
                    f"posts.costing: country {country.code} has grade '{grade or '(none)'}' at "
                    "duty-station "
                    f"class '{country.duty_station_class or '(none)'}', which the standard-cost "
                    "table does not cost"
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
            f"{self.name}: {mech.mode}{formula}, {len(self.entities)} entities, "
            f"{len(self.countries)} countries"
            f"{victims}, {sim.start_year}-{sim.end_year}, {sim.replications} replications, seed "
            f"{sim.seed}"
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
