"""A what-if scenario as a file: the loaded file plus the changed keys.

:func:`whatif_toml` writes the TOML the page downloads: ``extends`` the loaded file (by its
name: save the download beside it), the seed and replication count of the page's run, each
changed key as a dotted key, and a ``[sources]`` note marking each as a what-if value.
:func:`load_whatif` loads that same text through the loader, exactly as ``fundsim run``
loads the downloaded file (the schema, the cross references, the [sources] check): what the
page shows is what the command line computes. A hosting option's ``[host]`` table (and its
``mechanism.admin_fee``) is read from the ``host_*.toml`` file shipped beside the loaded
file, which the page names, never a path it sends.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fundsim.errors import BadInput
from fundsim.scenario import Scenario, load_scenario
from fundsim.scenario.loader.reading import read_toml

#: The note every changed key carries in the downloaded file's [sources].
NOTE = "WHAT-IF: a value set on the what-if page (fundsim app), not a sourced figure"


def toml_value(value: Any) -> str:
    """``value`` (str, bool, int, float, list, dict) as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadInput(f"not a finite number: {value}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise BadInput(f"cannot write a {type(value).__name__} in a scenario file")


def _key(part: str) -> str:
    return part if part.replace("_", "").replace("-", "").isalnum() else json.dumps(part)


def _dotted(key: str) -> str:
    return ".".join(_key(p) for p in key.split("."))


def resolve_host(overrides: Mapping[str, Any], hosts: Mapping[str, Path]) -> dict[str, Any]:
    """``overrides`` with a hosting option (``host = {"from_option": name}``) replaced by the
    ``[host]`` table and ``mechanism.admin_fee`` of that option's file."""
    out = dict(overrides)
    host = out.pop("host", None)
    if host is None:
        return out
    name = str(host.get("from_option")) if isinstance(host, Mapping) else ""
    if name not in hosts:
        raise BadInput(f"host: no hosting option named {name!r}")
    raw = read_toml(hosts[name])
    fee = raw.get("mechanism", {}).get("admin_fee")
    if fee is not None:
        out = {"mechanism.admin_fee": fee, **out}
    return {"host": raw["host"], **out}


def whatif_toml(
    scenario_file: Path,
    name: str,
    changed: Mapping[str, Any],
    reps: int,
    seed: int,
    *,
    extends: str | None = None,
) -> str:
    """The what-if scenario file: ``extends`` the loaded file (its name by default), sets
    ``name``, ``simulation.replications`` and ``simulation.seed``, then ``changed`` (dotted keys,
    host resolved), with a ``[sources]`` note for each changed key."""
    lines = [
        "# A what-if scenario written by the what-if page (fundsim app).",
        f"# Save it beside {scenario_file.name} and run: fundsim run <this file>",
        f"extends = {toml_value(extends or scenario_file.name)}",
        f"name = {toml_value(name)}",
        f"simulation.replications = {int(reps)}",
        f"simulation.seed = {int(seed)}",
    ]
    lines += [f"{_dotted(k)} = {toml_value(v)}" for k, v in changed.items()]
    lines += ["", "[sources]"]
    lines += [f"{json.dumps(k)} = {json.dumps(NOTE)}" for k in changed]
    return "\n".join(lines) + "\n"


def load_whatif(
    scenario_file: Path, name: str, changed: Mapping[str, Any], reps: int, seed: int
) -> Scenario:
    """The what-if scenario, loaded from its file as ``fundsim run`` would load it (the
    file written to a private temporary folder, extending the loaded file by its full path).
    Raises the loader's :class:`~fundsim.scenario.errors.ScenarioError` (with ``key_path``)."""
    text = whatif_toml(
        scenario_file, name, changed, reps, seed, extends=str(scenario_file.resolve())
    )
    with tempfile.TemporaryDirectory(prefix="fundsim-app-") as tmp:
        path = Path(tmp) / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return load_scenario(path)
