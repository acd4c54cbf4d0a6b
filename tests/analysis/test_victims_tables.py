"""The victims' documented tables: the funding-policy table reads a children_funding batch
(pre-funding costs more a year and funds the account), and the policy labels of batch.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from victim_builders import victim_scenario

import fundsim
from fundsim.analysis.victims_tables import _policy_label, funding_policy_table, policy_table_text
from fundsim.scenario.overrides import with_overrides

COLUMN_FUNDING = "sweep.victims.children.funding"
COLUMN_RETURN = "sweep.victims.children.account_return"


def _batch(folder: Path) -> Path:
    """A hand-made batch folder of three policies, as `fundsim batch` writes it."""
    base = victim_scenario(
        None, funding={"opening_balance_usd": 50_000, "reserve_target_months": 6}
    )
    rows = []
    for name, funding in (
        ("paygo", "paygo"),
        ("half", {"target_ratio": 0.5}),
        ("entry", "prefund_at_entry"),
    ):
        scenario = with_overrides(base, {"victims.children.funding": funding})
        fundsim.run(scenario, reps=4, seed=3, workers=1, out=folder / name)
        rows.append(
            {"run": name, "status": "done", COLUMN_FUNDING: str(funding), COLUMN_RETURN: "none"}
        )
    pd.DataFrame(rows).to_csv(folder / "batch.csv", index=False)
    return folder


def test_pre_funding_costs_more_a_year_and_funds_the_account(tmp_path: Path) -> None:
    table = funding_policy_table(_batch(tmp_path)).set_index("children.funding")
    assert table.loc["paygo", "funded_ratio_mean"] == 0.0
    assert table.loc["target_ratio=0.5", "funded_ratio_mean"] == pytest.approx(0.5, abs=0.01)
    assert table.loc["prefund_at_entry", "funded_ratio_mean"] > 0.5
    assert table.loc["paygo", "extra_a_year_usd"] == 0.0
    assert table.loc["target_ratio=0.5", "extra_a_year_ci95_low"] > 0
    assert (
        table.loc["target_ratio=0.5", "extra_a_year_usd"]
        < table.loc["prefund_at_entry", "extra_a_year_usd"]
    )
    text = policy_table_text(table.reset_index())
    assert text.loc[0, "funded ratio at the end"] == "0.0% [0.0%, 0.0%]"


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("paygo", "paygo"),
        ("prefund_at_entry", "prefund_at_entry"),
        ("{'target_ratio': 0.5}", "target_ratio=0.5"),
    ],
)
def test_batch_cells_read_as_policy_labels(cell: str, label: str) -> None:
    assert _policy_label(cell) == label
