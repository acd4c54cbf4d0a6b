"""A small exploratory experiment for tests: the mini scenario (4 entities, 4 countries,
5 years) with a cut of unknown size and year, the largest payer staying or leaving, and
two policies."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

MINI_EXPLORE = """\
extends = "{mini}"
name = "mini_explore"

[[cuts]]
year = 2027
group = "voluntary"
fraction = 0.2

[explore]
futures = 4
reps = 2
outcomes = ["funding_lost_share", "coordinator_coverage"]
fails_when = ["funding_lost_share > 0.05"]

[explore.uncertainties]
"cuts.0.fraction" = {{ low = 0.0, high = 0.5 }}
"cuts.0.year" = {{ low = 2026, high = 2028, integer = true }}
"exits" = {{ levels = [[], [{{ entity = "largest", year = 2027 }}]], labels = ["stays", "leaves"] }}

[explore.levers]
"mechanism.reserve_target_months" = [0.0, 9.0]
"mechanism.commitment_basis" = ["cash", "receivables"]

[explore.policies]
lean = {{}}
reserve = {{ "mechanism.reserve_target_months" = 9.0, "mechanism.commitment_basis" = "receivables"}}
"""


def write_mini_explore(folder: Path, text: str = MINI_EXPLORE) -> Path:
    """Write the small [explore] scenario into ``folder``; returns its path."""
    path = folder / "mini_explore.toml"
    path.write_text(text.format(mini=(DATA / "mini.toml").as_posix()), encoding="utf-8")
    return path
