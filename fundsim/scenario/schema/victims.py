"""The victims' window (Rec 12/14): allegations and victims, caseworkers, the assistance
package and its priority rule, children born of SEA, Member State pledges, and how the
window is funded (:class:`Victims`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from fundsim.scenario.schema.base import (
    MAX_VICTIMS_PER_YEAR,
    BalanceUsd,
    FeeRate,
    Fraction,
    NonNegative,
    Positive,
    StrictModel,
    Usd,
    Year,
    bounded,
)
from fundsim.scenario.schema.distributions import (
    DistAge,
    DistBalanceUsd,
    DistCount,
    DistDays,
    DistMonths,
    Distribution,
    DistUsd,
)
from fundsim.scenario.schema.mechanism import Formula

#: Days in a month, to turn SimPy months into days (365.25 / 12).
DAYS_PER_MONTH = 30.4375


class Surge(StrictModel):
    """A temporary rise in allegations: from ``year``, for ``years`` years, the arrival
    rate is multiplied by ``factor`` (1.5 is a 50 % surge)."""

    year: Year
    factor: Annotated[Positive, bounded(100)]
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
    ``siloed`` mechanism mode that entity pays its victims' services: every entity
    (``entity_payers = "all"``) or only the entities listed in ``entity_payers`` (those that
    fund assistance to their own victims today); the victims of the others are assisted by
    the window, from its pledges and withheld payments (today's Trust Fund).
    """

    scale: Annotated[NonNegative, bounded(1000)] = 1.0
    trend_annual: Annotated[float, Field(ge=-0.5, le=1.0)] = 0.0
    surges: tuple[Surge, ...] = ()
    victims_per_allegation: DistCount = Field(default_factory=lambda: Distribution(value=1))
    child_share: Fraction = 0.2
    ip_share: Fraction = 0.0
    ip_payer: Literal["fund", "partner"] = "fund"
    entity_key: str | None = None
    entity_payers: Literal["all"] | tuple[str, ...] = "all"


class Caseworkers(StrictModel):
    """Case-management slots: a victim's case opens with a caseworker (intake, needs
    assessment, case plan, referral and follow-up until the case closes).

    ``capacity`` is the number of cases handled at once: in the whole pool
    (``pooling = "pooled"``) or in each country (``"per_country"``). A case holds a
    slot for ``handling_days`` (days: the whole case management); cases wait for a slot
    first come, first served, and for nothing else. Services can start
    ``assessment_days`` after the case opens (never later than its close), while case
    management goes on beside them; with ``assessment_days`` unset they start only when
    the case management ends (intake before services, the first model's structure).
    ``capacity = "auto"`` sizes the slots each year to that year's expected caseload at
    ``target_utilisation`` (slots = expected cases x mean handling / 12 months /
    target, rounded up). Each slot costs ``cost_usd_year`` a year (start-year
    prices), paid monthly by the victims' window (0: caseworkers are paid elsewhere).
    """

    pooling: Literal["pooled", "per_country"] = "pooled"
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] | Literal["auto"]
    handling_days: DistDays
    assessment_days: DistDays | None = None
    cost_usd_year: Usd = 0.0  # a caseworker slot's yearly cost: no negative cost, at most MAX_USD
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


