"""The coordinator window's arrangement under the mechanism's mode, decided once.

The mode (``pooled``, ``siloed``, ``hybrid``, with or without today's lead entities'
lines and incumbents) decides which funds exist, which fund pays each post, whether the
pooled fund has commitment authority and pre-financing, where the money for today's
incumbents sits, whether lines lapse at year end, and whether the fund reviews its
posts. :func:`arrange` reads all of it from the scenario into an :class:`Arrangement`,
which the window's builder (:mod:`fundsim.model.coordinator_window`) and the
:class:`~fundsim.model.coordinator_fund.CoordinatorFund` read; no other module branches
on the mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.model.lead_entities import LeadTerms, lead_terms, support_rates
from fundsim.model.static import StaticData
from fundsim.scenario.host import prefinancing_limit_usd, secretariat_usd_per_year
from fundsim.scenario.schema import Scenario

#: Ledger accounts of every coordinator window. ``coordinator_fund`` is the fund's cash;
#: the others are outside it.
ACCOUNTS = (
    "coordinator_fund",
    "contributions",
    "interest",
    "salaries",
    "operating",
    "admin_fees",
    "opening",
)


@dataclass(frozen=True)
class Arrangement:
    """How the coordinator window is arranged in one scenario (the same in every replication).

    ``lead_entities``: the entities with their own budget line for the posts they host
    (siloed and hybrid modes; empty when pooled); ``post_lines``: the line paying each
    post, in the countries' order ('' for the pooled fund); ``incumbents``: where the
    money for today's incumbents sits (``"none"``: no incumbents; ``"own_line"``: their
    lead entity's line; ``"held"``: account ``incumbents``, paid out to each contract's
    end; ``"at_once"``: passed into the pooled fund, which takes them over).
    """

    mode: str
    terms: LeadTerms | None  # per-post terms of today's lead entities, None for the posts' own
    lead_entities: tuple[str, ...]
    post_lines: tuple[str, ...]
    backstop: bool  # hybrid: the pooled fund takes a contract a line cannot commit
    on_lead_terms: bool  # posts on their lead entities' terms (contract type, grants, turnover)
    contract_months: int | None  # a line's contract length, None for the posts' own
    incumbents: str
    lapse_lines: bool  # lines' uncommitted money lapses at year end
    liquidity: bool  # pooled fund with commitment authority on receivables or pre-financing
    authority: bool  # commitment authority on receivables
    prefinancing_usd: float
    secretariat_usd: float  # the host's secretariat lines, USD a year at start-year prices
    host_named: bool  # the scenario has a ``[host]`` table (its metrics are reported)
    review_steps: tuple[str, ...]
    review_months: frozenset[int]
    support: tuple[float, ...]  # each entity's support cost on its own line (fraction)

    @property
    def accounts(self) -> tuple[str, ...]:
        """The window's ledger accounts that come first (the lines' after the common ones).
        A lead entity's line keeps the account name ``host:<entity>``: the audit journal and
        the statements name accounts so on disk."""
        return (*ACCOUNTS, *(f"host:{h}" for h in self.lead_entities))

    @property
    def extra_accounts(self) -> tuple[str, ...]:
        """The window's accounts that come after the victims' window's, where used."""
        extra: tuple[str, ...] = ("prefinancing",) if self.liquidity else ()
        extra += ("incumbents",) if self.incumbents in ("held", "at_once") else ()
        extra += ("lapsed",) if self.lapse_lines else ()
        extra += ("secretariat",) if self.secretariat_usd else ()
        return extra


def window_secretariat_usd(scenario: Scenario) -> float:
    """The host's secretariat lines the coordinator window pays (USD a year at start-year
    prices): the pooled fund pays them; a lead entity's own line does not."""
    return secretariat_usd_per_year(scenario) if scenario.mechanism.mode == "pooled" else 0.0


def arrange(scenario: Scenario, static: StaticData) -> Arrangement:
    """The coordinator window's :class:`Arrangement` for ``scenario``: every choice the
    mechanism's mode makes, in one place."""
    mechanism, lines = scenario.mechanism, scenario.host_lines
    mode = mechanism.mode
    pooled = mode == "pooled"
    terms: LeadTerms | None = (
        static.derived("lead_terms", lead_terms)
        if scenario.incumbents is not None
        or lines.contracts
        or lines.grant_renewal_probability < 1
        or lines.pooled_fund_renewal_probability < 1
        else None
    )
    if pooled:
        leads: tuple[str, ...] = ()
        post_lines = ("",) * len(scenario.countries)
    elif terms is not None:
        # A post no lead entity budgets for has no line: it never commits
        # (``Coordinators.unfunded``).
        leads = tuple(dict.fromkeys(lead for lead in terms.lead if lead))
        post_lines = terms.lead
    else:
        leads = static.lead_entities
        post_lines = tuple(c.lead_entity for c in scenario.countries)
    any_incumbent = terms is not None and terms.any_incumbent
    if not any_incumbent:
        incumbents = "none"
    elif not pooled:
        incumbents = "own_line"
    elif scenario.incumbents is not None and scenario.incumbents.transition == "at_once":
        incumbents = "at_once"
    else:
        incumbents = "held"
    prefinancing = prefinancing_limit_usd(scenario)
    authority = pooled and mechanism.commitment_basis == "receivables"
    steps = tuple(mechanism.shortfall_order) if pooled else ()
    return Arrangement(
        mode=mode,
        terms=terms,
        lead_entities=leads,
        post_lines=post_lines,
        backstop=mode == "hybrid",
        on_lead_terms=terms is not None and not pooled,
        contract_months=mechanism.siloed_contract_months if not pooled else None,
        incumbents=incumbents,
        lapse_lines=not lines.carry_over and not pooled,
        liquidity=authority or (pooled and prefinancing > 0),
        authority=authority,
        prefinancing_usd=prefinancing,
        secretariat_usd=window_secretariat_usd(scenario),
        host_named=scenario.host is not None,
        review_steps=steps,
        review_months=frozenset(mechanism.review_months) if steps else frozenset(),
        support=tuple(support_rates(scenario)) if not pooled else (0.0,) * len(scenario.entities),
    )
