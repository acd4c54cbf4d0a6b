"""Load scenario files: TOML with ``extends``, CSV data tables, one-line errors.

``load_scenario(path)`` reads a TOML file, follows ``extends = "other.toml"``
(relative to the file that says it, cycles refused), merges tables key by key
(the child wins; arrays, distributions and formula weights are replaced whole), reads the
entity and country CSV files it names, validates everything against
:mod:`fundsim.scenario.schema` and checks the cross references (entities named in cuts,
formula columns...). Any problem raises :class:`ScenarioError` naming the file and the key
path.

One module per job: ``reading`` (files read defensively: checked with ``stat`` before
they are opened, size limits, UTF-8, nesting), ``merging`` (``extends``), ``tables`` (the
CSV tables, parsed strictly), ``cross_references`` (what the schema alone cannot check) and
``load`` (the entry points below). Messages never quote the content of a file that turned
out not to be a scenario or a table.
"""

from __future__ import annotations

from fundsim.scenario.loader.load import (
    load_scenario,
    load_sweep,
    scenario_from_dict,
    scenario_hash,
)
from fundsim.scenario.loader.merging import MAX_EXTENDS_DEPTH
from fundsim.scenario.loader.reading import (
    MAX_NESTING,
    MAX_SCENARIO_BYTES,
    read_text_file,
    read_toml,
)
from fundsim.scenario.loader.tables import MAX_CELL_CHARS, MAX_TABLE_BYTES, MAX_TABLE_ROWS

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_EXTENDS_DEPTH",
    "MAX_NESTING",
    "MAX_SCENARIO_BYTES",
    "MAX_TABLE_BYTES",
    "MAX_TABLE_ROWS",
    "load_scenario",
    "load_sweep",
    "read_text_file",
    "read_toml",
    "scenario_from_dict",
    "scenario_hash",
]