class ChildSource(StrictModel):
    """One source of allegations from which children born of SEA come: its
    ``allegations_per_year`` and the children born per allegation (``births_per_allegation``)."""

    source: Literal["peacekeeping", "agencies", "implementing_partners"]
    allegations_per_year: Annotated[NonNegative, bounded(MAX_VICTIMS_PER_YEAR)]
    births_per_allegation: Annotated[NonNegative, bounded(10)]


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
    surges). With ``sources`` (peacekeeping, agencies, implementing partners: each its
    allegations a year times its births per allegation) ``new_per_year`` is their sum (given
    beside them, it must equal it). ``discount_rate`` (real, per year) discounts the obligations
    still owed at the end of the horizon to their present value.
    """

    stock: int = Field(0, ge=0, le=1_000_000)
    stock_age_years: DistAge = Field(  # ages 0-18: support ends at 18, no age is negative
        default_factory=lambda: Distribution(dist="uniform", low=0, high=18)
    )
    new_per_year: Annotated[NonNegative, bounded(MAX_VICTIMS_PER_YEAR)] = 0.0
    support_usd_year: DistUsd = Field(  # no negative support (DistUsd: draws from 0)
        default_factory=lambda: Distribution(value=0)
    )
    paternity_success: Fraction = 0.0
    paternity_delay_months: DistMonths = Field(default_factory=lambda: Distribution(value=24))
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.03
    support_until: Literal["age_18", "paternity_resolved"] | SupportYears = "age_18"
    paternity_recovery_share: Fraction = 1.0
    funding: Literal["paygo", "prefund_at_entry"] | TargetRatio = "paygo"
    account_return: Literal["none", "interest_rate", "discount_rate"] = "none"
    sources: tuple[ChildSource, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _new_from_sources(cls, data: object) -> object:
        """``new_per_year`` from ``sources`` when they are given (a ``new_per_year`` beside
        them must be their sum, as a scenario written back out has it)."""
        if not isinstance(data, dict) or not data.get("sources"):
            return data
        total = 0.0
        for src in data["sources"]:
            row = src.model_dump() if isinstance(src, StrictModel) else src
            if isinstance(row, dict):
                total += float(row.get("allegations_per_year", 0.0)) * float(
                    row.get("births_per_allegation", 0.0)
                )
        given = data.get("new_per_year")
        if given is not None and abs(float(given) - total) > 1e-9 * max(1.0, total):
            raise ValueError(
                f"children: new_per_year {given} differs from its sources' {total:g} a year: give "
                "one"
            )
        return {**data, "new_per_year": total}


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
    admin_fee: FeeRate = 0.0  # below MAX_FEE, as the coordinator fund's
    shared_admin_fee: FeeRate | None = None  # below MAX_FEE, as the coordinator fund's
    fee_basis: Literal["receipts", "expenditure"] = "receipts"
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: BalanceUsd = 0.0
    pledges: Pledges = Field(default_factory=Pledges)


class AdvocatePost(StrictModel):
    """``count`` posts of ``role`` in the Victims' Rights Advocate function, each at the
    standard cost of ``grade`` at a duty station of ``duty_station_class`` (the scenario's
    ``[standard_costs]`` table), or at ``annual_cost_usd`` (USD a year, start-year prices)
    for a grade the table does not price (the Advocate's ASG post)."""

    role: str = Field(min_length=1)
    grade: str = Field(min_length=1)
    duty_station_class: str = Field(min_length=1)
    count: int = Field(1, ge=1, le=1000)
    annual_cost_usd: Annotated[Positive, bounded(10_000_000)] | None = None


class Advocates(StrictModel):
    """The Victims' Rights Advocate function (para 52) as part of the victims' window: the
    Advocate's office and the senior and field advocates (``posts``, costed by grade and
    duty station) plus ``office_usd_year`` of running costs (travel, communications,
    outreach; USD a year at start-year prices), paid monthly by the window with its
    caseworkers and budgeted and assessed with it. ``enabled = false``: the function is
    paid elsewhere (today: the Secretariat's budgets) and costs the window nothing."""

    enabled: bool = False
    posts: tuple[AdvocatePost, ...] = ()
    office_usd_year: Usd = 0.0


class ServiceAvailability(StrictModel):
    """One row of the existing-services table (``[victims.existing_services] file``): in
    country ``code``, whether a gender-based-violence (GBV) and a child-protection (CP)
    coordination mechanism is active (the Global Protection Cluster's areas of
    responsibility), and the share of each sector's planned humanitarian response that is
    funded (``None``: not found; the table's ``default_coverage`` then applies), with the
    row's ``source`` and ``confidence``."""

    code: str = Field(min_length=2, max_length=8)
    name: str | None = None
    gbv_coordination: bool
    cp_coordination: bool
    gbv_funding_coverage: Fraction | None = None
    cp_funding_coverage: Fraction | None = None
    source: str = Field(min_length=1)
    confidence: str = Field(min_length=1, max_length=200)


class ExistingServices(StrictModel):
    """Existing GBV and child-protection services by country (para 50): the share of a
    victim's services met outside the fund in the victim's country.

    The rule: an adult's package is met outside the fund in the share
    ``referable_share x GBV availability`` of the victim's country, a child's in the share
    ``referable_share x CP availability``; a sector's availability is its funding coverage
    (``default_coverage`` where the row gives none) where its coordination mechanism is
    active, 0 where it is not. ``referable_share``: the part of a package existing GBV and
    CP services provide (medical, psychosocial and legal care, not livelihood or school
    fees). The fund pays the rest. ``rows`` are read from ``file``."""

    file: str = Field(min_length=1)
    rows: tuple[ServiceAvailability, ...] = ()
    referable_share: Fraction = 0.0
    default_coverage: Fraction = 0.0


class Victims(StrictModel):
    """Victim assistance (Rec 12) and children born of SEA (Rec 14): a second window.

    ``windows``: ``"separate"`` funds or one fund with two windows sharing a host.
    ``transfers``: ``"coordinator_surplus"`` moves, each December, the coordinator
    window's cash above next year's planned cost plus its reserve target to this window.
    ``existing_services`` (para 50): the table of GBV and child-protection services by
    country, from which the share of each victim's services met outside the fund follows
    the victim's country (``[victims.existing_services]``); ``existing_services_share``, when
    set, overrides it with one share everywhere (none and no table: 0, the fund pays the
    whole package).
    ``advocates``: the Victims' Rights Advocate function, when the window pays it (para 52).
    """

    allegations: Allegations = Field(default_factory=Allegations)
    caseworkers: Caseworkers
    services: tuple[Service, ...] = Field(min_length=1)
    priority: Priority = Field(default_factory=Priority)
    children: Children = Field(default_factory=Children)
    funding: VictimFunding = Field(default_factory=VictimFunding)
    windows: Literal["separate", "shared_host"] = "separate"
    transfers: Literal["none", "coordinator_surplus"] = "none"
    existing_services_share: Fraction | None = None
    existing_services: ExistingServices | None = None
    advocates: Advocates = Field(default_factory=Advocates)
