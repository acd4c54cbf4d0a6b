"""The coordinator window's metrics, in the order outputs list them: the headline
(coverage, gaps), money (flows and balances), and the fund's management rules."""

from __future__ import annotations

from fundsim.results.metric_type import Metric

#: The coordinator window's metrics, in the order outputs list them.
COORDINATOR_METRICS: tuple[Metric, ...] = (
    # --- coordinators (Rec 7): the headline
    Metric(
        "p_gap",
        "probability of a funding interruption",
        "Share of replications in which a filled post "
        "was interrupted for lack of funds (lapse, declined renewal) or a salary could not be "
        "paid, at least once "
        "over the horizon (operating-cost shortfalls are reported apart).",
        "probability",
        "lower",
        column="gap",
    ),
    Metric(
        "coordinator_coverage",
        "coordinator coverage",
        "Post-months filled over post-months needed, all countries and years.",
        "share",
        "higher",
    ),
    Metric(
        "lapses",
        "post lapses",
        "Contracts not renewed, or ended, for lack of funds over the horizon (per replication).",
        "count",
        "lower",
    ),
    Metric(
        "missed_payments_usd",
        "missed payments",
        "Salaries and operating costs that fell due and could not be paid, over the horizon.",
        "USD",
        "lower",
    ),
    Metric(
        "backstop_contracts",
        "contracts on the backstop",
        "Contracts committed from the backstop fund "
        "because the post's own fund could not (per replication).",
        "count",
        "lower",
    ),
    Metric(
        "income_cv",
        "income variability",
        "Year-to-year coefficient of variation of the mechanism's "
        "contribution income (standard deviation over mean of the annual totals).",
        "ratio",
        "lower",
    ),
    Metric(
        "top3_share",
        "income from the top three",
        "Share of all contributions paid by the three largest payers (concentration risk).",
        "share",
        "lower",
    ),
    Metric(
        "posts_filled_first_year",
        "posts filled in the first year",
        "Coordinator posts filled on "
        "average over the first year (filled post-months of the first year / 12): the count of "
        "countries with "
        "a dedicated or acting coordinator that today's sourced range (10-20) checks.",
        "count",
        "higher",
    ),
    Metric(
        "grants_ended",
        "grants not renewed",
        "Grant-funded posts whose grant was not renewed at a "
        "contract end (posts paid by their lead entity; per replication).",
        "count",
        "lower",
    ),
    Metric(
        "turnovers",
        "incumbents who left",
        "Incumbents who left at a contract end, their post "
        "recruited again with its money committed (hosted posts; per replication).",
        "count",
        "lower",
    ),
    Metric(
        "lapsed_usd",
        "host money lapsed",
        "Hosts' budget-line money not committed on 31 December and "
        "lost (host_lines.carry_over = false), over the horizon.",
        "USD",
        "lower",
    ),
    # --- coordinators: money (flows and balances are neither good nor bad in themselves)
    Metric(
        "closing_balance_usd",
        "closing cash",
        "Cash of the coordinator mechanism at the end of the horizon, committed or not.",
        "USD",
    ),
    Metric(
        "opening_balance_usd",
        "opening cash",
        "Cash of the coordinator mechanism at the start.",
        "USD",
    ),
    Metric(
        "inflows_usd",
        "money in",
        "Everything the coordinator mechanism received over the horizon.",
        "USD",
    ),
    Metric(
        "outflows_usd",
        "money out",
        "Everything the coordinator mechanism paid out over the horizon.",
        "USD",
    ),
    Metric(
        "assessed_usd", "assessed", "Contributions invoiced to entities over the horizon.", "USD"
    ),
    Metric("paid_usd", "paid", "Contributions entities paid over the horizon.", "USD"),
    Metric(
        "admin_fees_usd",
        "administration fees",
        "Fees charged by the host over the horizon (on receipts "
        "as they arrive, and on expenditure as it is paid).",
        "USD",
    ),
    Metric(
        "secretariat_cost_usd",
        "secretariat cost",
        "The host's secretariat and common-service lines paid by the pooled fund over the horizon.",
        "USD",
        requires="host",
    ),
    Metric(
        "secretariat_missed_usd",
        "secretariat lines missed",
        "Secretariat lines that fell due and could not be paid, over the horizon.",
        "USD",
        "lower",
        requires="host",
    ),
    # --- coordinators: headline metrics of the fund's management rules
    Metric(
        "funding_lost_share",
        "post-months lost to funding",
        "Post-months vacant or lapsed for lack of "
        "funds (recruitment lags after a funded start excluded) over post-months needed.",
        "share",
        "lower",
    ),
    Metric(
        "interruptions_per_post_year",
        "interruptions per post-year",
        "Funding interruptions of a post, per post-year needed.",
        "rate",
        "lower",
    ),
    Metric(
        "p_tier1_interrupted",
        "probability a tier-1 post is interrupted",
        "Share of replications in which "
        "any tier-1 post is interrupted for lack of funds over the horizon.",
        "probability",
        "lower",
        column="tier1_interrupted",
    ),
    Metric(
        "liquidity_at_risk_usd",
        "liquidity at risk",
        "Peak pre-financing needed over the horizon (the "
        "host's outstanding advances plus any committed salary left uncovered) in one replication; "
        "the "
        "liquidity at risk is the p95 of this column across replications.",
        "USD",
        "lower",
        column="peak_liquidity_need_usd",
    ),
    Metric(
        "invoice_cv",
        "invoice variability",
        "Year-to-year coefficient of variation of each entity's bill "
        "(across the years it is billed), mean across entities.",
        "ratio",
        "lower",
    ),
    Metric(
        "max_bill_change",
        "largest bill change",
        "The largest year-on-year change, rise or fall, of an "
        "entity's coordinator bill as a share of its previous year's bill, over the entities "
        "billed both years "
        "(the p95 across replications is what a finance officer plans for; max_bill_change_entity "
        "says whose).",
        "ratio",
        "lower",
    ),
    Metric(
        "max_bill_change_entity",
        "entity with the largest bill change",
        "Position (from 0, in the "
        "entities table's order) of the entity whose bill changed most in the replication (-1: "
        "none billed two "
        "years running); read its most frequent value.",
        "count",
    ),
    Metric(
        "billed_for_others_usd",
        "billed for others' arrears",
        "What the entities were invoiced by the "
        "coordinator fund to make up other entities' arrears, over the horizon (zero under "
        "shortfall_policy = "
        "'arrears').",
        "USD",
        "lower",
    ),
    Metric(
        "arrears_written_off_usd",
        "arrears written off",
        "Receivables of the coordinator fund older than "
        "arrears_write_off_years written off, net of later recoveries, over the horizon.",
        "USD",
        "lower",
    ),
    Metric(
        "operating_shortfall_usd",
        "operating shortfall",
        "Operating costs that fell due and could not be paid, over the horizon.",
        "USD",
        "lower",
    ),
)
