"""Cross references of a validated scenario, which no single schema model can check: names
unique in their tables, entities, groups and columns that exist, years inside the horizon,
fee rules that fit the mode, ``[sources]`` and ``[uncertainties]`` keys that name a key of
the scenario. The first problem raises :class:`ScenarioError` naming the file (the one that
set the key, through ``extends``) and the key path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from fundsim.scenario.errors import ScenarioError, did_you_mean
from fundsim.scenario.loader.merging import file_for
from fundsim.scenario.overrides import has_key
from fundsim.scenario.schema import Formula, Scenario
from fundsim.scenario.schema.base import MAX_FEE

#: Raises the :class:`ScenarioError` of a key path and a message.
Fail = Callable[[str, str], NoReturn]


def check_references(
    s: Scenario, raw: Mapping[str, Any], path: Path, origin: Mapping[str, Path]
) -> None:
    """Check every cross reference of ``s``; ``raw`` is the merged TOML (for ``[sources]``),
    ``origin`` the file each key came from."""

    def fail(key: str, msg: str) -> NoReturn:
        raise ScenarioError(file_for(key, origin, path), key, msg)

    _check_unique_rows(s, fail)
    _check_countries(s, fail)
    _check_formula(s, s.mechanism.formula, "mechanism.formula", fail)
    _check_schedule(s, fail)
    if s.victims is not None:
        _check_victims(s, fail)
    if s.incumbents is not None:
        _check_incumbents(s, fail)
    _check_fees(s, fail)
    _check_named_keys(s, raw, fail)


def _first_repeated(values: list[str] | tuple[str, ...]) -> str | None:
    """The first value that appears more than once, if any."""
    if len(set(values)) == len(values):
        return None
    return next(v for v in values if values.count(v) > 1)


def _check_unique_rows(s: Scenario, fail: Fail) -> None:
    """Each entity and each country appears once in its table."""
    dup = _first_repeated(s.entity_names)
    if dup is not None:
        fail("entities.file", f"entity '{dup}' appears twice")
    dup = _first_repeated([c.code for c in s.countries])
    if dup is not None:
        fail("countries.file", f"country '{dup}' appears twice")


def _check_countries(s: Scenario, fail: Fail) -> None:
    """Countries name known entities, and have a lead entity where the mode needs one."""
    names = s.entity_names
    for c in s.countries:
        for ent in (c.lead_entity, *c.entities):
            if ent and ent not in names:
                fail(
                    "countries.file",
                    f"country {c.code} names unknown entity '{ent}'{did_you_mean(ent, names)}",
                )
    if s.mechanism.mode != "pooled":
        for c in s.countries:
            if not c.lead_entity:
                fail(
                    "countries.file",
                    f"country {c.code} has no lead_entity (mode '{s.mechanism.mode}' needs one)",
                )


def _formula_key(f: Formula, col: str, prefix: str) -> str:
    """The key path that names column ``col`` of formula ``f`` (at ``prefix``)."""
    return f"{prefix}.key" if col in (f.key, f.risk_key) else f"{prefix}.weights.{col}"


def _check_column_present(
    s: Scenario, f: Formula, col: str, prefix: str, fail: Fail, hint: str = ""
) -> None:
    """Every entity has a value in the column ``col`` that formula ``f`` reads."""
    missing = [e.name for e in s.entities if col not in e.keys]
    if not missing:
        return
    key = _formula_key(f, col, prefix)
    if len(missing) == len(s.entities):
        known = {k for e in s.entities for k in e.keys}
        fail(key, f"no entity column '{col}'{did_you_mean(col, known)}{hint}")
    fail(key, f"column '{col}' is empty for {', '.join(missing[:3])}{hint}")


def _check_column_not_all_zero(s: Scenario, f: Formula, col: str, prefix: str, fail: Fail) -> None:
    """A column that formula ``f`` weighs is not zero for every entity (a division by zero)."""
    weight = f.weights.get(col, 1.0) if col not in (f.key, f.risk_key) else 1.0
    if weight > 0 and not any(e.keys.get(col, 0.0) > 0 for e in s.entities):
        fail(
            _formula_key(f, col, prefix),
            f"column '{col}' is zero for every entity: the formula would divide by zero",
        )


def _check_formula(s: Scenario, f: Formula, prefix: str, fail: Fail) -> None:
    """The mechanism's formula: its columns exist and are not all zero; floor and ceiling
    can be met by the entities."""
    preset = (
        f" (the '{f.preset}' preset reads it: add the column to the entities table)"
        if f.preset
        else ""
    )
    for col in f.columns():
        _check_column_present(s, f, col, prefix, fail, preset)
    for col in f.columns():
        _check_column_not_all_zero(s, f, col, prefix, fail)
    n = len(s.entities)
    if f.floor * n > 1 + 1e-12:
        fail(f"{prefix}.floor", f"{f.floor} x {n} entities exceeds 1")
    if f.ceiling * n < 1 - 1e-12:
        fail(f"{prefix}.ceiling", f"{f.ceiling} x {n} entities is below 1")


def _check_year(s: Scenario, key: str, year: int, fail: Fail) -> None:
    """``year`` lies inside the simulated years."""
    sim = s.simulation
    if not sim.start_year <= year <= sim.end_year:
        fail(key, f"{year} is outside the simulated years {sim.start_year}-{sim.end_year}")


def _check_schedule(s: Scenario, fail: Fail) -> None:
    """Scheduled cuts and exits name known entities or groups and fall inside the horizon;
    random cuts name a known group."""
    names, groups = s.entity_names, s.groups()
    for i, cut in enumerate(s.cuts):
        if cut.entity and cut.entity not in names:
            fail(
                f"cuts[{i}].entity",
                f"unknown entity '{cut.entity}'{did_you_mean(cut.entity, names)}",
            )
        if cut.group and cut.group not in groups:
            fail(
                f"cuts[{i}].group", f"unknown group '{cut.group}'{did_you_mean(cut.group, groups)}"
            )
        _check_year(s, f"cuts[{i}].year", cut.year, fail)
    for i, ex in enumerate(s.exits):
        if ex.entity != "largest" and ex.entity not in names:
            fail(
                f"exits[{i}].entity",
                f"unknown entity '{ex.entity}'{did_you_mean(ex.entity, names)}",
            )
        _check_year(s, f"exits[{i}].year", ex.year, fail)
    if s.shocks.group and s.shocks.group not in groups:
        fail(
            "shocks.group",
            f"unknown group '{s.shocks.group}'{did_you_mean(s.shocks.group, groups)}",
        )


def _check_named_keys(s: Scenario, raw: Mapping[str, Any], fail: Fail) -> None:
    """``[sources]`` names keys of the file; ``[uncertainties]`` names keys of the scenario."""
    for key in s.sources:
        if not has_key(raw, key):
            fail(f"sources.{key}", "names no key of this scenario")
    if s.uncertainties:
        dump = s.model_dump()
        for key in s.uncertainties:
            if not has_key(dump, key):
                fail(f"uncertainties.{key}", "names no key of this scenario")


def _check_incumbents(s: Scenario, fail: Fail) -> None:
    """Today's posts: one row per country of the countries table, hosts that are entities."""
    assert s.incumbents is not None
    codes = [c.code for c in s.countries]
    names = s.entity_names
    rows = [p.code for p in s.incumbents.posts]
    if sorted(rows) != sorted(codes):
        odd = sorted(set(rows) ^ set(codes)) or [next(c for c in rows if rows.count(c) > 1)]
        fail(
            "incumbents.file",
            f"needs one row per country of the countries table (differs at {', '.join(odd[:3])})",
        )
    for p in s.incumbents.posts:
        if p.host_entity and p.host_entity not in names:
            hint = did_you_mean(p.host_entity, names)
            fail(
                "incumbents.file",
                f"country {p.code} names unknown host_entity '{p.host_entity}'{hint}",
            )


