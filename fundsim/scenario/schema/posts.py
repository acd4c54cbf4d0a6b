"""Coordinator posts and what they cost: the posts' terms (:class:`Posts`), cost inflation,
the standard-cost table by grade and duty station, today's posts (:class:`Incumbents`) and
how the entities hosting posts today budget for them (:class:`HostLines`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

from pydantic import Field, model_validator

from fundsim.scenario.schema.base import (
    MAX_COUNTRIES,
    MAX_POST_USD,
    FeeRate,
    Fraction,
    Positive,
    PostUsd,
    StrictModel,
    bounded,
)
from fundsim.scenario.schema.distributions import DistMonths, Distribution


class Posts(StrictModel):
    """Inter-agency PSEA coordinator posts (Rec 7): one per priority country.

    ``contract_alignment``: ``rolling`` contracts run from the fill date (the first model);
    under ``budget_year`` a first contract runs to 31 December and renewals fall on
    1 January for 12 months. ``bridge_months``: before a post whose renewal cannot be
    committed lapses, it is extended one month at a time while the fund can commit that
    month, at most this many times, the full renewal retried at each step.
    """

    annual_cost_usd: Annotated[Positive, bounded(MAX_POST_USD)]
    operating_cost_usd: PostUsd = 0.0
    contract_months: int = Field(12, ge=1, le=60)
    recruitment_lag_months: DistMonths = Field(default_factory=lambda: Distribution(value=4))
    renewal_rule: Literal["whole_contract", "months"] = "whole_contract"
    renewal_commit_months: int = Field(6, ge=1, le=60)
    restart_wait_months: int = Field(0, ge=0, le=60)
    #: ``rolling``: contracts run from the fill date (today); ``budget_year``: a first contract
    #: runs to 31 December and renewals fall on 1 January for 12 months.
    contract_alignment: Literal["rolling", "budget_year"] = "rolling"
    # : One-month extensions, at most this many, before a post whose renewal cannot be committed
    # lapses.
    bridge_months: int = Field(0, ge=0, le=3)
    #: ``flat``: every post costs ``annual_cost_usd`` (today); ``standard_costs``: each post
    #: costs the standard cost of its grade and duty-station class (``[standard_costs]``), and
    #: ``annual_cost_usd`` is not used for salaries.
    costing: Literal["flat", "standard_costs"] = "flat"
    #: Grade mix: grade -> share of the posts, given in priority order (risk tier first): the
    #: first grade takes the highest-priority posts, and so on; the posts left over (shares
    #: summing below 1) keep their grade in the countries table. Empty: the table's grades.
    grade_mix: dict[str, Fraction] = Field(default_factory=dict)
    #: The share of post-months the budget expects vacant each year (turnover, recruitment):
    #: the budget rule and the annex plan the posts' cost less this share.
    vacancy_factor: Annotated[float, Field(ge=0.0, le=0.9)] = 0.0
    #: A new fund plans its first year from the expected recruitment lag (each post filled
    #: ``12 - lag`` months); the first year's vacancies build the reserve first.
    phased_recruitment: bool = False

    @model_validator(mode="after")
    def _mix_sums(self) -> Posts:
        total = sum(self.grade_mix.values())
        if total > 1 + 1e-9:
            raise ValueError(f"grade_mix: shares sum to {total:g}, above 1")
        return self

    def grades_after_mix(self, table_grades: Sequence[str], risk_tiers: Sequence[int]) -> list[str]:
        """Each post's grade (countries in file order) after ``grade_mix``, from the countries
        table's ``table_grades`` and ``risk_tiers``.

        A mix's grade takes ``round(cumulative share x posts)`` posts in priority order minus
        what the grades before it took, so the counts always add up to the mix's total."""
        return mix_grades(table_grades, risk_tiers, self.grade_mix)


def funding_order(risk_tiers: Sequence[int]) -> list[int]:
    """Indices of the countries in the order their posts are funded: risk tier first, then
    file order (the model's ``StaticData.post_order``)."""
    return sorted(range(len(risk_tiers)), key=lambda i: (risk_tiers[i], i))


def mix_grades(
    table_grades: Sequence[str], risk_tiers: Sequence[int], mix: Mapping[str, float]
) -> list[str]:
    """The grades of the posts (file order) after a grade ``mix`` (grade -> share of the
    posts), taken in :func:`funding_order`; posts beyond the mix's total keep their table
    grade."""
    grades = list(table_grades)
    if not mix:
        return grades
    order = funding_order(risk_tiers)
    n = len(order)
    start, cumulative = 0, 0.0
    for grade, share in mix.items():
        cumulative += share
        end = min(n, round(cumulative * n))
        for i in order[start:end]:
            grades[i] = grade
        start = max(start, end)
    return grades


class StandardCost(StrictModel):
    """One row of the standard-cost table (``[standard_costs] file``): the fully loaded
    annual cost of a post of ``grade`` at a duty station of ``duty_station_class``, USD a
    year at start-year prices (salary, post adjustment, allowances, pension, insurance)."""

    grade: str = Field(min_length=1)
    duty_station_class: str = Field(min_length=1)
    annual_cost_usd: Annotated[Positive, bounded(MAX_POST_USD)]
    source: str = Field(min_length=1)


class Costs(StrictModel):
    """Cost inflation applied to posts and operating costs (per year)."""

    inflation_annual: Annotated[float, Field(ge=-0.2, le=0.5)] = 0.0
    inflation_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0


# --------------------------------------------------------------------------- today's posts and
# their hosts' money

ContractType = Literal["temporary_appointment", "fixed_term", "consultant", "surge"]
FundingSource = Literal["host_core", "project_grant", "pooled_humanitarian_fund"]


class ContractTerms(StrictModel):
    """The terms of one contract type while a host employs the coordinator: its length
    (``months``), its salary as a multiple of ``posts.annual_cost_usd`` (``cost_factor``;
    operating costs unchanged) and the probability that the incumbent leaves at the end of
    a contract even when it is renewed (``turnover``: the post is recruited again, with the
    recruitment lag, its money still committed)."""

    months: int = Field(12, ge=1, le=60)
    cost_factor: Annotated[Positive, bounded(3.0)] = 1.0
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
    support_cost_agency: FeeRate = 0.0  # a host's support cost is a fee: below MAX_FEE
    support_cost_secretariat: FeeRate = 0.0  # as above
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
    contract_end_month: int | None = Field(
        None, ge=1, le=12
    )  # a month of 2026: 1 (January) to 12 (December)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> TodayPost:
        if self.coordinator_today != "none" and not (
            self.host_entity
            and self.contract_type
            and self.funding_source
            and self.contract_end_month
        ):
            raise ValueError(
                "a post filled today needs host_entity, contract_type, funding_source and "
                "contract_end_month"
            )
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
