"""The fund's organisation and its host: the cost-sharing formula, the budget rule and
reserve (:class:`Mechanism`), and who administers the pooled coordinator fund and what that
costs (:class:`Host`: fee stack, secretariat lines, pre-financing)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from fundsim.scenario.presets import expand_preset
from fundsim.scenario.schema.base import (
    BalanceUsd,
    FeeRate,
    Fraction,
    NonNegative,
    PostUsd,
    StrictModel,
    Usd,
    bounded,
)
from fundsim.scenario.vocabulary import FormulaKind, FormulaPreset


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

    # no negative envelope; at most a year's pledges (MAX_BALANCE_USD), so cents never overflow
    usd_per_year: BalanceUsd
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
    admin_fee: FeeRate = 0.0  # below MAX_FEE: a fee near 1 grosses invoices up without bound
    #: What ``admin_fee`` is charged on: each contribution as it arrives (``receipts``, today's
    #: rule), or salaries, operating and secretariat costs as the fund pays them (``expenditure``,
    #: the Secretariat trust funds' rule). A ``[host]`` fee stack replaces both.
    fee_basis: FeeBasis = "receipts"
    interest_rate_annual: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0
    reserve_target_months: Annotated[float, Field(ge=0.0, le=60.0)] = 0.0
    opening_balance_usd: BalanceUsd = 0.0
    formula: Formula = Field(default_factory=lambda: Formula(kind="equal"))
    #: Fund management. Defaults are the first model's rules; the shipped baseline
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
    # : ASSUMPTION: 5 % of a year's invoices are not collected within the year (RC cost-share lost
    # 3.2 % in 2019).
    collection_haircut: Fraction = 0.05
    #: How expected collections are judged: the same haircut for every entity (``fixed``), or
    #: each entity at its previous year's collection rate, at most one less the haircut
    #: (``record``), so that an entity that cut its payment is not counted on in full again.
    collection_basis: Literal["fixed", "record"] = "fixed"
    #: Cash the host advances when a committed salary falls due and cash is short (USD).
    prefinancing_limit_usd: BalanceUsd = (
        0.0  # an advance is no more than a year's pledges (MAX_BALANCE_USD)
    )
    #: Managed cuts at each review when resources fall short, in this order; empty: no review.
    shortfall_order: list[Literal["freeze_vacant", "decline_renewals"]] = Field(
        default_factory=list
    )
    #: Months of the year (0 = January) of the reviews: 11 = the December budget decision.
    review_months: list[Annotated[int, Field(ge=0, le=11)]] = Field(default_factory=lambda: [11, 5])
    #: Who bears an unpaid or cut contribution: the entity itself (``arrears``: its
    #: receivable, aged, counted as the fund's asset by the budget rule, billed to nobody
    #: else) or everyone (``reapportion``: the next budget bills the shortfall to all by
    #: their shares, the first model's rule). Both windows.
    shortfall_policy: Literal["arrears", "reapportion"] = "arrears"
    #: Receivables older than this many years are written off at a year end (the fund's
    #: loss, which the next budget replenishes); None: never (arrears stay due).
    arrears_write_off_years: int | None = Field(None, ge=1, le=50)
    #: What the coordinator budget nets: the fund's ``cash`` (and, under ``arrears``, its
    #: arrears), or the ``plan``'s position (the approved budgets as if paid in full less
    #: the planned spending and the arrears written off): the bills follow the plan, and the
    #: realised surplus or deficit stays with the fund's reserve and its managed cuts.
    budget_reference: Literal["cash", "plan"] = "cash"
    #: Budget periods over which a surplus beyond the reserve target is credited (1: the next).
    surplus_credit_periods: int = Field(1, ge=1, le=5)


class FeeLayer(StrictModel):
    """One layer of a host's fee stack: ``rate`` (a fraction) on ``basis`` (``receipts``:
    the deposits, as each contribution arrives; ``expenditure``: salaries, operating and
    secretariat costs, as the fund pays them)."""

    name: str = Field(min_length=1, max_length=80)
    rate: FeeRate  # each layer below MAX_FEE; their sum on one basis too (cross references)
    basis: FeeBasis = "receipts"


class SecretariatLine(StrictModel):
    """A fixed cost line of the fund's secretariat or a common service, paid by the
    coordinator fund each month: ``posts`` (how many, for the annex; 0 for a non-post
    line, e.g. audit), ``grade`` (a label), ``usd_per_year`` the whole line's cost in
    start-year prices (indexed like the posts' costs)."""

    name: str = Field(min_length=1, max_length=80)
    grade: str = Field("", max_length=40)
    posts: Annotated[NonNegative, bounded(1000.0)] = 0.0
    usd_per_year: PostUsd


class Host(StrictModel):
    """Who administers the pooled coordinator fund, and what that costs.

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
