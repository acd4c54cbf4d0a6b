"""Expected collections judged by each entity's record (``mechanism.collection_basis``)."""

from __future__ import annotations

import numpy as np

from fundsim.model.contributors import Contributors


def _contributors_with(invoiced: list[list[int]], received: list[list[int]]) -> Contributors:
    """A Contributors whose invoices and receipts by budget year are set by hand (cents)."""
    c = Contributors.__new__(Contributors)
    n, years = len(invoiced), len(invoiced[0])
    c.assessed = np.zeros((n, years), dtype=np.int64)
    c.invoiced = np.array(invoiced, dtype=np.int64)
    c._received_for = np.array(received, dtype=np.int64)
    c.lost = np.zeros((n, years), dtype=np.int64)
    c.active = np.ones(n, dtype=bool)
    c._any_written_off = False
    return c


def test_an_entity_that_paid_80_percent_last_year_is_expected_to_pay_80_percent_now() -> None:
    c = _contributors_with(invoiced=[[1000, 1000], [1000, 1000]], received=[[800, 0], [1000, 0]])
    # Entity 0 paid 80 % of last year's bill; entity 1 all of it, capped at 1 - haircut = 95 %.
    assert c.expected_cents(1, 0.95) == 800 + 950


def test_the_first_year_and_an_entity_never_billed_use_the_ceiling() -> None:
    c = _contributors_with(invoiced=[[1000, 1000], [0, 1000]], received=[[0, 0], [0, 0]])
    assert (
        c.expected_cents(0, 0.95) == 950
    )  # no record yet: one less the haircut (entity 1 owes nothing)
    assert c.expected_cents(1, 0.95) == 0 + 950  # entity 0 paid nothing of last year's bill


def test_entities_that_left_are_not_counted_on() -> None:
    c = _contributors_with(invoiced=[[1000, 1000], [1000, 1000]], received=[[1000, 0], [1000, 0]])
    c.active[1] = False
    assert c.expected_cents(1, 0.95) == 950


def test_under_a_permanent_cut_the_record_rule_cuts_posts_before_the_payroll() -> None:
    from pathlib import Path

    import fundsim
    from fundsim.scenario.overrides import with_overrides

    cut = fundsim.load_scenario(
        Path(__file__).resolve().parents[2] / "scenarios" / "cut_voluntary_2027.toml"
    )
    fixed = fundsim.run(cut, reps=12, seed=3, workers=1).replications
    record = fundsim.run(
        with_overrides(cut, {"mechanism.collection_basis": "record"}), reps=12, seed=3, workers=1
    ).replications
    assert fixed["missed_payments_usd"].sum() > 0  # the fixed haircut misses salaries here
    assert (record["missed_payments_usd"] == 0).all()
    assert (record["tier1_interrupted"] == 0).all()
    assert record["lapses"].mean() > fixed["lapses"].mean()  # the price: more managed cuts
