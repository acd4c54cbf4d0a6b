"""Who pays: exits, cuts, opt-outs, and the shares recomputed among those who remain."""

from __future__ import annotations

import numpy as np
import pytest
from builders import deterministic_dict

from fundsim.model import simulate
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import scenario_from_dict


def _run(**changes):
    raw = deterministic_dict(fee=0.0, reserve_months=3.0)
    raw["mechanism"]["formula"] = {"kind": "proportional", "key": "expenses_usd"}
    raw.update(changes)
    return simulate(scenario_from_dict(raw), Streams(replication_seed(3, 0)))


def test_largest_contributor_leaving_shifts_its_share_to_the_others() -> None:
    r = _run(exits=[{"entity": "largest", "year": 2027}])
    # Expenses 5.0, 3.0, 1.5, 0.5 bn: A pays half, then nothing from 2027.
    assert r.shares[:, 0] == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert r.shares[:, 1] == pytest.approx([0.0, 0.6, 0.3, 0.1])
    assert r.assessed_cents[0, 1:].sum() == 0
    assert r.shares[:, 2].sum() == pytest.approx(1.0)


def test_a_scheduled_cut_reduces_what_is_paid_not_what_is_assessed() -> None:
    r = _run(cuts=[{"year": 2027, "entity": "B", "fraction": 0.25, "years": 1}])
    assessed, paid = r.assessed_cents, r.paid_cents
    assert paid[1, 1] == round(assessed[1, 1] * 0.75)
    assert paid[1, 2] == assessed[1, 2]  # the cut lasted one year
    assert (paid[[0, 2, 3], 1] == assessed[[0, 2, 3], 1]).all()


def test_entity_above_its_tolerated_share_opts_out() -> None:
    # Tolerance 0.55: B's 0.3 is fine, A's 0.5 too; with 0.45 A leaves, B's share then
    # becomes 0.6 and it leaves as well, then C (0.75): the cascade ends with D alone.
    assert (_run(participation={"max_share": 0.55}).shares > 0).all()
    r = _run(participation={"max_share": 0.45})
    assert (r.shares[:3] == 0).all()
    assert r.shares[3] == pytest.approx(np.ones(3))


def test_opt_out_keeps_the_rest_when_they_stay_under_the_tolerance() -> None:
    r = _run(participation={"max_share": 0.62})
    # A (0.5) stays; nobody exceeds 0.62.
    assert r.shares[:, 0] == pytest.approx([0.5, 0.3, 0.15, 0.05])
    assert r.shares[:, 2] == pytest.approx([0.5, 0.3, 0.15, 0.05])


def test_entity_leaves_after_a_deep_cut_and_does_not_come_back() -> None:
    r = _run(
        cuts=[{"year": 2027, "entity": "C", "fraction": 0.6, "years": 1}],
        participation={"leave_after_cut": 0.5},
    )
    assert r.shares[2, 0] > 0
    assert r.shares[2, 1] == 0 and r.shares[2, 2] == 0


def test_notice_keeps_a_leaver_paying_until_its_exit_takes_effect() -> None:
    # B gives notice in July 2027 with 6 months' notice: it leaves on 1 January 2028, so it
    # pays all of 2027 and is not invoiced for 2028 - the same as a clean exit from 2028.
    noticed = _run(exits=[{"entity": "B", "year": 2027, "month": 7, "notice_months": 6}])
    clean = _run(exits=[{"entity": "B", "year": 2028}])
    np.testing.assert_array_equal(noticed.paid_cents, clean.paid_cents)
    assert (
        noticed.assessed_cents[1, 2] == 0
        and noticed.paid_cents[1, 1] == noticed.assessed_cents[1, 1]
    )


def test_a_mid_year_exit_without_notice_loses_the_rest_of_the_year() -> None:
    # Two instalments a year (January, July); B leaves on 1 April 2027: July's is lost.
    r = _run(
        exits=[{"entity": "B", "year": 2027, "month": 4}],
        payments={"instalments_per_year": 2, "delay_months": 0},
    )
    assert r.assessed_cents[1, 1] > 0  # it took part on 1 January, so it was invoiced
    assert r.paid_cents[1, 1] == r.assessed_cents[1, 1] // 2
    assert r.assessed_cents[1, 2] == 0
    # The coordinator fund's receivables write off the lost instalment after the exit.
    assert r.receivables_cents[1, 1:, :].sum() == 0


def test_absorption_zero_invoices_the_others_no_more_than_before_the_exit() -> None:
    absorbed = _run(exits=[{"entity": "A", "year": 2027}])
    kept = _run(exits=[{"entity": "A", "year": 2027}], participation={"absorption": 0.0})
    # A (half the budget) leaves: absorbed, B, C and D pay the whole budget; not absorbed,
    # they pay the half they would have paid with A.
    assert kept.assessed_cents[:, 1].sum() < absorbed.assessed_cents[:, 1].sum()
    shares_with_a = np.array([0.3, 0.15, 0.05])
    budget = absorbed.assessed_cents[:, 1].sum()
    np.testing.assert_allclose(kept.assessed_cents[1:, 1] / budget, shares_with_a, atol=1e-8)


def test_an_absorbed_exit_keeps_coverage_and_an_unabsorbed_one_loses_it() -> None:
    stay = _run()
    absorbed = _run(exits=[{"entity": "A", "year": 2027}], participation={"absorption": 1.0})
    unabsorbed = _run(exits=[{"entity": "A", "year": 2027}], participation={"absorption": 0.0})
    coverage = {
        k: r.metrics["coordinator_coverage"]
        for k, r in (("stay", stay), ("1", absorbed), ("0", unabsorbed))
    }
    assert coverage["1"] == coverage["stay"]
    assert coverage["0"] < coverage["stay"]
    assert absorbed.metrics["paid_usd"] == stay.metrics["paid_usd"]  # to the cent
