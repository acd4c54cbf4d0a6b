"""Shortfalls stay with the entity that caused them, against hand computation.

4 posts, 4 entities paying equal shares once a year on 1 January, no inflation, no fee,
an opening balance of USD 1,000,000 and a 3-month reserve (``tests/builders``); entity A
pays 80 % of its invoice from the second year. Every amount below is in cents.

Planned cost: 4 posts x USD 380,000 (280,000 salary + 100,000 operating) = 152,000,000 a
year; reserve: 3 months of it = 38,000,000; the payroll pays 4 x 3,166,666 = 12,666,664 a
month. Budget = planned + reserve - cash (- arrears under ``arrears``):

- year 1: 190,000,000 - 100,000,000 = 90,000,000 -> 22,500,000 each;
- December of year 1 (posts filled from month 2, 10 months paid): cash 100,000,000 +
  90,000,000 - 126,666,640 = 63,333,360 -> year 2: 126,666,640 -> 31,666,660 each;
- A pays 25,333,328 (80 %): arrears 6,333,332. December of year 2: cash 63,333,360 +
  126,666,640 - 12 x 12,666,664 = 38,000,032 paid in full, 31,666,700 with A's cut;
  counted with A's arrears the same 38,000,032 -> year 3: 151,999,968 -> 37,999,992 each
  (A pays 30,399,994: arrears 7,599,998 more); year 4 likewise (cash 38,000,032 again).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from builders import deterministic_dict

from fundsim.model import simulate
from fundsim.model.statements import scenario_statement_lines
from fundsim.runner import Streams, replication_seed
from fundsim.scenario import scenario_from_dict

EACH = [22_500_000, 31_666_660, 37_999_992, 37_999_992]  # each entity's invoice by year, cents


def _scenario(cut: bool, policy: str = "arrears") -> Any:
    raw = deterministic_dict(fee=0.0, opening=1_000_000.0, reserve_months=3.0, years=4)
    raw["mechanism"]["shortfall_policy"] = policy
    if cut:
        raw["cuts"] = [
            {"year": raw["simulation"]["start_year"] + 1, "fraction": 0.2, "entity": "A"}
        ]
    return scenario_from_dict(raw)


def _run(cut: bool, policy: str = "arrears") -> Any:
    scenario = _scenario(cut, policy)
    return scenario, simulate(scenario, Streams(replication_seed(1, 0)))


def test_an_entity_paying_80_percent_leaves_every_other_invoice_unchanged_to_the_cent() -> None:
    _, full = _run(cut=False)
    scenario, cut = _run(cut=True)
    np.testing.assert_array_equal(full.assessed_cents, [EACH] * 4)
    np.testing.assert_array_equal(
        cut.assessed_cents, [EACH] * 4
    )  # B, C, D (and A's own bill) unchanged
    # A paid 80 % from the second year; the others in full.
    np.testing.assert_array_equal(
        cut.paid_cents[0], [22_500_000, 25_333_328, 30_399_994, 30_399_994]
    )
    np.testing.assert_array_equal(cut.paid_cents[1:], full.paid_cents[1:])
    # A's arrears, aged by budget year, at the end: 6,333,332 + 7,599,998 + 7,599,998.
    assert cut.receivables_cents is not None
    np.testing.assert_array_equal(
        cut.receivables_cents[0, -1, :3], [7_599_998, 7_599_998, 6_333_332]
    )
    assert int(cut.receivables_cents[1:].sum()) == 0
    # Nobody paid for anybody else, and the statements say so.
    lines = scenario_statement_lines(scenario)
    col = {(x.statement, x.window, x.line, x.detail): j for j, x in enumerate(lines)}
    assert cut.statements is not None
    assert (
        int(cut.statements[:, col[("arrears", "coordinators", "billed_for_others", "")]].sum()) == 0
    )
    assert cut.metrics["billed_for_others_usd"] == 0.0
    # The fund, not the others, is short by A's arrears: once its free cash no
    # longer covers a month of the four posts' operating costs (4 x 833,333 cents, unpaid), and
    # it ends with A's arrears less those unpaid costs below the fund that was paid in full.
    assert round(cut.metrics["operating_shortfall_usd"] * 100) == 4 * 833_333
    gap = round(full.metrics["closing_balance_usd"] * 100) - round(
        cut.metrics["closing_balance_usd"] * 100
    )
    assert gap == 6_333_332 + 7_599_998 + 7_599_998 - 4 * 833_333


def test_re_apportioned_the_same_cut_bills_a_quarter_of_a_s_shortfall_to_each_entity() -> None:
    scenario, r = _run(cut=True, policy="reapportion")
    # Year 3's budget: 151,999,968 + A's 6,333,332 unpaid = 158,333,300 -> 39,583,325 each.
    assert r.assessed_cents[1, 2] == 39_583_325
    lines = scenario_statement_lines(scenario)
    col = {(x.statement, x.window, x.line, x.detail): j for j, x in enumerate(lines)}
    assert r.statements is not None
    # B, C and D each paid 1,583,333 for A in year 3; A's own quarter is not "for others".
    for name, cents in (("A", 0), ("B", 1_583_333), ("C", 1_583_333), ("D", 1_583_333)):
        assert r.statements[2, col[("arrears", "coordinators", "billed_for_others", name)]] == cents
