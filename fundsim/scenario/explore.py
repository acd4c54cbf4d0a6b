"""The ``[explore]`` table of a scenario file: uncertainties, levers, policies, outcomes, failure.

Exploratory modelling (``fundsim explore``) asks which futures break the fund and which
policy holds up across them. A scenario file declares what it may vary::

    [explore]
    futures = 24                    # default number of futures (Latin hypercube)
    reps = 5                        # replications per future and policy (default: the scenario's)
    outcomes = ["funding_lost_share", "p_tier1_interrupted", "coordinator_coverage"]
    fails_when = ["funding_lost_share > 0.05", "p_tier1_interrupted > 0.1"]

    [explore.uncertainties]         # what nobody controls: a range or categories
    "cuts.0.fraction" = { low = 0.0, high = 0.4 }
    "cuts.0.year" = { low = 2026, high = 2030, integer = true }
    "exits" = { levels = [[], [{ entity = "largest", year = 2028 }]], labels = ["stays", "leaves"] }

    [explore.levers]                # what the fund's designers choose: levels
    "mechanism.reserve_target_months" = [3, 9]

    [explore.levers."mechanism.budget"]   # a level that is a table needs a label
    levels = ["need", { usd_per_year = 11000000 }]
    labels = ["need", "envelope"]

    [explore.policies]              # optional; default: every combination of the levers
    today = {}                      # a lever left out takes its first level
    practice = { "mechanism.commitment_basis" = "receivables" }

Keys are dotted scenario keys (:mod:`fundsim.scenario.overrides`). A level that is a table
or an array needs a label; other levels are labelled by their value. Like ``[sweep]``,
``[explore]`` belongs to the file that declares it (a file extending it does not inherit
it) and is not part of the scenario that runs: the loader leaves it out, and
:func:`load_explore` reads it. Outcome names are checked against the metric registry by
the analysis layer (this layer imports nothing above it).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.levels import level_label, levels_and_labels

#: Most futures and policies one experiment may hold.
MAX_FUTURES = 10_000
MAX_POLICIES = 256
#: The comparison operators a failure condition may use.
OPERATORS = (">=", "<=", ">", "<")
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")
_TOP_KEYS = {
    "futures",
    "reps",
    "seed",
    "outcomes",
    "fails_when",
    "uncertainties",
    "levers",
    "policies",
}


@dataclass(frozen=True)
class Uncertainty:
    """An uncertain input: a range (``low``-``high``, sampled uniformly, rounded when
    ``integer``) or categories (``levels``, named by ``labels``), over the dotted ``key``."""

    key: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    levels: tuple[Any, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def categorical(self) -> bool:
        return bool(self.levels)

    def value(self, label_or_number: Any) -> Any:
        """The scenario value of a sampled point (a label for categories)."""
        if self.categorical:
            return self.levels[self.labels.index(str(label_or_number))]
        return round(float(label_or_number)) if self.integer else float(label_or_number)


@dataclass(frozen=True)
class Lever:
    """A policy lever: the dotted ``key`` and its ``levels``, named by ``labels``."""

    key: str
    levels: tuple[Any, ...]
    labels: tuple[str, ...]

    def value(self, label: str) -> Any:
        return self.levels[self.labels.index(label)]


@dataclass(frozen=True)
class Policy:
    """A named set of lever choices: lever key -> level label."""

    name: str
    choices: dict[str, str]


@dataclass(frozen=True)
class Condition:
    """A failure condition on an outcome: ``metric op threshold``
    (``funding_lost_share > 0.05``)."""

    metric: str
    op: str
    threshold: float

    def holds(self, value: float) -> bool:
        """Whether ``value`` crosses the threshold (a missing value never does)."""
        if math.isnan(value):
            return False
        return {
            ">": value > self.threshold,
            "<": value < self.threshold,
            ">=": value >= self.threshold,
            "<=": value <= self.threshold,
        }[self.op]

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class ExploreSpec:
    """The ``[explore]`` table, checked: what varies, what is chosen, what is measured."""

    uncertainties: tuple[Uncertainty, ...]
    levers: tuple[Lever, ...]
    policies: tuple[Policy, ...]
    outcomes: tuple[str, ...]
    fails_when: tuple[Condition, ...]
    futures: int = 16
    reps: int | None = None
    seed: int | None = None

    def policy(self, name: str) -> Policy:
        for p in self.policies:
            if p.name == name:
                return p
        raise KeyError(name)

    def lever_values(self, policy: Policy) -> dict[str, Any]:
        """The scenario values of ``policy``'s choices (dotted key -> value)."""
        return {lv.key: lv.value(policy.choices[lv.key]) for lv in self.levers}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for the experiment's key and its manifest)."""
        return {
            "uncertainties": [
                {
                    "key": u.key,
                    "low": u.low,
                    "high": u.high,
                    "integer": u.integer,
                    "levels": list(u.levels),
                    "labels": list(u.labels),
                }
                for u in self.uncertainties
            ],
            "levers": [
                {"key": lv.key, "levels": list(lv.levels), "labels": list(lv.labels)}
                for lv in self.levers
            ],
            "policies": {p.name: dict(p.choices) for p in self.policies},
            "outcomes": list(self.outcomes),
            "fails_when": [str(c) for c in self.fails_when],
        }


