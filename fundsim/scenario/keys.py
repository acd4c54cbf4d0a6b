"""Entity key vectors and the entity-by-country presence matrix, from a scenario.

A *key* is a numeric column of the entities table (``expenses_usd``,
``field_personnel``, ``sea_allegations``...), read as a vector in the order of
``scenario.entities``. Cost-sharing formulas, allegation weights and share tables
take their vectors from here.

Missing values have one policy. An entity without a value in a key column (an empty
CSV cell) counts as 0 in that column's vector, and :func:`key_gaps` names the
entities concerned, so that whoever shows a result can say so. Where a gap would
change what the model simulates it cannot occur: the loader refuses a gap in any
column that the scenario's own formulas (``mechanism.formula``,
``victims.funding.formula``) or ``victims.allegations.entity_key`` read. The share
tables, which also apply formulas the scenario does not use, report each gap in
their notes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from fundsim.scenario.schema import Scenario


def key_columns(scenario: Scenario) -> tuple[str, ...]:
    """Every key column that at least one entity has a value in, sorted by name."""
    return tuple(sorted({k for e in scenario.entities for k in e.keys}))


def key_gaps(scenario: Scenario, column: str) -> tuple[str, ...]:
    """Names of the entities without a value in ``column`` (counted as 0 in its vector)."""
    return tuple(e.name for e in scenario.entities if column not in e.keys)


def key_vector(scenario: Scenario, column: str) -> NDArray[np.float64]:
    """The values of ``column``, one per entity; a gap counts as 0 (see the module's policy)."""
    return np.array([e.keys.get(column, 0.0) for e in scenario.entities], dtype=np.float64)


def key_vectors(
    scenario: Scenario, columns: Iterable[str] | None = None
) -> dict[str, NDArray[np.float64]]:
    """``column -> key_vector`` for ``columns`` (default: :func:`key_columns`), in that order."""
    names = key_columns(scenario) if columns is None else columns
    return {col: key_vector(scenario, col) for col in names}


def presence_matrix(scenario: Scenario) -> NDArray[np.bool_]:
    """Entities x countries, bool: the entity is listed in the country or leads it."""
    return np.array(
        [
            [e.name in c.entities or e.name == c.lead_entity for c in scenario.countries]
            for e in scenario.entities
        ],
        dtype=bool,
    ).reshape(len(scenario.entities), len(scenario.countries))