def _check_fee_stack(s: Scenario, fail: Fail) -> None:
    """A ``[host]`` fee stack replaces the mechanism's fee: that fee left at 0 on receipts,
    no shared host for the victims' window, each layer named once."""
    mech, host = s.mechanism, s.host
    assert host is not None
    if mech.admin_fee != 0:
        fail("mechanism.admin_fee", "the [host] fee stack (host.fees) replaces it: set it to 0")
    if mech.fee_basis != "receipts":
        fail(
            "mechanism.fee_basis",
            "the [host] fee stack (host.fees) replaces it: each layer has its basis",
        )
    if s.victims is not None and s.victims.windows == "shared_host":
        fail(
            "host.fees",
            'a [host] fee stack with victims.windows = "shared_host" is not modelled: '
            "use victims.funding.shared_admin_fee",
        )
    names = [f.name for f in host.fees]
    for i, name in enumerate(names):
        if names.index(name) != i:
            fail(f"host.fees[{i}].name", f"fee '{name}' appears twice")
    for basis in ("receipts", "expenditure"):
        # the layers on one basis add up to one fee, held below the same ceiling as each
        total = sum(f.rate for f in host.fees if f.basis == basis)
        if not total < MAX_FEE:
            fail(
                "host.fees",
                f"the fees on {basis} add up to {total:g}, not below the ceiling {MAX_FEE:g}",
            )