def parse_condition(text: str) -> Condition:
    """``"funding_lost_share > 0.05"`` as a :class:`Condition`; ``ValueError`` if malformed."""
    m = _CONDITION.match(text) if isinstance(text, str) else None
    if not m:
        raise ValueError(
            f'{text!r}: write METRIC > NUMBER (or <, >=, <=), e.g. "funding_lost_share > 0.05"'
        )
    try:
        threshold = float(m.group(3))
    except ValueError:
        raise ValueError(f"{text!r}: {m.group(3)!r} is not a number") from None
    if not math.isfinite(threshold):
        raise ValueError(f"{text!r}: the threshold must be finite")
    return Condition(m.group(1), m.group(2), threshold)


def _uncertainty(file: Path, key: str, spec: Any) -> Uncertainty:
    where = f"explore.uncertainties.{key}"
    if isinstance(spec, dict) and ("low" in spec or "high" in spec):
        unknown = set(spec) - {"low", "high", "integer"}
        if unknown:
            raise ScenarioError(
                file,
                f"{where}.{sorted(unknown)[0]}",
                "unknown key (a range takes low, high, integer)",
            )
        lo, hi, integer = spec.get("low"), spec.get("high"), spec.get("integer", False)
        for name, v in (("low", lo), ("high", hi)):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ScenarioError(file, f"{where}.{name}", "must be a finite number")
        if not isinstance(integer, bool):
            raise ScenarioError(file, f"{where}.integer", "must be true or false")
        if not lo < hi:  # type: ignore[operator]
            raise ScenarioError(file, where, f"low ({lo:g}) must be below high ({hi:g})")
        return Uncertainty(key, float(lo), float(hi), integer)  # type: ignore[arg-type]
    levels, labels = levels_and_labels(file, where, spec)
    if len(levels) < 2:
        raise ScenarioError(file, where, "an uncertainty needs at least two categories")
    return Uncertainty(key, levels=levels, labels=labels)


def _policies(file: Path, table: Any, levers: tuple[Lever, ...]) -> tuple[Policy, ...]:
    by_key = {lv.key: lv for lv in levers}
    if table is None:
        combos = list(itertools.product(*(lv.labels for lv in levers)))
        if len(combos) > MAX_POLICIES:
            raise ScenarioError(
                file,
                "explore.levers",
                f"{len(combos)} combinations of levers; at most "
                f"{MAX_POLICIES} (name a few in [explore.policies])",
            )
        out = []
        for combo in combos:
            name = "__".join(
                f"{lv.key.split('.')[-1]}={lab}" for lv, lab in zip(levers, combo, strict=True)
            )
            out.append(Policy(name or "as_written", dict(zip(by_key, combo, strict=True))))
        return tuple(out)
    if not isinstance(table, dict) or not table:
        raise ScenarioError(file, "explore.policies", "must be a table of named policies")
    if len(table) > MAX_POLICIES:
        raise ScenarioError(
            file, "explore.policies", f"{len(table)} policies; at most {MAX_POLICIES}"
        )
    out = []
    for name, choices in table.items():
        where = f"explore.policies.{name}"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ScenarioError(file, where, "a policy name uses letters, digits, '_' and '-' only")
        if not isinstance(choices, dict):
            raise ScenarioError(file, where, "must be a table: lever key = level label")
        chosen = {}
        for key, lv in by_key.items():
            want = choices.get(key, lv.labels[0])
            label = want if isinstance(want, str) and want in lv.labels else level_label(want)
            if label not in lv.labels:
                raise ScenarioError(
                    file,
                    f"{where}.{key}",
                    f"{want!r} is not a level of this lever ({', '.join(lv.labels)})",
                )
            chosen[key] = label
        for key in choices:
            if key not in by_key:
                raise ScenarioError(file, f"{where}.{key}", "is not a lever in [explore.levers]")
        out.append(Policy(name, chosen))
    return tuple(out)


