"""Each coordinator post's lead entity outside a pooled fund, and on what terms.

The *lead entity* of a post is the entity that hosts it on its own budget line; "host"
alone, in fundsim, is the agency that runs the pooled fund (:mod:`fundsim.scenario.host`).
Today no standing fund pays the inter-agency PSEA coordinators: each post is led by one
agency (or a resident coordinator's office) on its own budget line, on a temporary
appointment, a fixed-term contract, a surge deployment or a consultancy, paid from the
lead entity's core budget, a project grant or a pooled humanitarian fund.
:func:`lead_terms` reads the scenario's ``incumbents`` table (today's posts) and
``host_lines`` section into per-post terms the coordinators use (plain lists in the
countries' order), computed once per scenario; :func:`support_rates` gives each entity's
programme support cost on its line. (The scenario's keys and the ledger accounts of the
lines, ``host:<entity>``, keep their names: they are the scenario format and the audit
journal's and statements' account names.)

Without an ``incumbents`` table and with the default ``host_lines`` every post is led by
its country's lead entity on the posts' own terms and no post is filled at the start: the
first model's siloed mode, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundsim.scenario.schema import Scenario


@dataclass(frozen=True)
class LeadTerms:
    """Per-post hosting terms, one entry per country in the countries' order.

    ``lead``: the lead entity whose line pays the post outside a pooled fund ('' when no
    entity budgets for it: the post stays vacant, unless a pooled reserve takes it);
    ``contract_months``, ``cost_factor`` (salary as a multiple of the posts' annual cost),
    ``turnover`` (probability the incumbent leaves at a contract end): the terms of the
    post's contract type, None for the posts' own; ``renewal_probability``: the chance the
    money behind the post is there again at each contract end (a grant renewed), 1 for the
    lead entity's core budget; ``incumbent_end``: the month (from the start) at which the contract
    of the coordinator in post today ends, 0 where the post is vacant at the start.
    """

    lead: tuple[str, ...]
    contract_months: tuple[int, ...] | None
    cost_factor: tuple[float, ...] | None
    turnover: tuple[float, ...] | None
    renewal_probability: tuple[float, ...] | None
    incumbent_end: tuple[int, ...]

    @property
    def any_incumbent(self) -> bool:
        return any(self.incumbent_end)

    def posts_weight(self, entity: str, post_cost_usd: float, annual_cost_usd: float) -> float:
        """The posts ``entity`` leads, in units of a standard post's cost (salary at each
        post's cost factor, plus operating costs): what its line must budget for."""
        total = 0.0
        for i, lead in enumerate(self.lead):
            if lead == entity:
                factor = 1.0 if self.cost_factor is None else self.cost_factor[i]
                total += (post_cost_usd + annual_cost_usd * (factor - 1.0)) / post_cost_usd
        return total


def lead_terms(scenario: Scenario) -> LeadTerms:
    """The per-post terms of ``scenario``'s lead entities (see :class:`LeadTerms`)."""
    countries = scenario.countries
    lines = scenario.host_lines
    inc = scenario.incumbents
    today = {p.code: p for p in inc.posts} if inc is not None else {}
    default = scenario.mechanism.siloed_contract_months or scenario.posts.contract_months
    lead, months, factor, turnover, renew, end = [], [], [], [], [], []
    renewal_by_source = {
        "host_core": 1.0,
        "project_grant": lines.grant_renewal_probability,
        "pooled_humanitarian_fund": lines.pooled_fund_renewal_probability,
    }
    for c in countries:
        post = today.get(c.code)
        filled = post is not None and post.coordinator_today != "none"
        if filled:
            assert (
                post is not None
                and post.contract_type is not None
                and post.funding_source is not None
            )
            lead.append(post.host_entity)
            terms = lines.contracts.get(post.contract_type)
            months.append(terms.months if terms else default)
            factor.append(terms.cost_factor if terms else 1.0)
            turnover.append(terms.turnover if terms else 0.0)
            renew.append(renewal_by_source[post.funding_source])
            end.append(int(post.contract_end_month or 0))
        else:
            unfunded = inc is not None and lines.vacant_countries == "unfunded"
            lead.append("" if unfunded else c.lead_entity)
            months.append(default)
            factor.append(1.0)
            turnover.append(0.0)
            renew.append(1.0)
            end.append(0)
    return LeadTerms(
        lead=tuple(lead),
        contract_months=tuple(months) if any(m != default for m in months) else None,
        cost_factor=tuple(factor) if any(f != 1.0 for f in factor) else None,
        turnover=tuple(turnover) if any(turnover) else None,
        renewal_probability=tuple(renew) if any(p < 1.0 for p in renew) else None,
        incumbent_end=tuple(end),
    )


def support_rates(scenario: Scenario) -> list[float]:
    """Each entity's programme support cost on what its own line spends (a fraction of the
    direct cost): the Secretariat's rate for entities in ``host_lines.secretariat_group``,
    the agencies' rate for the others."""
    lines = scenario.host_lines
    return [
        lines.support_cost_secretariat
        if lines.secretariat_group in e.groups
        else lines.support_cost_agency
        for e in scenario.entities
    ]
