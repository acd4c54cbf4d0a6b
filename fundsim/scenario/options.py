"""The ``[options]`` table of a scenario file: the options a decision is taken among.

``fundsim options FILE`` runs every option with common random numbers and sets them side
by side against one reference option. A scenario file declares them::

    [options]
    reference = "today"            # the option every other is paired with (default: the first)
    pairing = "reference"          # or "previous": a ladder, each option against the one before
    leading = 3                    # options whose bills the brief details (default 3)

    [options.named]                # options in order: a scenario file and/or dotted keys
    today = { scenario = "today.toml" }
    "pooled, 6-month reserve" = { "mechanism.reserve_target_months" = 6 }

    [options.cross]                # crossed over this file's scenario, after the named ones
    scenario = { levels = ["host_mptf.toml", "host_agency.toml"], labels = ["MPTF", "agency"] }
    "mechanism.formula.preset" = ["jiu", "icsc"]

A ``scenario`` entry (in a named option, or as a crossed dimension) is a scenario file,
relative to the file that declares it, that replaces this file's scenario for that option;
every other key is a dotted scenario key (:mod:`fundsim.scenario.overrides`) set on it. A
crossed option is named by its levels' labels joined with `` / ``. A level that is a table
or an array needs a label. Without ``[options.named]`` and ``[options.cross]`` the default
set is used (:data:`DEFAULT_NAMED`, :data:`DEFAULT_CROSS`: today, the hybrid and the pooled
fund under each host and the main formulas, from the shipped files beside the scenario).
Like ``[sweep]`` and ``[explore]``, ``[options]`` belongs to the file that declares it and
is not part of the scenario that runs: the loader leaves it out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.levels import levels_and_labels
from fundsim.scenario.overrides import validation_problem
from fundsim.scenario.schema.options import OptionsTable

#: Most options one set may hold.
MAX_OPTIONS = 200
#: The key of a named option or a crossed dimension that names a scenario file.
SCENARIO_KEY = "scenario"

Pairing = Literal["reference", "previous"]

#: The default option set, when a file declares neither named nor crossed options: today as it is
#: and today with a pooled reserve (the hybrid), then the pooled fund under each host crossed
#: with the scenario's own formula and two precedent keys. Files are looked for beside the
#: scenario; a default whose file is not there is left out.
DEFAULT_NAMED: dict[str, dict[str, Any]] = {
    "today": {SCENARIO_KEY: "today.toml"},
    "today + pooled reserve (hybrid)": {SCENARIO_KEY: "today_hybrid.toml"},
}
DEFAULT_CROSS: dict[str, dict[str, Any]] = {
    SCENARIO_KEY: {
        "levels": ["host_mptf.toml", "host_agency.toml", "host_secretariat.toml"],
        "labels": ["pooled, MPTF Office", "pooled, one agency", "pooled, Secretariat trust fund"],
    },
    "mechanism.formula": {
        "levels": [None, {"kind": "jiu"}, {"kind": "undss_2005"}],
        "labels": ["scenario's formula", "JIU key", "UNDSS 2005 key"],
    },
}


@dataclass(frozen=True)
class OptionDef:
    """One option: its name, the scenario file it starts from (``None``: the declaring
    file's), and the dotted keys it sets (a value ``None`` leaves the key as it is)."""

    name: str
    scenario_file: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """What the option changes, in one line (file, then keys)."""
        parts = [f"{SCENARIO_KEY} = {self.scenario_file.name}"] if self.scenario_file else []
        parts += [f"{k} = {v!r}" for k, v in self.overrides.items() if v is not None]
        return "; ".join(parts) or "the scenario as it is"


@dataclass(frozen=True)
class OptionsSpec:
    """A checked ``[options]`` table: the options in order, the reference, the pairing."""

    options: tuple[OptionDef, ...]
    reference: str
    pairing: Pairing = "reference"
    leading: int = 3
    defaulted: bool = False

    def option(self, name: str) -> OptionDef:
        for o in self.options:
            if o.name == name:
                return o
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able record of the set (for the folder's key file)."""
        return {
            "reference": self.reference,
            "pairing": self.pairing,
            "options": [
                {
                    "name": o.name,
                    "scenario_file": o.scenario_file.name if o.scenario_file else None,
                    "overrides": o.overrides,
                }
                for o in self.options
            ],
        }


def _scenario_file(file: Path, where: str, value: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(file, where, "must be the name of a scenario file (a string)")
    path = file.parent / value
    if not path.is_file():
        raise ScenarioError(file, where, f"no such file '{value}'")
    return path


def _named(file: Path, table: Any) -> list[OptionDef]:
    if not isinstance(table, dict):
        raise ScenarioError(file, "options.named", "must be a table of options (name = { keys })")
    out = []
    for name, body in table.items():
        where = f"options.named.{name}"
        if not isinstance(body, dict):
            raise ScenarioError(
                file, where, 'must be a table: { scenario = "file.toml", "dotted.key" = value }'
            )
        body = dict(body)
        scn = _scenario_file(file, f"{where}.{SCENARIO_KEY}", body.pop(SCENARIO_KEY, None))
        out.append(OptionDef(str(name), scn, body))
    return out


def _crossed(file: Path, table: Any) -> list[OptionDef]:
    if not isinstance(table, dict):
        raise ScenarioError(file, "options.cross", "must be a table of dimensions (key = [levels])")
    dims = [
        (key, *levels_and_labels(file, f"options.cross.{key}", spec, none_label="as is"))
        for key, spec in table.items()
    ]
    out = []
    for combo in itertools.product(*(range(len(levels)) for _, levels, _ in dims)):
        scn: Path | None = None
        keys: dict[str, Any] = {}
        for (key, levels, _), i in zip(dims, combo, strict=True):
            if key == SCENARIO_KEY:
                scn = _scenario_file(file, f"options.cross.{key}", levels[i])
            else:
                keys[key] = levels[i]
        name = " / ".join(labels[i] for (_, _, labels), i in zip(dims, combo, strict=True))
        out.append(OptionDef(name, scn, keys))
    return out


def _defaults(file: Path) -> list[OptionDef]:
    """The default set, keeping only the options whose files sit beside ``file``."""
    named = {n: b for n, b in DEFAULT_NAMED.items() if (file.parent / b[SCENARIO_KEY]).is_file()}
    cross = dict(DEFAULT_CROSS)
    hosts = cross[SCENARIO_KEY]
    kept = [
        (lv, lb)
        for lv, lb in zip(hosts["levels"], hosts["labels"], strict=True)
        if (file.parent / lv).is_file()
    ]
    if kept:
        cross[SCENARIO_KEY] = {"levels": [k[0] for k in kept], "labels": [k[1] for k in kept]}
    else:
        del cross[SCENARIO_KEY]
    return _named(file, named) + _crossed(file, cross)


def parse_options(table: Any, file: str | Path) -> OptionsSpec:
    """Check an ``[options]`` table (``None``: the defaults) declared in ``file``; raise
    :class:`ScenarioError` naming ``options.<...>``. Scenario keys and values are checked
    when the options are built (:func:`fundsim.analysis.options.build_options`)."""
    file = Path(file)
    table = {} if table is None else table
    if not isinstance(table, dict):
        raise ScenarioError(file, "options", "must be a table")
    try:
        OptionsTable.model_validate(table)
    except ValidationError as exc:
        where, message = validation_problem(exc, OptionsTable)
        raise ScenarioError(file, f"options.{where}", message) from None
    defaulted = "named" not in table and "cross" not in table
    options = (
        _defaults(file)
        if defaulted
        else (
            _named(file, table.get("named", {}))
            + (_crossed(file, table["cross"]) if "cross" in table else [])
        )
    )
    if len(options) < 2:
        raise ScenarioError(
            file, "options", "declare at least two options (a decision needs a choice)"
        )
    if len(options) > MAX_OPTIONS:
        raise ScenarioError(file, "options", f"{len(options)} options (the limit is {MAX_OPTIONS})")
    names = [o.name for o in options]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ScenarioError(file, "options", f"two options are named {dup!r}")
    pairing = table.get("pairing", "reference")
    if pairing not in ("reference", "previous"):
        raise ScenarioError(file, "options.pairing", '"reference" or "previous"')
    reference = table.get("reference", names[0])
    if reference not in names:
        raise ScenarioError(
            file, "options.reference", f"{reference!r} is not an option ({', '.join(names[:6])})"
        )
    if pairing == "previous" and reference != names[0]:
        raise ScenarioError(
            file,
            "options.reference",
            'a ladder (pairing = "previous") starts from its first option',
        )
    leading = table.get("leading", min(3, len(options)))
    if (
        not isinstance(leading, int)
        or isinstance(leading, bool)
        or not 1 <= leading <= len(options)
    ):
        raise ScenarioError(file, "options.leading", f"a whole number from 1 to {len(options)}")
    return OptionsSpec(tuple(options), str(reference), pairing, leading, defaulted)


def load_options_table(path: str | Path) -> Any:
    """The raw ``[options]`` table of the file ``path`` (``None`` when it has none)."""
    from fundsim.scenario.loader import read_toml

    return read_toml(Path(path)).get("options")
