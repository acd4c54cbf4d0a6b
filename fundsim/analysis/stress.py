"""The standard stress battery, after the IMF's debt-sustainability stress tests.

Each shock is a scenario variant (built with :func:`~fundsim.analysis.variants.with_overrides`)
run with the baseline's seed and replication count, so that the difference it makes
is measured with common random numbers (:mod:`fundsim.analysis.compare`). Shocks
start in the second simulated year (the first is the fund's set-up year):

- ``voluntary_-25%_2y``: entities tagged ``voluntary`` pay 25 % less for two years;
- ``largest_leaves``: the largest payer leaves the mechanism and the others pick up its
  bill (``participation.absorption = 1``: shares recomputed among the rest);
- ``largest_leaves_unabsorbed``: the same exit, but nobody picks up the leaver's bill
  (``absorption = 0``: the budget invoiced shrinks by it): the two ends of an exit;
- ``all_-15%``: every contribution 15 % lower from then on (a regular-budget cut like 2026's);
- ``payments_6m_late``: every instalment arrives six months later (liquidity);
- ``post_costs_+10%``: post and operating costs 10 % higher;
- ``allegations_+50%``: 50 % more allegations (``victims.allegations.scale`` x 1.5), with the
  scenario's caseworkers (its note says which rule);
- ``allegations_+50%_other_caseworkers``: the same surge with the other caseworker rule:
  a fixed capacity becomes ``"auto"`` (sized each year to the expected caseload at
  ``target_utilisation``, so it scales with the surge and costs ``cost_usd_year`` a
  slot-year); an ``"auto"`` capacity (the baseline's) is held at the unshocked scenario's
  first-year slots, the staff of a window nobody resizes for the surge, whose queue
  saturates;
- ``combined``: the voluntary cut, the (absorbed) exit, the general cut and the late
  payments together.

A shock that cannot apply to a scenario (no ``voluntary`` group, no victim-assistance
window) is not run: its rows say why in ``note`` rather than report a zero effect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fundsim.analysis.compare import compare_runs
from fundsim.analysis.variants import with_overrides
from fundsim.errors import FundsimError
from fundsim.results.registry import STRESS_HEADLINE, describe, lookup
from fundsim.runner import Provenance, Run, arguments, run_scenario
from fundsim.runner.executors import make_executor
from fundsim.runner.plan import victims_first_budget
from fundsim.scenario import Scenario

#: Metrics in the stress table, when the run has them (victim metrics come with the
#: victim-assistance model; some are registered before the model emits them).
DEFAULT_METRICS = (
    "funding_lost_share",
    "interruptions_per_post_year",
    "p_tier1_interrupted",
    "p_gap",
    "liquidity_at_risk_usd",
    "coordinator_coverage",
    "operating_shortfall_usd",
    "closing_balance_usd",
    "missed_payments_usd",
    "lapses",
    "income_cv",
    "invoice_cv",
    "victims_assisted_share",
    "median_wait_days",
    "unmet_need_usd",
    "victims_dropped",
    "funded_ratio",
    "children_liability_pv_usd",
    "caseworker_slots_mean",
    "caseworker_cost_usd",
    "assessed_usd",
    "victim_assessed_usd",
)

#: The headline metrics of the terminal table and the heat map (``--metrics`` chooses others).
HEADLINE_METRICS = STRESS_HEADLINE

#: Columns of the stress table, in order.
COLUMNS = (
    "shock",
    "label",
    "metric",
    "unit",
    "good",
    "baseline_mean",
    "shocked_mean",
    "diff",
    "ci95_low",
    "ci95_high",
    "relative_change",
    "significant",
    "effect",
    "paired",
    "note",
    "largest_change_entity",
    "largest_change_usd",
    "largest_change_pct",
)


class NotApplicable(FundsimError):
    """A shock that this scenario has nothing to apply to (the message says why)."""


Apply = Callable[[Scenario], tuple[Scenario, str]]


@dataclass(frozen=True)
class Shock:
    """One stress test: a name, a label for people, and a function building the variant
    (returning it with a note on how it was applied)."""

    name: str
    label: str
    apply: Apply


def _shock_year(s: Scenario) -> int:
    sim = s.simulation
    return min(sim.start_year + 1, sim.end_year)


def _voluntary_cut(s: Scenario) -> tuple[Scenario, str]:
    if "voluntary" not in s.groups():
        raise NotApplicable("no entity is tagged 'voluntary' in this scenario")
    year = _shock_year(s)
    cut = {"year": year, "group": "voluntary", "fraction": 0.25, "years": 2, "entity": None}
    cuts = [c.model_dump() for c in s.cuts] + [cut]
    return with_overrides(
        s, {"cuts": cuts}
    ), f"{year}-{year + 1}, on top of any cuts in the scenario"


def _exit_of_the_largest(s: Scenario, absorption: float) -> tuple[Scenario, str]:
    year = _shock_year(s)
    exits = [e.model_dump() for e in s.exits] + [{"entity": "largest", "year": year}]
    shocked = with_overrides(s, {"exits": exits, "participation.absorption": absorption})
    return shocked, f"from {year}, participation.absorption = {absorption:g}"


def _largest_leaves(s: Scenario) -> tuple[Scenario, str]:
    return _exit_of_the_largest(s, 1.0)


def _largest_leaves_unabsorbed(s: Scenario) -> tuple[Scenario, str]:
    return _exit_of_the_largest(s, 0.0)


def _all_cut(s: Scenario) -> tuple[Scenario, str]:
    year = _shock_year(s)
    cut = {"year": year, "fraction": 0.15, "entity": None, "group": None, "years": None}
    cuts = [c.model_dump() for c in s.cuts] + [cut]
    return with_overrides(s, {"cuts": cuts}), f"every entity, from {year} on"


def shifted_delay(delay: dict[str, Any], months: float) -> tuple[dict[str, Any], str]:
    """The payment-delay distribution moved ``months`` later, and how it was done.

    Fixed, uniform, triangular and normal delays shift exactly. A lognormal keeps its
    standard deviation and gets the shifted mean. Exponential and Poisson delays cannot
    be shifted within their family: they become a normal with the shifted mean and the
    same standard deviation (draws are clipped at 0, as for any delay).
    """
    d = dict(delay)
    kind = d["dist"]
    if kind == "fixed":
        d["value"] += months
    elif kind in ("uniform", "triangular"):
        for k in ("low", "mode", "high"):
            if d.get(k) is not None:
                d[k] += months
    elif kind in ("normal", "lognormal"):
        d["mean"] += months
    else:  # exponential, poisson
        sd = d["mean"] if kind == "exponential" else d["mean"] ** 0.5
        new = {"dist": "normal", "mean": d["mean"] + months, "sd": sd}
        return (
            new,
            f"{kind} delay (mean {d['mean']:g}) replaced by normal(mean {new['mean']:g}, sd "
            f"{sd:.3g})",
        )
    if kind == "lognormal":
        return d, "lognormal delay: mean shifted, same sd"
    return d, f"{kind} delay shifted by {months:g} months"


def _late(s: Scenario) -> tuple[Scenario, str]:
    delay, how = shifted_delay(s.payments.delay_months.model_dump(), 6.0)
    return with_overrides(s, {"payments.delay_months": delay}), how


def _costs(s: Scenario) -> tuple[Scenario, str]:
    p = s.posts
    return (
        with_overrides(
            s,
            {
                "posts.annual_cost_usd": p.annual_cost_usd * 1.1,
                "posts.operating_cost_usd": p.operating_cost_usd * 1.1,
            },
        ),
        "post and operating cost x 1.1 from the start",
    )


def _allegations(s: Scenario) -> tuple[Scenario, str]:
    victims = getattr(s, "victims", None)
    if victims is None:
        raise NotApplicable("no victim-assistance window in this scenario")
    # The victims section multiplies every country's allegations_per_year by its scale:
    # scaling it (not the country column as well) raises arrivals by exactly 50 %.
    scale = victims.allegations.scale
    capacity = victims.caseworkers.capacity
    rule = (
        "caseworkers auto: sized each year to the expected caseload, the surge included"
        if capacity == "auto"
        else f"caseworkers fixed at {capacity} slots: the queue takes the surge"
    )
    return (
        with_overrides(s, {"victims.allegations.scale": scale * 1.5}),
        f"victims.allegations.scale {scale:g} -> {scale * 1.5:g} from the start; {rule}",
    )


def _allegations_other_caseworkers(s: Scenario) -> tuple[Scenario, str]:
    surged, how = _allegations(s)
    victims = s.victims
    assert victims is not None
    workers = victims.caseworkers
    if workers.capacity == "auto":
        budget = victims_first_budget(s)  # the model's own sizing, before the surge
        assert budget is not None
        return (
            with_overrides(surged, {"victims.caseworkers.capacity": budget.slots}),
            f"victims.allegations.scale x 1.5 from the start; caseworkers held at the unshocked "
            f"first-year {budget.slots} slots (fixed, instead of auto): nobody resizes the staff "
            "for the surge",
        )
    return (
        with_overrides(surged, {"victims.caseworkers.capacity": "auto"}),
        f"{how}; caseworker capacity auto (sized each year to the expected caseload at utilisation "
        f"{workers.target_utilisation:g}, instead of {workers.capacity} fixed), at USD "
        f"{workers.cost_usd_year:,.0f} a slot-year",
    )


#: The battery, in the order of the table and the heat map.
SHOCKS: tuple[Shock, ...] = (
    Shock("voluntary_-25%_2y", "voluntary funding -25 % for two years", _voluntary_cut),
    Shock(
        "largest_leaves",
        "the largest contributor leaves, the others absorb its bill",
        _largest_leaves,
    ),
    Shock(
        "largest_leaves_unabsorbed",
        "the largest contributor leaves, its bill is not absorbed",
        _largest_leaves_unabsorbed,
    ),
    Shock("all_-15%", "all contributions -15 % (regular-budget cut)", _all_cut),
    Shock("payments_6m_late", "payments six months late", _late),
    Shock("post_costs_+10%", "post costs +10 %", _costs),
    Shock("allegations_+50%", "allegations +50 %", _allegations),
    Shock(
        "allegations_+50%_other_caseworkers",
        "allegations +50 %, the other caseworker rule",
        _allegations_other_caseworkers,
    ),
)


#: The shocks applied together in ``combined``.
COMBINED = ("voluntary_-25%_2y", "largest_leaves", "all_-15%", "payments_6m_late")


def _combined(s: Scenario) -> tuple[Scenario, str]:
    notes = []
    for shock in (sh for sh in SHOCKS if sh.name in COMBINED):
        try:
            s, _how = shock.apply(s)
            notes.append(shock.name)
        except NotApplicable:
            pass
    if not notes:
        raise NotApplicable("none of the combined shocks applies")
    return s, "together: " + ", ".join(notes)


BATTERY: tuple[Shock, ...] = (
    *SHOCKS,
    Shock("combined", "combined shock (cuts, exit, late payments together)", _combined),
)


@dataclass
class StressResult:
    """The stress table (columns :data:`COLUMNS`) and the runs behind it."""

    table: pd.DataFrame
    baseline: Run
    runs: dict[str, Run] = field(default_factory=dict)


def stress_test(
    scenario: Scenario,
    reps: int | None = None,
    seed: int | None = None,
    *,
    shocks: Sequence[Shock] = BATTERY,
    metrics: Sequence[str] = DEFAULT_METRICS,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[str], None] | None = None,
    provenance: Provenance | None = None,
    bar: Callable[[int], Any] | None = None,
) -> StressResult:
    """Run the baseline and each shock with the same seed and reps; tabulate the changes.

    Differences are shocked minus baseline, in each metric's unit, with paired 95 %
    intervals; ``relative_change`` is the difference over the baseline mean (NaN when
    that is 0). ``significant`` is True when the interval excludes 0. ``unit`` and
    ``good`` (the good direction, ``""`` for none) come from the metric registry;
    ``effect`` says whether a significant change is ``better`` or ``worse``
    (:func:`effect`). The runs go to
    ``workers`` processes (or Dask at ``scheduler``), one run per worker at a time;
    ``progress`` is called with each run's name when it finishes; ``bar`` is a factory
    ``total -> bar`` (``update(n)``, ``close()``, as tqdm) for one bar over every
    replication of the battery, advanced as each run finishes. ``provenance`` (the
    scenario's file, hash and command) goes into the baseline run's manifest.
    """
    scenario = arguments.entry(
        scenario, reps=reps, seed=seed, workers=workers, scheduler=scheduler
    )  # checked as the command line checks it
    # An unknown name fails here (with a did-you-mean), before any run; an alias
    # (dropped_cases) is read as its metric.
    metrics = [lookup(name).name for name in metrics]
    reps = scenario.simulation.replications if reps is None else reps
    seed = scenario.simulation.seed if seed is None else seed
    variants: dict[str, tuple[Scenario, str]] = {}
    not_run: dict[str, str] = {}
    for shock in shocks:
        try:
            variants[shock.name] = shock.apply(scenario)
        except NotApplicable as why:
            not_run[shock.name] = f"not run: {why}"
    # One executor for the whole battery: each run is serial inside a worker, which
    # costs one pool start-up instead of one per run.
    tasks = [("baseline", scenario, reps, seed, provenance)] + [
        (n, v, reps, seed, None) for n, (v, _) in variants.items()
    ]
    runs = _run_all(tasks, reps, workers, scheduler, progress, bar)
    base = runs.pop("baseline")
    base_bills = entity_bills(base)
    present = set(base.summary.index)
    wanted = [m for m in metrics if m in present]
    rows: list[dict[str, Any]] = []
    for shock in shocks:
        if shock.name in not_run:
            rows.append(
                {
                    "shock": shock.name,
                    "label": shock.label,
                    "metric": "",
                    "note": not_run[shock.name],
                }
            )
            continue
        note = variants[shock.name][1]
        cost = largest_bill_change(base_bills, entity_bills(runs[shock.name]))
        cmp = compare_runs(base, runs[shock.name], wanted)
        rows += [_row(shock, r, note, cost) for _, r in cmp.table.iterrows()]
    return StressResult(pd.DataFrame(rows, columns=list(COLUMNS)), base, runs)


def _run_all(
    tasks: list[tuple[str, Scenario, int, int, Provenance | None]],
    reps: int,
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[str], None] | None,
    bar: Callable[[int], Any] | None,
) -> dict[str, Run]:
    """Every run of the battery by name, on one executor (see :func:`stress_test`)."""
    runs: dict[str, Run] = {}
    executor = make_executor(workers, scheduler)
    meter = bar(reps * len(tasks)) if bar is not None else None
    try:
        for name, run in executor.map_unordered(_run_one, tasks):
            runs[name] = run
            if meter is not None:
                meter.update(reps)
            if progress:
                progress(name)
    finally:
        executor.close()
        if meter is not None:
            meter.close()
    return runs


def _row(shock: Shock, r: pd.Series, note: str, cost: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the stress table: one metric under one shock, from the paired comparison
    row ``r`` (the bills' largest change ``cost`` beside it)."""
    base_mean = r["mean_a"]
    significant = bool(r["ci95_low"] > 0 or r["ci95_high"] < 0)
    good = describe(r["metric"]).good
    return {
        "shock": shock.name,
        "label": shock.label,
        "metric": r["metric"],
        "unit": r["unit"],
        "good": good or "",
        "baseline_mean": base_mean,
        "shocked_mean": r["mean_b"],
        "diff": r["diff"],
        "ci95_low": r["ci95_low"],
        "ci95_high": r["ci95_high"],
        "relative_change": r["diff"] / abs(base_mean) if base_mean else np.nan,
        "significant": significant,
        "effect": effect(good, r["diff"], significant),
        "paired": bool(r["paired"]),
        "note": note,
        **cost,
    }


def entity_bills(run: Run) -> pd.DataFrame:
    """What each entity is invoiced by the coordinator fund over the horizon (``assessed_usd``,
    USD, mean over replications: the sum over years of shares.csv) and how much of the
    horizon it takes part (``participation``, mean over years), by entity."""
    shares = run.shares
    if shares.empty or "assessed_usd" not in shares:
        return pd.DataFrame(columns=["assessed_usd", "participation"], dtype=float)
    g = shares.groupby("entity", sort=False)
    part = (
        g["participation"].mean() if "participation" in shares else g["assessed_usd"].sum() * 0 + 1
    )
    return pd.DataFrame({"assessed_usd": g["assessed_usd"].sum(), "participation": part})


def largest_bill_change(base: pd.DataFrame, shocked: pd.DataFrame) -> dict[str, Any]:
    """The entity whose coordinator-fund bill over the horizon changes most under a shock,
    among those that take part as long as in the baseline (an entity that leaves is not the
    answer: its bill simply stops): ``largest_change_entity``, ``largest_change_usd``
    (shocked - baseline, USD, means over replications) and ``largest_change_pct`` (that
    change over the entity's baseline bill, a fraction). Empty when no bill changes."""
    empty = {
        "largest_change_entity": "",
        "largest_change_usd": np.nan,
        "largest_change_pct": np.nan,
    }
    both = base.merge(shocked, left_index=True, right_index=True, suffixes=("_base", "_shocked"))
    stay = both[
        (both["assessed_usd_base"] > 0)
        & (both["participation_shocked"] >= both["participation_base"] - 1e-9)
    ]
    if stay.empty:
        return empty
    change = stay["assessed_usd_shocked"] - stay["assessed_usd_base"]
    if not (change.abs() >= 0.5).any():  # no bill moves by a dollar
        return empty
    at = int(np.argmax(change.abs().to_numpy()))
    return {
        "largest_change_entity": str(change.index[at]),
        "largest_change_usd": float(change.iloc[at]),
        "largest_change_pct": float(change.iloc[at] / stay["assessed_usd_base"].iloc[at]),
    }


def effect(good: str | None, diff: float, significant: bool) -> str:
    """``"better"`` or ``"worse"`` for a significant change of a metric with a good
    direction (``"higher"``, ``"lower"``); ``""`` for no significant change or an
    undirected metric (closing cash is neither better nor worse higher)."""
    if not good or not significant or not diff:
        return ""
    return "better" if (diff > 0) == (good == "higher") else "worse"


def _run_one(
    name: str, scenario: Scenario, reps: int, seed: int, provenance: Provenance | None
) -> tuple[str, Run]:
    """One run of the battery, serial (module-level: worker processes run it)."""
    return name, run_scenario(scenario, reps=reps, seed=seed, workers=1, provenance=provenance)
