"""Per-formula share tables for a scenario: who pays what under each formula, and how fair.

:func:`share_tables` applies every cost-sharing formula (or those named) to the
scenario's entities and coordinator network and returns pandas DataFrames: a long
table (one row per formula and entity), wide views of shares, amounts (USD a
year) and burden ratios, and one row of fairness and stability measures per
formula. Formulas the scenario does not configure get the defaults of
:func:`default_formulas`, each with its precedent in ``docs/cost-sharing.md``.

The annual network cost is one coordinator post per priority country:
``countries x (posts.annual_cost_usd + posts.operating_cost_usd)`` USD a year,
``operating_cost_usd`` being the per-country operating budget
(PLAUSIBLE USD 50k-150k a year, docs/data.md "Reasoned ranges"), as
:mod:`fundsim.scenario.costs` computes it for the model too. Key vectors and the
presence matrix come from :mod:`fundsim.scenario.keys`: a gap in a key column
counts as 0 and is said in the notes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fundsim.errors import BadInput
from fundsim.runner import arguments
from fundsim.scenario.costs import country_costs_usd, network_cost_usd
from fundsim.scenario.keys import key_gaps, key_vectors, presence_matrix
from fundsim.scenario.presets import PRESET_NAMES
from fundsim.scenario.schema import Band, Formula, Scenario
from fundsim.scenario.vocabulary import CAPACITY_KEY, FORMULA_KINDS
from fundsim.sharing import fairness
from fundsim.sharing.dispatch import compute_shares

__all__ = [
    "CAPACITY_KEY",
    "ShareTables",
    "ShareTablesError",
    "country_costs_usd",
    "default_formulas",
    "describe",
    "network_cost_usd",
    "presence_matrix",
    "share_tables",
]


#: UN scale of assessments ceiling (GA resolution 55/5, 2000), fraction.
UN_SCALE_CEILING = 0.22
#: UNDSS field-security minimum contribution, 2005 (CEB/2005/HLCM/R.4), USD a year.
UNDSS_MINIMUM_USD = 75_000.0
#: UNDSS 2002-03 flat tiers, per biennium halved to a year (CEB HLCM; docs/data.md):
#: under 0.5 % of field staff USD 25,000 a biennium, 0.5-1 % USD 100,000 a biennium.
UNDSS_BANDS: tuple[tuple[float, float], ...] = ((0.005, 12_500.0), (0.01, 50_000.0))
#: Illustrative assumptions (no precedent gives a figure): equal base of the
#: base-plus-variable formula and weight of risk exposure, fractions.
DEFAULT_BASE_FRACTION = 0.2
DEFAULT_RISK_WEIGHT = 0.5


class ShareTablesError(BadInput):
    """A formula name the scenario does not have, or a capacity column no entity has."""

    about_scenario = True


@dataclass(frozen=True)
class ShareTables:
    """Share tables of one scenario (see :func:`share_tables`).

    ``long`` has columns ``formula, entity, share, amount_usd, burden_ratio``;
    ``shares``, ``amounts_usd`` and ``burden_ratios`` are entity x formula;
    ``fairness`` is indexed by formula; ``formulas`` holds the parameters used and
    ``notes`` what a reader must know (defaults, gaps filled with zero, skips).
    """

    scenario: str
    total_usd: float
    capacity_key: str
    formulas: Mapping[str, Formula]
    long: pd.DataFrame
    shares: pd.DataFrame
    amounts_usd: pd.DataFrame
    burden_ratios: pd.DataFrame
    fairness: pd.DataFrame
    notes: tuple[str, ...]


def _has_column(scenario: Scenario, column: str) -> bool:
    return any(column in e.keys for e in scenario.entities)


def _first_column(scenario: Scenario, *candidates: str) -> str | None:
    return next((c for c in candidates if _has_column(scenario, c)), None)


def default_formulas(
    scenario: Scenario, capacity_key: str = CAPACITY_KEY, precedents: bool = False
) -> dict[str, Formula]:
    """One formula per kind, named by kind: the scenario's own for its kind (or under its
    precedent key, ``undss_2005``..., when it was written from one), defaults otherwise.

    Defaults (precedents in ``docs/cost-sharing.md``): proportional to
    ``capacity_key`` (JIU); weighted half ``capacity_key``, half field personnel
    (JIU + UNDSS); base plus variable with 20 % split equally (illustrative);
    tiered by ``capacity_key`` with the UNDSS 2002-03 bands (the precedent banded by
    field staff, but the personnel data are from 2019 with uneven coverage); capacity
    on ``capacity_key`` with the scenario's floor and ceiling (else the UN-scale
    ceiling of 22 %) and the scenario's USD floor (else the UNDSS USD 75,000
    minimum); risk-adjusted half by HRP-country
    expenses (or SEA allegations); usage split within each country by
    ``capacity_key``; Shapley of the network cost. Kinds whose columns exist for no
    entity are left out. With ``precedents``, then the precedent keys by name
    (``undss_2005``, ``jiu``, ``icsc``: :mod:`fundsim.scenario.presets`), each where the
    entities have its column.
    """
    personnel = _first_column(scenario, "field_personnel", "personnel")
    risk = _first_column(scenario, "hrp_expenses_usd", "sea_allegations")
    has_capacity = _has_column(scenario, capacity_key)
    own = scenario.mechanism.formula
    bounded = own.floor > 0 or own.ceiling < 1 or own.floor_usd > 0
    out: dict[str, Formula] = {"equal": Formula(kind="equal")}
    if has_capacity:
        out["proportional"] = Formula(kind="proportional", key=capacity_key)
        if personnel:
            out["weighted"] = Formula(kind="weighted", weights={capacity_key: 0.5, personnel: 0.5})
        out["base_plus_variable"] = Formula(
            kind="base_plus_variable", key=capacity_key, base_fraction=DEFAULT_BASE_FRACTION
        )
    if has_capacity:
        bands = tuple(Band(up_to_share=u, amount_usd=a) for u, a in UNDSS_BANDS)
        out["tiered"] = Formula(kind="tiered", key=capacity_key, bands=bands)
        # The scenario's bounds where it sets them, else the UN-scale ceiling; the UNDSS
        # minimum unless the scenario sets its own, so that the floor binds for small entities.
        out["capacity"] = Formula(
            kind="capacity",
            key=capacity_key,
            floor=own.floor,
            ceiling=own.ceiling if bounded else UN_SCALE_CEILING,
            floor_usd=own.floor_usd or UNDSS_MINIMUM_USD,
        )
        if risk:
            out["risk_adjusted"] = Formula(
                kind="risk_adjusted",
                key=capacity_key,
                risk_key=risk,
                risk_weight=DEFAULT_RISK_WEIGHT,
            )
    out["usage"] = Formula(kind="usage", key=capacity_key if has_capacity else None)
    out["shapley"] = Formula(kind="shapley")
    if own.preset is None:
        out[own.kind] = own
    chosen = {kind: out[kind] for kind in FORMULA_KINDS if kind in out}
    if own.preset is not None:
        # A precedent is named by its own key, never by the kind it expands to.
        chosen[own.preset] = own
    # The precedent keys by name (fundsim.scenario.presets), where the entities have their columns.
    for preset in PRESET_NAMES if precedents else ():
        formula = Formula.model_validate({"kind": preset})
        if preset not in chosen and all(_has_column(scenario, c) for c in formula.columns()):
            chosen[preset] = formula
    return chosen


def describe(formula: Formula) -> str:
    """One line saying which keys and parameters a formula uses."""
    parts: list[str] = (
        [formula.kind] if formula.preset is None else [f"{formula.preset} precedent:", formula.kind]
    )
    if formula.key:
        parts.append(f"key={formula.key}")
    if formula.weights:
        parts.append("weights=" + "+".join(f"{w:g}x{k}" for k, w in formula.weights.items()))
    if formula.kind == "base_plus_variable":
        parts.append(f"base_fraction={formula.base_fraction:g}")
    if formula.bands:
        parts.append(
            "bands="
            + "; ".join(f"<{b.up_to_share:.2%}: USD {b.amount_usd:,.0f}" for b in formula.bands)
        )
    if formula.risk_key:
        parts.append(f"risk_key={formula.risk_key} risk_weight={formula.risk_weight:g}")
    if formula.floor > 0:
        parts.append(f"floor={formula.floor:.2%}")
    if formula.floor_usd > 0:
        parts.append(f"floor_usd={formula.floor_usd:,.0f}")
    if formula.ceiling < 1:
        parts.append(f"ceiling={formula.ceiling:.2%}")
    return " ".join(parts)


def _chosen_formulas(
    scenario: Scenario, names: Sequence[str] | None, capacity_key: str, precedents: bool
) -> dict[str, Formula]:
    """The formulas to tabulate by name: ``names`` (in order, each checked to be one of
    this scenario's) or every default formula; :class:`ShareTablesError` otherwise."""
    named = set(names or ()) & set(PRESET_NAMES)
    available = default_formulas(scenario, capacity_key, precedents=precedents or bool(named))
    for preset in sorted(named - set(available)):
        column = Formula.model_validate({"kind": preset}).key
        raise ShareTablesError(
            f"precedent '{preset}' needs the entity column '{column}', which no entity has"
        )
    if names:
        unknown = [n for n in names if n not in available]
        if unknown:
            raise ShareTablesError(
                f"unknown formula '{unknown[0]}' (this scenario has: {', '.join(available)})"
            )
        return {n: available[n] for n in dict.fromkeys(names)}
    return available


def _keys(
    scenario: Scenario, chosen: Mapping[str, Formula], capacity_key: str
) -> tuple[dict[str, NDArray[np.float64]], list[str]]:
    """The entity columns the ``chosen`` formulas and the capacity key read, by name, and a
    note for each column empty for some entities (counted as 0)."""
    notes: list[str] = []
    columns = {capacity_key}
    for f in chosen.values():
        columns.update(f.columns())
    keys = key_vectors(scenario, sorted(columns))
    for col in keys:
        gaps = key_gaps(scenario, col)
        if gaps and len(gaps) < len(scenario.entities):
            notes.append(f"column '{col}' is empty for {', '.join(gaps)}: counted as 0")
    return keys, notes


def _share_function(
    scenario: Scenario, keys: Mapping[str, NDArray[np.float64]], total: float
) -> Callable[[Formula, NDArray[np.intp]], NDArray[np.float64]]:
    """``apply(formula, idx)``: the shares under ``formula`` of the entities at positions
    ``idx`` (the exit test drops one at a time), ``total`` USD a year to share."""
    presence = presence_matrix(scenario)
    country_cost = country_costs_usd(scenario)

    def apply(formula: Formula, idx: NDArray[np.intp]) -> NDArray[np.float64]:
        return compute_shares(
            formula,
            idx.size,
            {k: v[idx] for k, v in keys.items()},
            presence=presence[idx],
            country_cost=country_cost,
            total_usd=total,
        )

    return apply


def _fairness_row(
    name: str,
    formula: Formula,
    s: NDArray[np.float64],
    usd: NDArray[np.float64],
    burden: NDArray[np.float64],
    capacity: NDArray[np.float64],
    moves: fairness.ExitSensitivity,
) -> dict[str, object]:
    """One formula's row of the fairness table: Suits index, Gini, HHI, top-3 share, burden
    ratio range, the exit test's changes, and the range of yearly amounts (USD)."""
    finite_burden = burden[np.isfinite(burden)]
    return {
        "formula": name,
        "suits_index": fairness.suits_index(s, capacity),
        "gini": fairness.gini(s),
        "hhi": fairness.hhi(s),
        "top3_share": fairness.top_share(s, 3),
        "burden_ratio_min": float(finite_burden.min()) if finite_burden.size else np.nan,
        "burden_ratio_max": float(finite_burden.max()) if finite_burden.size else np.nan,
        "exit_max_change": moves.worst,
        "exit_mean_change": moves.average,
        "exit_max_relative": moves.worst_relative,
        "exit_mean_relative": moves.average_relative,
        "usd_min": float(usd.min()),
        "usd_median": float(np.median(usd)),
        "usd_max": float(usd.max()),
        "parameters": describe(formula),
    }


def share_tables(
    scenario: Scenario,
    names: Sequence[str] | None = None,
    capacity_key: str = CAPACITY_KEY,
    precedents: bool = False,
) -> ShareTables:
    """Shares, amounts, burden ratios and fairness measures under each formula.

    Parameters
    ----------
    scenario
        A loaded scenario.
    names
        Formula names (kinds) to include; all of :func:`default_formulas` when omitted.
    capacity_key
        Entity column measuring capacity to pay, for burden ratios, the Suits index
        and the size-based defaults.
    precedents
        Also the precedent keys by name (``undss_2005``, ``jiu``, ``icsc``) whose columns
        the entities have; a precedent named in ``names`` is always available.

    Raises
    ------
    ShareTablesError
        When a name is not a formula of this scenario, or the capacity key is
        missing for every entity.
    """
    scenario = arguments.entry(scenario)  # checked as the command line checks it
    chosen = _chosen_formulas(scenario, names, capacity_key, precedents)
    if not _has_column(scenario, capacity_key):
        raise ShareTablesError(f"no entity has the capacity column '{capacity_key}'")

    entities = list(scenario.entity_names)
    n = len(entities)
    keys, notes = _keys(scenario, chosen, capacity_key)
    total = network_cost_usd(scenario)
    capacity = keys[capacity_key]
    own = scenario.mechanism.formula
    apply = _share_function(scenario, keys, total)
    rows: list[tuple[object, ...]] = []
    fair_rows: list[dict[str, object]] = []
    used: dict[str, Formula] = {}
    everyone = np.arange(n)
    for name, formula in chosen.items():
        try:
            s = apply(formula, everyone)
        except ValueError as exc:
            notes.append(f"{name}: not computed ({exc})")
            continue
        used[name] = formula
        if formula == own:
            notes.append(f"{name}: as configured in the scenario ({describe(formula)})")
        burden = fairness.burden_ratio(s, capacity)
        usd = fairness.amounts_usd(s, total)
        rows.extend(zip([name] * n, entities, s, usd, burden, strict=True))
        moves = fairness.exit_sensitivity(partial(apply, formula), s)
        fair_rows.append(_fairness_row(name, formula, s, usd, burden, capacity, moves))
    long = pd.DataFrame(rows, columns=["formula", "entity", "share", "amount_usd", "burden_ratio"])
    order = list(used)

    def wide(column: str) -> pd.DataFrame:
        table = long.pivot(index="entity", columns="formula", values=column)
        return table.reindex(index=entities, columns=order)

    fair = pd.DataFrame(fair_rows).set_index("formula") if fair_rows else pd.DataFrame()
    return ShareTables(
        scenario=scenario.name,
        total_usd=total,
        capacity_key=capacity_key,
        formulas=used,
        long=long,
        shares=wide("share"),
        amounts_usd=wide("amount_usd"),
        burden_ratios=wide("burden_ratio"),
        fairness=fair,
        notes=tuple(notes),
    )