def parse_explore(table: Any, file: str | Path = "<explore>") -> ExploreSpec:
    """The checked :class:`ExploreSpec` of an ``[explore]`` table (a dict from TOML).

    Checks its shape only; :func:`load_explore` also checks every key and level against
    the scenario. Raises :class:`ScenarioError` naming ``explore.<key>``.
    """
    file = Path(file)
    if not isinstance(table, dict):
        raise ScenarioError(file, "explore", "must be a table")
    unknown = sorted(set(table) - _TOP_KEYS)
    if unknown:
        from fundsim.scenario.errors import did_you_mean

        raise ScenarioError(
            file, f"explore.{unknown[0]}", f"unknown key{did_you_mean(unknown[0], _TOP_KEYS)}"
        )
    unc = table.get("uncertainties")
    if not isinstance(unc, dict) or not unc:
        raise ScenarioError(file, "explore.uncertainties", "give at least one uncertain input")
    uncertainties = tuple(_uncertainty(file, k, v) for k, v in unc.items())
    lev = table.get("levers", {})
    if not isinstance(lev, dict):
        raise ScenarioError(file, "explore.levers", "must be a table of lever keys and levels")
    levers = tuple(
        Lever(k, *levels_and_labels(file, f"explore.levers.{k}", v)) for k, v in lev.items()
    )
    both = set(unc) & set(lev)
    if both:
        raise ScenarioError(file, f"explore.levers.{sorted(both)[0]}", "is also an uncertainty")
    policies = _policies(file, table.get("policies"), levers)
    outcomes = table.get("outcomes")
    if (
        not isinstance(outcomes, list)
        or not outcomes
        or not all(isinstance(o, str) for o in outcomes)
    ):
        raise ScenarioError(file, "explore.outcomes", "give a list of metric names")
    fails = table.get("fails_when", [])
    if not isinstance(fails, list) or not fails:
        raise ScenarioError(
            file,
            "explore.fails_when",
            'give at least one condition, e.g. "funding_lost_share > 0.05"',
        )
    conditions = []
    for i, text in enumerate(fails):
        try:
            conditions.append(parse_condition(text))
        except ValueError as exc:
            raise ScenarioError(file, f"explore.fails_when[{i}]", str(exc)) from None
    for c in conditions:
        if c.metric not in outcomes:
            outcomes = [*outcomes, c.metric]
    ints = {}
    for name, top in (("futures", MAX_FUTURES), ("reps", 100_000), ("seed", 2**63 - 1)):
        v = table.get(name)
        if v is not None and (
            isinstance(v, bool)
            or not isinstance(v, int)
            or not (0 if name == "seed" else 1) <= v <= top
        ):
            raise ScenarioError(
                file,
                f"explore.{name}",
                f"must be a whole number from {0 if name == 'seed' else 1} to {top}",
            )
        ints[name] = v
    return ExploreSpec(
        uncertainties=uncertainties,
        levers=levers,
        policies=policies,
        outcomes=tuple(dict.fromkeys(outcomes)),
        fails_when=tuple(conditions),
        futures=ints["futures"] or 16,
        reps=ints["reps"],
        seed=ints["seed"],
    )


def has_explore(path: str | Path) -> bool:
    """Whether the scenario file ``path`` declares an ``[explore]`` table."""
    from fundsim.scenario.loader import read_toml

    return "explore" in read_toml(Path(path))


def check_explore(path: str | Path) -> None:
    """Check the ``[explore]`` table of the file ``path``, if it has one, as ``fundsim
    validate`` does, so that a file ``validate`` refuses is refused by every command that
    reads it (``run`` and ``stress`` do not use the table). Raises :class:`ScenarioError`."""
    if has_explore(path):
        load_explore(path)


def load_explore(path: str | Path) -> tuple[Any, ExploreSpec]:
    """The scenario of ``path`` and its checked ``[explore]`` table.

    Every key is checked against the scenario, and every level and both ends of every
    range are applied to it (so a value the schema refuses stops here, before anything
    runs). Raises :class:`ScenarioError` naming ``explore.<...>``.
    """
    from fundsim.scenario.loader import load_scenario, read_toml
    from fundsim.scenario.loader.cross_references import check_references
    from fundsim.scenario.overrides import OverrideError, with_overrides

    path = Path(path)
    scenario = load_scenario(path)
    table = read_toml(path).get("explore")
    if table is None:
        raise ScenarioError(
            path, "explore", "this file has no [explore] table (see docs/explore.md)"
        )
    spec = parse_explore(table, path)
    trials: list[tuple[str, str, Any]] = []
    for u in spec.uncertainties:
        values = u.levels if u.categorical else (u.value(u.low), u.value(u.high))
        trials += [(f"explore.uncertainties.{u.key}", u.key, v) for v in values]
    for lv in spec.levers:
        trials += [(f"explore.levers.{lv.key}", lv.key, v) for v in lv.levels]
    for where, key, value in trials:
        try:
            variant = with_overrides(scenario, {key: value})
            # and the checks across tables a file gets (a shock's year inside the horizon...)
            # ([sources] names keys of the file, which the loaded model no longer holds: the
            # loader checked them)
            check_references(
                variant.model_copy(update={"sources": {}}), variant.model_dump(), path, {}
            )
        except OverrideError as exc:
            raise ScenarioError(path, where, f"{value!r}: {exc.message}") from None
        except ScenarioError as exc:
            raise ScenarioError(path, where, f"{value!r}: {exc.key_path}: {exc.message}") from None
    return scenario, spec
