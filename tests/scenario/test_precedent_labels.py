"""A formula written from a precedent key is labelled by that key wherever a run says what
ran: shares.csv (and so the run's summary table and report) and the share tables (a
``undss_2005`` scenario used to read "proportional")."""

from __future__ import annotations

from pathlib import Path

import fundsim
from fundsim.analysis.share_tables import default_formulas
from fundsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _undss(tmp_path: Path) -> Path:
    path = tmp_path / "undss.toml"
    path.write_text(
        f'extends = "{(SCENARIOS / "baseline.toml").as_posix()}"\nname = "undss"\n'
        '[mechanism.formula]\nkind = "undss_2005"\n',
        encoding="utf-8",
    )
    return path


def test_shares_csv_names_the_precedent_key(tmp_path: Path) -> None:
    result = fundsim.run(_undss(tmp_path), reps=2, seed=1, workers=1)
    assert set(result.shares["formula"]) == {"undss_2005"}


def test_a_plain_kind_is_still_named_by_its_kind() -> None:
    result = fundsim.run(SCENARIOS / "baseline.toml", reps=2, seed=1, workers=1)
    assert set(result.shares["formula"]) == {"weighted"}


def test_share_tables_name_the_precedent(tmp_path: Path) -> None:
    scenario = load_scenario(_undss(tmp_path))
    assert scenario.mechanism.formula.preset == "undss_2005"
    formulas = default_formulas(scenario)
    assert formulas["undss_2005"] == scenario.mechanism.formula
    # The plain proportional default stays beside it, not the precedent under its kind's name.
    assert formulas["proportional"].preset is None
    assert formulas["proportional"] != scenario.mechanism.formula
