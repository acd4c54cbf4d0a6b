"""The levers of the what-if page: what a person in the room may change, read from the
scenario and its schema, and how each becomes dotted scenario keys.

A lever has a name (the page's control and the URL's parameter), a label with its unit,
its allowed range (the schema's bounds, narrowed to a sensible span for a slider where the
schema allows more) and the dotted keys it sets. :func:`lever_overrides` turns the values
the page holds into the dotted keys of a what-if file (:mod:`fundsim.app.whatif`), which
the loader then validates exactly as it validates any scenario file. Nothing here reads a
path or runs code from the page: choices are names from closed lists, numbers are numbers.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fundsim.errors import BadInput
from fundsim.scenario import Scenario
from fundsim.scenario.presets import PRESETS

#: The value of a choice that leaves the scenario as loaded.
AS_LOADED = "as loaded"
#: The value of the cut's and the exit's "who" when there is none.
NOBODY = "nobody"
#: Longest text of the advanced field (characters) and most keys it may set.
MAX_ADVANCED_CHARS = 4000
MAX_ADVANCED_KEYS = 40


class LeverError(BadInput):
    """A lever value the page cannot turn into scenario keys: ``<lever>: <message>``."""

    def __init__(self, lever: str, message: str) -> None:
        self.lever = lever
        self.message = message
        super().__init__(f"{lever}: {message}")


@dataclass(frozen=True)
class Lever:
    """One control of the page.

    ``kind`` is ``"choice"`` (``options``), ``"number"`` (``low``..``high`` by ``step``, in
    ``unit``; ``scale`` converts the shown number to the scenario's: 0.01 for a percent
    shown of a fraction) or ``"integer"``. ``default`` is the scenario's value as loaded,
    in the shown unit. ``keys`` are the dotted keys the lever may set (for errors beside
    the field). ``group`` places it on the page.
    """

    name: str
    label: str
    kind: str
    default: Any
    keys: tuple[str, ...]
    group: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    step: float | None = None
    scale: float = 1.0
    options: tuple[str, ...] = ()
    help: str = ""

    @property
    def range_text(self) -> str:
        """The allowed range in words, for the label ("0 to 24 months")."""
        if self.kind == "choice":
            return ""
        if self.kind == "integer" and not self.unit:  # a year: no thousands separator
            return f"{int(self.low or 0)} to {int(self.high or 0)}"
        return f"{_num(self.low)} to {_num(self.high)}{' ' + self.unit if self.unit else ''}"


def _num(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,g}"


@dataclass(frozen=True)
class LeverSet:
    """The levers of one loaded scenario, by name, and the host options found beside it."""

    levers: dict[str, Lever]
    hosts: dict[str, Path] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {name: lever.default for name, lever in self.levers.items()}

    def lever_of_key(self, key: str) -> str | None:
        """The lever whose keys hold dotted ``key`` (for an error beside its field)."""
        for name, lever in self.levers.items():
            for k in lever.keys:
                if key == k or key.startswith(k + ".") or k.startswith(key + "."):
                    return name
        return None


def _groups(scn: Scenario) -> list[str]:
    return sorted({g for e in scn.entities for g in (getattr(e, "groups", ()) or ())})


def host_files(scenario_file: Path) -> dict[str, Path]:
    """The hosting options shipped beside the loaded file (``host_*.toml``), by name: the
    page offers their ``[host]`` table by name; it never takes a path."""
    return {
        p.stem.removeprefix("host_"): p for p in sorted(scenario_file.parent.glob("host_*.toml"))
    }


def levers_for(scn: Scenario, scenario_file: Path) -> LeverSet:
    """The levers of ``scn`` (loaded from ``scenario_file``), their defaults as loaded, in
    the page's order: sharing, the fund, a cut, an exit, payments, the victims' window
    (when the scenario has one), the advanced field."""
    hosts = host_files(scenario_file)
    levers = [
        *_sharing_levers(scn),
        *_fund_levers(scn, hosts),
        *_cut_and_exit_levers(scn),
        _delay_lever(scn),
        *_victims_levers(scn),
        _ADVANCED,
    ]
    return LeverSet({lv.name: lv for lv in levers}, hosts)


def _percent_lever(
    name: str,
    label: str,
    key: str,
    group: str,
    fraction: float,
    low: float,
    high: float,
    step: float,
    help: str = "",
) -> Lever:
    """A lever shown in % of a fraction the scenario holds (``fraction`` its default), from
    ``low`` to ``high`` % by ``step``."""
    return Lever(
        name,
        label,
        "number",
        round(fraction * 100, 3),
        (key,),
        group,
        "%",
        low,
        high,
        step,
        0.01,
        help=help,
    )


def _year_lever(name: str, label: str, key: str, group: str, first: int, last: int) -> Lever:
    """A year from ``first`` to ``last`` (the simulated years), by default the second."""
    return Lever(name, label, "integer", min(first + 1, last), (key,), group, "", first, last, 1)


def _sharing_levers(scn: Scenario) -> list[Lever]:
    """The formula (or a precedent key), its floor and ceiling, and the opt-out share."""
    f = scn.mechanism.formula
    return [
        Lever(
            "formula",
            "cost-sharing formula or precedent key",
            "choice",
            AS_LOADED,
            ("mechanism.formula",),
            "sharing",
            options=(AS_LOADED, *sorted(PRESETS), "equal"),
            help="the scenario's formula, a precedent key (its weights as published) or equal "
            "shares",
        ),
        _percent_lever(
            "floor",
            "floor: smallest share",
            "mechanism.formula.floor",
            "sharing",
            f.floor,
            0.0,
            10.0,
            0.1,
        ),
        _percent_lever(
            "ceiling",
            "ceiling: largest share",
            "mechanism.formula.ceiling",
            "sharing",
            f.ceiling,
            1.0,
            100.0,
            0.5,
        ),
        _percent_lever(
            "opt_out_share",
            "an entity leaves above this share",
            "participation.max_share",
            "sharing",
            scn.participation.max_share,
            1.0,
            100.0,
            0.5,
            help="the schema's cap: an entity whose share would pass it opts out (shares "
            "recomputed)",
        ),
    ]


def _fund_levers(scn: Scenario, hosts: Mapping[str, Path]) -> list[Lever]:
    """The fund's host, its mechanism, the reserve target and the fixed envelope (USD
    million a year; 0 budgets from need)."""
    m = scn.mechanism
    envelope = 0.0 if isinstance(m.budget, str) else round(m.budget.usd_per_year / 1e6, 3)
    return [
        Lever(
            "host",
            "host of the fund",
            "choice",
            AS_LOADED,
            ("host", "mechanism.admin_fee"),
            "fund",
            options=(AS_LOADED, *hosts),
            help="the [host] table of a hosting option shipped beside the file",
        ),
        Lever(
            "mode",
            "mechanism",
            "choice",
            m.mode,
            ("mechanism.mode",),
            "fund",
            options=("pooled", "siloed", "hybrid"),
        ),
        Lever(
            "reserve_months",
            "reserve target",
            "number",
            float(m.reserve_target_months),
            ("mechanism.reserve_target_months",),
            "fund",
            "months",
            0.0,
            24.0,
            0.5,
        ),
        Lever(
            "envelope_musd",
            "fixed envelope (0 = budget from need)",
            "number",
            envelope,
            ("mechanism.budget",),
            "fund",
            "USD million a year",
            0.0,
            100.0,
            0.1,
            1e6,
        ),
    ]


def _cut_and_exit_levers(scn: Scenario) -> list[Lever]:
    """A cut (whose contributions, from which year, how much) and an exit (which entity, in
    which year, how much of its bill the others absorb), within the simulated years."""
    first, last = scn.simulation.start_year, scn.simulation.start_year + scn.simulation.years - 1
    entities = [e.name for e in scn.entities]
    return [
        Lever(
            "cut_who",
            "cut: whose contributions",
            "choice",
            NOBODY,
            ("cuts",),
            "cut",
            options=(NOBODY, *(f"group {g}" for g in _groups(scn)), *entities),
        ),
        _year_lever("cut_year", "cut: from year", "cuts", "cut", first, last),
        _percent_lever("cut_percent", "cut: how much", "cuts", "cut", 0.25, 0.0, 100.0, 1.0),
        Lever(
            "exit_who",
            "exit: which entity",
            "choice",
            NOBODY,
            ("exits",),
            "exit",
            options=(NOBODY, "largest", *entities),
        ),
        _year_lever("exit_year", "exit: in year", "exits", "exit", first, last),
        _percent_lever(
            "absorption",
            "others absorb of the leaver's bill",
            "participation.absorption",
            "exit",
            scn.participation.absorption,
            0.0,
            100.0,
            5.0,
        ),
    ]


def _delay_lever(scn: Scenario) -> Lever:
    """The mean payment delay (months; the loaded distribution is replaced only when the
    lever moves)."""
    delay = scn.payments.delay_months
    return Lever(
        "delay_months",
        "payment delay (mean, exponential)",
        "number",
        round(float(delay.expected), 3),
        ("payments.delay_months",),
        "payments",
        "months",
        0.0,
        12.0,
        0.5,
    )


def _victims_levers(scn: Scenario) -> list[Lever]:
    """The allegations' scale and the caseworkers' capacity (none without a victims' window)."""
    if scn.victims is None:
        return []
    capacity = scn.victims.caseworkers.capacity
    if capacity == "auto":  # sized with the caseload: the lever starts at its first year
        from fundsim.model.allegations import caseload_plan
        from fundsim.model.cases import caseworker_slots

        capacity = caseworker_slots(scn.victims.caseworkers, caseload_plan(scn).victims_per_year)[0]
    return [
        Lever(
            "allegations_scale",
            "allegations: multiple of the loaded counts",
            "number",
            float(scn.victims.allegations.scale),
            ("victims.allegations.scale",),
            "victims",
            "x",
            0.1,
            5.0,
            0.1,
        ),
        Lever(
            "caseworkers",
            "caseworker capacity (cases at once; unchanged: as loaded)",
            "integer",
            int(capacity),
            ("victims.caseworkers.capacity",),
            "victims",
            "cases",
            1,
            2000,
            1,
        ),
    ]


#: The advanced field: any dotted key, as TOML values (checked by :func:`parse_advanced`).
_ADVANCED = Lever(
    "advanced",
    "advanced: dotted keys, one 'key = value' a line (TOML values)",
    "text",
    "",
    (),
    "advanced",
    help="any scenario key, e.g. posts.contract_months = 24",
)


#: Keys the advanced field may not set: files (the page never names a path) and what the
#: page sets itself (the what-if's name, its replications and seed: the Run card).
_FILE_TABLES = frozenset({"entities", "countries", "incumbents", "standard_costs"})
_PAGE_KEYS = frozenset({"name", "extends", "sources", "simulation.replications", "simulation.seed"})


def _refused(key: str) -> str:
    """Why the advanced field may not set ``key`` ("" when it may)."""
    parts = key.split(".")
    if parts[0] in _FILE_TABLES or "file" in parts or parts[0] == "extends":
        return "names a file: the page reads no path (edit the scenario file instead)"
    if key in _PAGE_KEYS or parts[0] in {"name", "sources"} or key == "simulation":
        return "set by the page (the replications and the seed are on the Run card)"
    return ""


def parse_advanced(text: str) -> dict[str, Any]:
    """The dotted keys of the advanced field: ``key = value`` lines, values as TOML reads them."""
    if len(text) > MAX_ADVANCED_CHARS:
        raise LeverError("advanced", f"longer than {MAX_ADVANCED_CHARS} characters")
    out: dict[str, Any] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().strip('"')
        if not sep or not key or not all(p.replace("_", "").isalnum() for p in key.split(".")):
            raise LeverError("advanced", f"line {n}: write key.path = value")
        refused = _refused(key)
        if refused:
            raise LeverError("advanced", f"line {n}: {key}: {refused}")
        try:
            out[key] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError as exc:
            raise LeverError("advanced", f"line {n}: {key}: not a TOML value ({exc})") from None
        if len(out) > MAX_ADVANCED_KEYS:
            raise LeverError("advanced", f"at most {MAX_ADVANCED_KEYS} keys")
    return out


def _number(lever: Lever, value: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise LeverError(lever.name, f"not a number: {value!r}") from None
    if lever.low is not None and lever.high is not None and not lever.low <= x <= lever.high:
        raise LeverError(lever.name, f"must be from {lever.range_text} (got {_num(x)})")
    return x


def lever_overrides(ls: LeverSet, values: Mapping[str, Any], scn: Scenario) -> dict[str, Any]:
    """The dotted keys (scenario units) that ``values`` set where they differ from the
    levers' defaults, in the order a what-if file writes them; raises :class:`LeverError`."""
    out: dict[str, Any] = {}
    v = {**ls.defaults(), **{k: values[k] for k in values if k in ls.levers}}
    lev = ls.levers
    for name in ("formula", "host", "mode", "cut_who", "exit_who"):
        if name in lev and v[name] not in lev[name].options:
            raise LeverError(name, f"not one of the choices: {v[name]!r}")
    if v["formula"] != AS_LOADED:
        out["mechanism.formula.kind"] = v["formula"]
    for name in (
        "floor",
        "ceiling",
        "opt_out_share",
        "reserve_months",
        "absorption",
        "allegations_scale",
        "caseworkers",
        "delay_months",
        "envelope_musd",
    ):
        if name not in lev:
            continue
        x = _number(lev[name], v[name])
        if abs(x - float(lev[name].default)) < 1e-12:
            continue
        key = lev[name].keys[0]
        if name == "envelope_musd":
            out[key] = "need" if x == 0 else {"usd_per_year": round(x * 1e6, 2)}
        elif name == "delay_months":
            out[key] = (
                {"dist": "exponential", "mean": x} if x > 0 else {"dist": "fixed", "value": 0}
            )
        elif lev[name].kind == "integer":
            out[key] = int(x)
        else:
            out[key] = round(x * lev[name].scale, 10)
    if v["host"] != AS_LOADED:
        out["host"] = {"from_option": v["host"]}  # resolved by the what-if file's writer
    if v["mode"] != lev["mode"].default:
        out["mechanism.mode"] = v["mode"]
    if v["cut_who"] != NOBODY:
        year = int(_number(lev["cut_year"], v["cut_year"]))
        frac = round(_number(lev["cut_percent"], v["cut_percent"]) / 100, 10)
        who = v["cut_who"]
        cut = (
            {"year": year, "group": who.removeprefix("group "), "fraction": frac}
            if who.startswith("group ")
            else {"year": year, "entity": who, "fraction": frac}
        )
        out["cuts"] = [*(c.model_dump(exclude_defaults=True) for c in scn.cuts), cut]
    if v["exit_who"] != NOBODY:
        year = int(_number(lev["exit_year"], v["exit_year"]))
        out["exits"] = [
            *(e.model_dump(exclude_defaults=True) for e in scn.exits),
            {"entity": v["exit_who"], "year": year},
        ]
    out.update(parse_advanced(str(v.get("advanced") or "")))
    return out
