"""Precedent cost-sharing keys by name: thin presets over the formula kinds.

``mechanism.formula.kind = "undss_2005"`` (or ``"jiu"``, ``"icsc"``) stands for the
formula of a UN precedent, written with the existing kinds; the bounds the scenario sets
in the same table (``floor``, ``ceiling``, ``floor_usd``) are kept over the preset's, its
other keys (``key``, ``weights``...) give way to the preset's. After loading
the formula holds the underlying kind and its parameters, and ``preset`` names the
precedent. Sources are in ``docs/cost-sharing.md`` and the shared data notes (§4,
"UN cost-sharing formulas that could serve as models"), cited by public name:

- ``undss_2005``: field-related security costs (UNDSS), apportioned on each
  organization's share of field personnel (the staff census) with a minimum of
  USD 75,000 (HLCM, April 2005, CEB/2005/HLCM/R.4; USUN cable 06USUNNEWYORK1873): a
  proportional key on ``field_personnel`` with ``floor_usd = 75000`` (a year, as the
  ``capacity`` default reads it).
- ``jiu``: the Joint Inspection Unit, shared since 1967 by each organization's total
  expenditure from all sources in the previous year (CEB, "Inter-organization
  cost-sharing"): a proportional key on ``expenses_usd`` (CEB financial statistics;
  the latest year the entities table holds stands for the previous year).
- ``icsc``: the International Civil Service Commission (and the CCAQ staff office and
  cost-of-living surveys), shared since 1961 by the ratio of Professional posts (CEB,
  "Inter-organization cost-sharing"): a proportional key on ``professional_posts``.
  The shipped entities table has no such column (CEB HR statistics by category were
  not in the stored data): the preset then fails with a message naming the column.
"""

from __future__ import annotations

from typing import Any

from fundsim.scenario.vocabulary import FORMULA_PRESETS

#: Each preset: the formula keys it sets, and its source by public name.
PRESETS: dict[str, dict[str, Any]] = {
    "undss_2005": {
        "formula": {"kind": "proportional", "key": "field_personnel", "floor_usd": 75_000.0},
        "source": (
            "UNDSS field-related security costs: share of field personnel (staff census), minimum "
            "USD 75,000 (HLCM, April 2005, CEB/2005/HLCM/R.4; USUN cable 06USUNNEWYORK1873)"
        ),
    },
    "jiu": {
        "formula": {"kind": "proportional", "key": "expenses_usd"},
        "source": "Joint Inspection Unit (since 1967): total expenditure from all sources in the "
        "previous "
        "year (CEB, 'Inter-organization cost-sharing')",
    },
    "icsc": {
        "formula": {"kind": "proportional", "key": "professional_posts"},
        "source": (
            "ICSC, CCAQ staff office and cost-of-living surveys (since 1961): ratio of numbers of "
            "Professional posts (CEB, 'Inter-organization cost-sharing')"
        ),
    },
}

#: The preset names, in the order tables list them (the vocabulary's list: help texts read it).
PRESET_NAMES: tuple[str, ...] = FORMULA_PRESETS
assert tuple(PRESETS) == PRESET_NAMES, (
    "fundsim.scenario.vocabulary.FORMULA_PRESETS names every preset"
)


#: Keys of a formula table kept over a preset's: its bounds. The others (``key``,
#: ``weights``...) describe another formula and give way to the preset's.
KEPT_KEYS = ("floor", "ceiling", "floor_usd")


def expand_preset(data: dict[str, Any]) -> dict[str, Any]:
    """A formula table with ``kind = <preset>`` written out: the preset's keys, the table's
    bounds (:data:`KEPT_KEYS`) over them, and ``preset`` naming it. Any other table is
    returned as it is."""
    name = data.get("kind")
    if not isinstance(name, str) or name not in PRESETS:
        return data
    out = dict(PRESETS[name]["formula"])
    out.update({k: v for k, v in data.items() if k in KEPT_KEYS})
    out["preset"] = name
    return out