def _check_fees(s: Scenario, fail: Fail) -> None:
    """The coordinator fund's fee: one of ``mechanism.admin_fee`` or a ``[host]`` fee stack;
    fees on expenditure only where the pooled fund pays the posts."""
    mech, host = s.mechanism, s.host
    if host is not None and host.fees:
        _check_fee_stack(s, fail)
    on_spending = mech.fee_basis == "expenditure" or (
        host is not None and any(f.basis == "expenditure" for f in host.fees)
    )
    if on_spending and mech.mode != "pooled":
        key = "mechanism.fee_basis" if mech.fee_basis == "expenditure" else "host.fees"
        fail(key, f'a fee on expenditure needs mechanism.mode = "pooled" (not "{mech.mode}")')
    if host is not None and host.secretariat and mech.mode != "pooled":
        fail(
            "host.secretariat",
            f'secretariat lines are paid by the pooled fund: mechanism.mode = "{mech.mode}"',
        )


def _check_victims(s: Scenario, fail: Fail) -> None:
    """Cross references of the ``[victims]`` section (victim-assistance window)."""
    v = s.victims
    assert v is not None
    f = v.funding.formula
    if f is not None:
        for col in f.columns():
            _check_column_present(s, f, col, "victims.funding.formula", fail)
            _check_column_not_all_zero(s, f, col, "victims.funding.formula", fail)
    _check_entity_key(s, v.allegations.entity_key, fail)
    for i, surge in enumerate(v.allegations.surges):
        _check_year(s, f"victims.allegations.surges[{i}].year", surge.year, fail)
    seen: set[str] = set()
    for i, service in enumerate(v.services):
        if service.name in seen:
            fail(f"victims.services[{i}].name", f"service '{service.name}' appears twice")
        seen.add(service.name)
    if v.funding.shared_admin_fee is not None and v.windows != "shared_host":
        fail("victims.funding.shared_admin_fee", 'only used with victims.windows = "shared_host"')
    _check_existing_services(s, fail)


def _check_existing_services(s: Scenario, fail: Fail) -> None:
    """``victims.allegations.entity_payers`` names entities; the existing-services table
    has a row for each of the scenario's countries."""
    v = s.victims
    assert v is not None
    payers = v.allegations.entity_payers
    if payers != "all":
        names = set(s.entity_names)
        for i, name in enumerate(payers):
            if name not in names:
                fail(
                    f"victims.allegations.entity_payers[{i}]",
                    f"no entity '{name}'{did_you_mean(name, names)}",
                )
    table = v.existing_services
    if table is not None:
        codes = {c.code for c in s.countries}
        given = {r.code for r in table.rows}  # rows of other countries are not used
        missing = sorted(codes - given)
        if missing:
            fail(
                "victims.existing_services.file",
                f"no row for {', '.join(missing[:3])}: every country needs one",
            )


def _check_entity_key(s: Scenario, ekey: str | None, fail: Fail) -> None:
    """``victims.allegations.entity_key``, when given, is a column every entity fills."""
    if ekey is None:
        return
    known = {k for e in s.entities for k in e.keys}
    missing = [e.name for e in s.entities if ekey not in e.keys]
    if len(missing) == len(s.entities):
        fail(
            "victims.allegations.entity_key",
            f"no entity column '{ekey}'{did_you_mean(ekey, known)}",
        )
    if missing:
        fail(
            "victims.allegations.entity_key",
            f"column '{ekey}' is empty for {', '.join(missing[:3])}",
        )
