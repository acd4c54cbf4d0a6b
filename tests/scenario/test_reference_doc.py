"""docs/scenarios.md is generated from the schema and must match it."""

from __future__ import annotations

from pathlib import Path

from fundsim.scenario.reference import reference


def test_scenario_reference_is_up_to_date(root: Path) -> None:
    committed = (root / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert committed == reference(), "run: python -m fundsim.scenario.reference > docs/scenarios.md"


def test_reference_lists_every_section_of_the_schema() -> None:
    text = reference()
    for section in (
        "`simulation`",
        "`mechanism`",
        "`mechanism.formula`",
        "`posts`",
        "`payments`",
        "`cuts`",
    ):
        assert f"## {section}" in text
