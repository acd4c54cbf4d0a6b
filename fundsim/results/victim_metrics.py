"""The victims' window's metrics, in the order outputs list them: assistance, waits and
money, then caseworkers, children's support and its liability. Each needs the
victim-assistance window (``requires="victims"``)."""

from __future__ import annotations

from fundsim.results.metric_type import Metric

_V = "victims"

#: The victims' window's metrics, in the order outputs list them.
VICTIM_METRICS: tuple[Metric, ...] = (
    # --- victims' window (Rec 12 and 14)
    Metric(
        "victims_assisted_share",
        "victims assisted",
        "Victims who received a first service, among those "
        "who arrived early enough for their fate to be settled within the horizon.",
        "share",
        "higher",
        requires=_V,
    ),
    Metric(
        "median_wait_days",
        "median wait",
        "Median over assisted victims of the days from arrival to the first service payment.",
        "days",
        "lower",
        requires=_V,
    ),
    Metric(
        "unmet_need_usd",
        "unmet need",
        "Services of dropped cases plus child support not paid, over the horizon.",
        "USD",
        "lower",
        requires=_V,
    ),
    Metric(
        "funded_ratio",
        "funded ratio",
        "Cash of the earmarked children's account over the present value of "
        "the obligations to children (children_liability_pv_usd), at the end of the horizon; "
        "services and "
        "their reserve are held apart, so unpaid services cannot raise it.",
        "ratio",
        "higher",
        requires=_V,
    ),
    Metric(
        "victims_dropped",
        "victims dropped",
        "Victims whose case waited longer than the longest allowed "
        "wait and was closed unserved (per replication; one case per victim, so also called "
        "dropped_cases).",
        "count",
        "lower",
        requires=_V,
        aliases=("dropped_cases",),
    ),
    Metric(
        "caseworker_wait_days",
        "wait for a caseworker",
        "Mean days a case waited for a caseworker slot.",
        "days",
        "lower",
        requires=_V,
    ),
    Metric(
        "p_caseworker_wait",
        "cases that waited",
        "Share of cases that waited at all for a caseworker slot.",
        "share",
        "lower",
        requires=_V,
    ),
    Metric(
        "services_unmet_usd",
        "services unmet",
        "Services of dropped cases, not paid.",
        "USD",
        "lower",
        requires=_V,
    ),
    Metric(
        "child_support_missed_usd",
        "child support missed",
        "Child support that fell due and could not be paid.",
        "USD",
        "lower",
        requires=_V,
    ),
    Metric(
        "victims_arrived",
        "victims arrived",
        "Victims who came forward over the horizon (follows the caseload).",
        "count",
        requires=_V,
    ),
    Metric(
        "victims_assisted",
        "victims assisted (number)",
        "Victims who received a first service over the horizon (follows the caseload).",
        "count",
        requires=_V,
    ),
    Metric(
        "children_supported",
        "children supported",
        "Children born of SEA who received at least one support payment.",
        "count",
        requires=_V,
    ),
    Metric(
        "children_owed_at_end",
        "children owed support at the end",
        "Children still owed support at the end of the horizon.",
        "count",
        requires=_V,
    ),
    Metric(
        "obligations_pv_usd",
        "obligations to children, present value",
        "Present value at the end of the horizon of the support still owed to children.",
        "USD",
        requires=_V,
    ),
    Metric(
        "services_paid_usd",
        "services paid",
        "Services paid by the victims' window.",
        "USD",
        requires=_V,
    ),
    Metric(
        "partner_paid_usd",
        "services paid by partners",
        "Services of implementing partners' victims paid outside the fund.",
        "USD",
        requires=_V,
    ),
    Metric(
        "child_support_paid_usd",
        "child support paid",
        "Child support paid by the victims' window.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_opening_balance_usd",
        "victims' window: opening cash",
        "Cash of the victims' window at the start.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_inflows_usd",
        "victims' window: money in",
        "Everything the victims' window received.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_outflows_usd",
        "victims' window: money out",
        "Everything the victims' window paid out.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_closing_balance_usd",
        "victims' window: closing cash",
        "Cash of the victims' window at the end of the horizon.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_assessed_usd",
        "victims' window: assessed",
        "Contributions to the victims' window invoiced to entities.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_paid_usd",
        "victims' window: paid",
        "Contributions to the victims' window paid by entities.",
        "USD",
        requires=_V,
    ),
    Metric(
        "pledges_usd",
        "pledges received",
        "Member States' voluntary pledges received.",
        "USD",
        requires=_V,
    ),
    Metric(
        "withheld_usd",
        "withheld payments received",
        "Payments withheld from troop- and police-contributing "
        "countries in substantiated SEA cases (GA res. 70/286) and transferred to the fund.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_admin_fees_usd",
        "victims' window: administration fees",
        "Fees charged by the host on the victims' window.",
        "USD",
        requires=_V,
    ),
    Metric(
        "transfers_usd",
        "transfers from the coordinator window",
        "Surplus moved from the coordinator window into the victims' window.",
        "USD",
        requires=_V,
    ),
    Metric(
        "victim_billed_for_others_usd",
        "victims' window: billed for others' arrears",
        "What the entities "
        "were invoiced by the victims' window to make up other entities' arrears, over the horizon "
        "(zero under "
        "shortfall_policy = 'arrears').",
        "USD",
        "lower",
        requires=_V,
    ),
    # --- victims' window: caseworkers, children's support and its liability
    Metric(
        "children_liability_pv_usd",
        "children's liability, present value",
        "Present value at the end of the "
        "horizon of the support owed to the children supported, each to the latest end its policy "
        "allows, with "
        "no credit for paternity claims not yet resolved (the closing line of "
        "children_liability.csv). It "
        "follows the caseload and the support policy, so no direction is good in itself; its "
        "funding is read "
        "from the funded ratio.",
        "USD",
        requires=_V,
    ),
    Metric(
        "children_liability_at_start_usd",
        "children's liability at the decision date",
        "Present value, at the start, of the support owed to the children already supported then.",
        "USD",
        requires=_V,
    ),
    Metric(
        "pv_per_new_child_usd",
        "present value per new child",
        "Mean present value, when its support "
        "starts, of a new child's support (entry-year prices).",
        "USD",
        requires=_V,
    ),
    Metric(
        "children_account_usd",
        "children's account",
        "Cash of the earmarked children's account at the end of the horizon.",
        "USD",
        requires=_V,
    ),
    Metric(
        "children_interest_usd",
        "children's account: return",
        "What the children's account earned over "
        "the horizon (victims.children.account_return; 0 when it earns nothing).",
        "USD",
        requires=_V,
    ),
    Metric(
        "caseworker_utilisation",
        "caseworker utilisation",
        "Share of caseworker slot-time in use (neither "
        "high nor low is good in itself: high means waits, low idle cost).",
        "share",
        requires=_V,
    ),
    Metric(
        "caseworker_slots_mean",
        "caseworker slots",
        "Caseworker slots a year, mean over the horizon "
        '(with capacity = "auto" they follow the expected caseload).',
        "count",
        requires=_V,
    ),
    Metric(
        "caseworker_cost_usd",
        "caseworker cost",
        "Caseworker slots paid by the victims' window over the horizon.",
        "USD",
        requires=_V,
    ),
)
