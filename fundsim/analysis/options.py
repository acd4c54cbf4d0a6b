"""Options side by side: every option run with common random numbers, its bill by entity,
its paired difference against a reference, and a ladder's decomposition.

``run_options`` takes the options of a scenario's ``[options]`` table
(:mod:`fundsim.scenario.options`), builds each as a scenario (a file, dotted keys on it:
:func:`build_options`) and runs them with the batch runner (:func:`fundsim.runner.batch.run_batch`)
into ``<out>/runs/<option>/``, one run directory per option, all with the same seed and
replication count: replication ``r`` of every option shares its random draws where the
structures agree, so differences are measured, not noise. A killed set resumes from the run
directories it finished (the batch runner keeps a run whose manifest matches). The tables:

- :func:`options_table`: one row per option: each headline metric's mean and 95 % interval,
  and its paired difference against the reference (``pairing = "reference"``) or against the
  option before it (``pairing = "previous"``: a ladder), with the 95 % interval of the paired
  difference from :func:`fundsim.analysis.compare.compare_runs`;
- :func:`entity_costs`: option x entity x year: invoice and paid (USD, mean over replications,
  from each run's ``shares.csv``; coordinator window, plus the victims' window where a run has
  its per-entity table);
- :func:`dominated`: options another option beats on cost and on every risk metric;
- :func:`decomposition`: a ladder's steps (each option minus the one before) and the total,
  for the waterfall.

Metrics a run does not emit (a victims' metric without a victims' window) are left out of its
row (NaN). ``cost_usd_year`` is derived per replication (invoices of both windows over the
years of the horizon) and paired with the same statistics as every registered metric
(:func:`fundsim.analysis.compare.paired_interval`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundsim.analysis.compare import compare_runs, paired_interval
from fundsim.errors import BadInput
from fundsim.results import Run, read_run
from fundsim.results.atomic import write_text
from fundsim.results.metrics import summarize_column
from fundsim.results.registry import RENAMED_COLUMNS, describe
from fundsim.runner.batch import BatchItem, remove_leftovers, run_batch
from fundsim.scenario import Scenario, load_scenario, scenario_hash
from fundsim.scenario.names import folder_name
from fundsim.scenario.options import OptionsSpec
from fundsim.scenario.overrides import OverrideError, with_overrides

#: The key file of an options folder: what a resume must match.
KEY_FILE = "options.json"
RUNS = "runs"
#: The derived per-replication metric: invoices of both windows a year (USD).
COST = "cost_usd_year"
#: Headline metrics of the options table, in order (those a run emits).
METRICS: tuple[str, ...] = (
    "coordinator_coverage",
    "funding_lost_share",
    "p_tier1_interrupted",
    "interruptions_per_post_year",
    "liquidity_at_risk_usd",
    COST,
    "admin_fees_usd",
    "max_bill_change",
    "victims_assisted_share",
    "median_wait_days",
)
#: What the trade-off is judged on: cost (lower is better) against these, each with its good direction.
RISKS: tuple[tuple[str, str], ...] = (
    ("coordinator_coverage", "higher"),
    ("funding_lost_share", "lower"),
    ("p_tier1_interrupted", "lower"),
    ("victims_assisted_share", "higher"),
)


#: A metric's column in replications.csv where the two names differ (p_gap is column gap).
_SOURCE = {name: column for column, name in RENAMED_COLUMNS.items()}


class OptionsError(BadInput):
    """An option set that cannot run: a bad key, a folder in the way, a resume that does not match."""


@dataclass(frozen=True)
class BuiltOption:
    """One option ready to run: its name, folder, scenario, and what it changes."""

    name: str
    folder: str
    scenario: Scenario
    file: Path
    change: str


@dataclass
class OptionsResult:
    """A finished option set: its tables, its runs (by option name), and how it ran."""

    spec: OptionsSpec
    options: list[BuiltOption]
    runs: dict[str, Run]
    table: pd.DataFrame
    entity_costs: pd.DataFrame
    reps: int
    seed: int
    out: Path | None
    kept: int = 0
    decomposition: pd.DataFrame = field(default_factory=pd.DataFrame)


def build_options(spec: OptionsSpec, base: Scenario, base_file: str | Path) -> list[BuiltOption]:
    """Each option of ``spec`` as a validated scenario (raises :class:`OptionsError`
    naming the option and key when a key or value is refused)."""
    built = []
    folders: set[str] = set()
    loaded: dict[Path, Scenario] = {}
    for o in spec.options:
        start = base
        if o.scenario_file is not None:
            if o.scenario_file not in loaded:
                loaded[o.scenario_file] = load_scenario(o.scenario_file)
            start = loaded[o.scenario_file]
        keys = {k: v for k, v in o.overrides.items() if v is not None}
        try:
            scenario = with_overrides(start, keys) if keys else start
        except OverrideError as exc:
            raise OptionsError(f"{base_file}: options: {o.name!r}: {exc}") from None
        folder = folder_name(o.name)
        k = 2
        while folder in folders:
            folder, k = f"{folder_name(o.name)}-{k}", k + 1
        folders.add(folder)
        built.append(BuiltOption(o.name, folder, scenario, Path(o.scenario_file or base_file), o.describe()))
    return built


def options_key(options: Sequence[BuiltOption], spec: OptionsSpec, reps: int, seed: int) -> dict[str, Any]:
    """What identifies an option set: a resume must find exactly this in ``options.json``."""
    return {
        "reps": int(reps),
        "seed": int(seed),
        "reference": spec.reference,
        "pairing": spec.pairing,
        "options": [{"name": o.name, "folder": o.folder, "scenario_hash": scenario_hash(o.scenario)} for o in options],
    }


def _prepare(out: Path, key: dict[str, Any], force: bool) -> bool:
    """Make ``out`` ready; return whether it resumes an interrupted set with the same key."""
    if out.exists():
        mine = (out / KEY_FILE).is_file()
        if mine:
            try:
                found = json.loads((out / KEY_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = None
            if found == key:
                return True
            if not force:
                raise OptionsError(f"{out}: holds another option set (options, seed or replications differ); "
                                   "use another --out, or --force to start again")
        elif not force and any(out.iterdir()):
            raise OptionsError(f"{out}: already exists and is not an options folder (use --force or another --out)")
        if force and not mine and any(out.iterdir()):
            raise OptionsError(f"{out}: is not an options folder; --force replaces only an options folder")
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / KEY_FILE, json.dumps(key, indent=2, sort_keys=True) + "\n")
    return False


def run_options(
    spec: OptionsSpec,
    base: Scenario,
    base_file: str | Path,
    *,
    reps: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    bar: Callable[[int], Any] | None = None,
    command: str | None = None,
) -> OptionsResult:
    """Run every option of ``spec`` with the same seed and replications; tabulate them.

    ``reps`` and ``seed`` default to ``base``'s. With ``out``, each option's run directory
    is written to ``<out>/runs/<option>/`` as it finishes, and running again into the same
    ``out`` keeps the options already finished (identical numbers: each run depends only on
    its scenario, the seed and the replications); ``force`` starts an options folder again.
    Without ``out`` the runs stay in memory. ``bar`` is a factory ``total -> bar`` over every
    replication still to run (tqdm: with its ETA).
    """
    reps = base.simulation.replications if reps is None else int(reps)
    seed = base.simulation.seed if seed is None else int(seed)
    built = build_options(spec, base, base_file)
    kept = 0
    if out is None:
        from fundsim.runner import run_scenario
        from fundsim.runner.executors import make_executor

        runs: dict[str, Run] = {}
        executor = make_executor(workers, scheduler)
        meter = bar(reps * len(built)) if bar is not None else None
        try:
            for o in built:
                runs[o.name] = run_scenario(o.scenario, reps=reps, seed=seed, executor=executor)
                if meter is not None:
                    meter.update(reps)
        finally:
            executor.close()
            if meter is not None:
                meter.close()
    else:
        out = Path(out)
        resume = _prepare(out, options_key(built, spec, reps, seed), force)
        items = [BatchItem(name=o.folder, file=o.file, scenario=o.scenario, parameters={"option": o.name})
                 for o in built]
        runs_dir = out / RUNS
        if resume:
            remove_leftovers(runs_dir, [o.folder for o in built]) if runs_dir.is_dir() else None
        outcomes = run_batch(items, runs_dir, reps=reps, seed=seed, workers=workers, scheduler=scheduler,
                             resume=True, force=force, progress=bar, command=command)
        failed = [o for o in outcomes if o.status == "failed"]
        if failed:
            raise RuntimeError(f"option {failed[0].item.parameters['option']!r} failed: {failed[0].error}")
        kept = sum(o.status == "kept" for o in outcomes)
        runs = {o.name: read_run(runs_dir / o.folder) for o in built}
    table = options_table(built, runs, spec)
    costs = entity_costs(built, runs)
    result = OptionsResult(spec, built, runs, table, costs, reps, seed, None if out is None else Path(out), kept)
    if spec.pairing == "previous":
        result.decomposition = decomposition(table, runs)
    return result


# --------------------------------------------------------------------------- tables


def cost_per_year(run: Run) -> np.ndarray:
    """Invoices of both windows a year, per replication (USD): ``assessed_usd`` plus
    ``victim_assessed_usd`` where present, over the horizon's years."""
    reps = run.replications
    total = reps["assessed_usd"].to_numpy(dtype=float).copy()
    if "victim_assessed_usd" in reps:
        total += np.nan_to_num(reps["victim_assessed_usd"].to_numpy(dtype=float))
    return total / int(run.manifest.get("years") or _years(run))


def _years(run: Run) -> int:
    return int(run.shares["year"].nunique()) if len(run.shares) else 1


def _column(run: Run, metric: str) -> np.ndarray | None:
    if metric == COST:
        return cost_per_year(run)
    reps = run.replications
    col = _SOURCE.get(metric, metric) if metric not in reps else metric
    return reps[col].to_numpy(dtype=float) if col in reps else None


def _interval(metric: str, x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % interval as every summary computes them (a probability's is Wilson's)."""
    probability = metric != COST and describe(metric).unit == "probability"
    s = summarize_column(x, probability=probability)
    return s["mean"], s["ci95_low"], s["ci95_high"]


def options_table(options: Sequence[BuiltOption], runs: dict[str, Run], spec: OptionsSpec,
                  metrics: Sequence[str] = METRICS) -> pd.DataFrame:
    """One row per option (columns ``option``, ``against``, ``change``, then per metric
    ``<m>``, ``<m>_low``, ``<m>_high`` (95 % interval of the mean) and ``<m>_diff``,
    ``<m>_diff_low``, ``<m>_diff_high`` (paired difference option minus ``against``)).
    Registered metrics are differenced by :func:`~fundsim.analysis.compare.compare_runs`;
    ``cost_usd_year`` by the same paired interval on its per-replication values."""
    names = [o.name for o in options]
    rows = []
    for i, o in enumerate(options):
        run = runs[o.name]
        against = (names[i - 1] if i else None) if spec.pairing == "previous" else (
            None if o.name == spec.reference else spec.reference)
        row: dict[str, Any] = {"option": o.name, "against": against or "", "change": o.change,
                               "countries": len(o.scenario.countries)}
        other = runs[against] if against else None
        registered = [m for m in metrics if m != COST and _column(run, m) is not None
                      and (other is None or _column(other, m) is not None)]
        cmp = compare_runs(other, run, registered) if other is not None and registered else None
        for m in metrics:
            x = _column(run, m)
            mean, lo, hi = _interval(m, x) if x is not None else (math.nan,) * 3
            row.update({m: mean, f"{m}_low": lo, f"{m}_high": hi})
            d = (math.nan,) * 3
            if other is not None and x is not None:
                if m == COST:
                    d = paired_interval(cost_per_year(other), x)
                elif cmp is not None and m in registered:
                    r = cmp.row(m)
                    d = (float(r["diff"]), float(r["ci95_low"]), float(r["ci95_high"]))
            row.update({f"{m}_diff": d[0], f"{m}_diff_low": d[1], f"{m}_diff_high": d[2]})
        rows.append(row)
    frame = pd.DataFrame(rows)
    networks = [tuple(c.code for c in o.scenario.countries) for o in options]
    frame["dominated_by"] = dominated(frame, runs, networks)
    return frame


def _holds_zero(d: tuple[float, float, float]) -> bool:
    """Whether a paired difference is not distinguishable from 0 (its interval holds 0, or
    it is 0 in every replication)."""
    mean, lo, hi = d
    if not math.isfinite(mean):
        return True
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return mean == 0
    return lo <= 0 <= hi


def dominated(table: pd.DataFrame, runs: dict[str, Run] | None = None,
              networks: Sequence[Any] | None = None) -> list[str]:
    """For each option, an option that dominates it (``""`` when none): no worse on cost
    (lower is better) and on every risk metric (:data:`RISKS`), and better on at least one.
    With ``runs``, "worse" and "better" are paired differences whose 95 % interval excludes
    0 (a difference within the noise is neither); without, the means decide. With
    ``networks`` (one per row, e.g. the countries' codes), only options over the same
    network are compared: coverage of 14 countries is not coverage of 24."""
    out = []
    judged = [(COST, "lower"), *((m, g) for m, g in RISKS if m in table and table[m].notna().all())]
    names = list(table["option"])
    for i, a in enumerate(names):
        by = ""
        for j, b in enumerate(names):
            if a == b or (networks is not None and networks[i] != networks[j]):
                continue
            better = worse = False
            for m, good in judged:
                if runs is not None:
                    d = total_interval(runs, a, b, m)  # b - a
                    if _holds_zero(d):
                        continue
                    diff = d[0]
                else:
                    ra, rb = table.loc[table["option"] == a, m].iloc[0], table.loc[table["option"] == b, m].iloc[0]
                    diff = float(rb - ra)
                    if diff == 0:
                        continue
                if (diff > 0) == (good == "higher"):
                    better = True
                else:
                    worse = True
            if better and not worse:
                by = b
                break
        out.append(by)
    return out


def entity_costs(options: Sequence[BuiltOption], runs: dict[str, Run]) -> pd.DataFrame:
    """Option x entity x year: ``invoice_usd`` and ``paid_usd`` (mean over replications)
    of the coordinator window (``window = "coordinators"``, from ``shares.csv``)."""
    frames = []
    for o in options:
        s = runs[o.name].shares
        frames.append(pd.DataFrame({
            "option": o.name, "window": "coordinators", "entity": s["entity"], "year": s["year"],
            "invoice_usd": s["assessed_usd"].astype(float), "paid_usd": s["paid_usd"].astype(float),
        }))
    return pd.concat(frames, ignore_index=True)


def bills(costs: pd.DataFrame, options: Sequence[str]) -> pd.DataFrame:
    """Each entity's mean invoice a year under ``options`` (entities as rows, USD), largest first."""
    sub = costs[costs["option"].isin(options)]
    wide = sub.groupby(["entity", "option"])["invoice_usd"].mean().unstack("option")
    wide = wide.reindex(columns=list(options))
    return wide.sort_values(next(iter(options)), ascending=False)


#: The metrics of a ladder's decomposition.
LADDER_METRICS: tuple[str, ...] = ("coordinator_coverage", "interruptions_per_post_year", "p_tier1_interrupted", COST)


def decomposition(table: pd.DataFrame, runs: dict[str, Run] | None = None,
                  metrics: Sequence[str] = LADDER_METRICS) -> pd.DataFrame:
    """A ladder's steps: for each option after the first, its change against the one before
    in each metric (paired, 95 % interval), then a ``total`` row (last minus first, the sum of
    the steps; with ``runs``, its 95 % interval is the paired interval of last minus
    first). Columns ``step``, ``from``, ``to``, ``change``, ``metric``, ``level_from``,
    ``level_to``, ``diff``, ``diff_low``, ``diff_high``."""
    rows = []
    for i in range(1, len(table)):
        a, b = table.iloc[i - 1], table.iloc[i]
        for m in metrics:
            if m not in table:
                continue
            rows.append({"step": i, "from": a["option"], "to": b["option"], "change": b["change"], "metric": m,
                         "level_from": a[m], "level_to": b[m], "diff": b[f"{m}_diff"],
                         "diff_low": b[f"{m}_diff_low"], "diff_high": b[f"{m}_diff_high"]})
    frame = pd.DataFrame(rows)
    if len(table) > 1 and len(frame):
        first, last = table.iloc[0], table.iloc[-1]
        totals = []
        for m in (m for m in metrics if m in table):
            d = (total_interval(runs, first["option"], last["option"], m) if runs is not None
                 else (frame.loc[frame["metric"] == m, "diff"].sum(), math.nan, math.nan))
            totals.append({"step": len(table), "from": first["option"], "to": last["option"], "change": "total",
                           "metric": m, "level_from": first[m], "level_to": last[m],
                           "diff": d[0], "diff_low": d[1], "diff_high": d[2]})
        frame = pd.concat([frame, pd.DataFrame(totals)], ignore_index=True)
    return frame


def total_interval(runs: dict[str, Run], first: str, last: str, metric: str) -> tuple[float, float, float]:
    """The paired difference ``last - first`` of one metric and its 95 % interval (the
    ladder's total, measured directly rather than summed)."""
    a, b = _column(runs[first], metric), _column(runs[last], metric)
    if a is None or b is None:
        return (math.nan,) * 3
    ok = ~(np.isnan(a) | np.isnan(b))
    return paired_interval(a[ok], b[ok])


def ranking(result: OptionsResult, metrics: Sequence[str] = ("coordinator_coverage", COST)) -> pd.DataFrame:
    """The leading options (``spec.leading`` of them) and how far apart they are.

    The options whose coverage is not distinguishable from the highest (paired 95 %
    interval holding 0) come first, the least costly of them first; the others follow by
    coverage. For each leading option after the first, its paired difference from the one
    ranked above it in ``metrics``. Columns ``rank``, ``option``, ``above``, ``metric``,
    ``diff``, ``diff_low``, ``diff_high``, ``distinguishable``, ``tied_on_coverage`` (how
    many options share the highest coverage within the noise)."""
    t = result.table.sort_values(["coordinator_coverage", COST], ascending=[False, True], kind="stable")
    top = str(t["option"].iloc[0])
    cov = "coordinator_coverage"
    tied = [o for o in t["option"] if o == top or _holds_zero(total_interval(result.runs, top, o, cov))]
    cost = t.set_index("option")[COST]
    order = sorted(tied, key=lambda o: cost[o]) + [o for o in t["option"] if o not in tied]
    names = order[: result.spec.leading]
    rows = []
    for k, name in enumerate(names):
        for m in metrics:
            d = (math.nan,) * 3 if k == 0 else total_interval(result.runs, names[k - 1], name, m)
            rows.append({"rank": k + 1, "option": name, "above": names[k - 1] if k else "", "metric": m,
                         "diff": d[0], "diff_low": d[1], "diff_high": d[2],
                         "distinguishable": k == 0 or not _holds_zero(d), "tied_on_coverage": len(tied)})
    return pd.DataFrame(rows)


def assumptions(scenario: Scenario, limit: int = 8) -> list[tuple[str, str]]:
    """The scenario's inputs marked ASSUMPTION in ``[sources]`` (key, text), money and
    participation keys first, at most ``limit``."""
    marked = [(k, v) for k, v in scenario.sources.items() if v.lstrip().upper().startswith("ASSUMPTION")]
    first = ("mechanism", "participation", "payments", "cuts", "incumbents", "host_lines")
    marked.sort(key=lambda kv: (0 if kv[0].startswith(first) else 1, kv[0]))
    return marked[:limit]


def options_from_file(file: str | Path) -> tuple[OptionsSpec, Scenario]:
    """The ``[options]`` table of ``file`` (or the default set) and its scenario."""
    from fundsim.scenario.options import load_options_table, parse_options

    return parse_options(load_options_table(file), file), load_scenario(file)


def cached_options(
    file: str | Path,
    reps: int,
    seed: int,
    *,
    spec: OptionsSpec | None = None,
    workers: int | None = 1,
    cache: str | Path | None = None,
) -> OptionsResult:
    """:func:`run_options` for notebooks: the option set of ``file`` (or ``spec``) run into
    the run cache (``results/run_cache/options-<key>``, keyed on the options' scenarios, the
    package's code, reps and seed), so that asking again reads every run back."""
    import hashlib

    from fundsim.analysis.run_cache import DEFAULT_CACHE, code_version

    file_spec, base = options_from_file(file) if spec is None else (spec, load_scenario(file))
    built = build_options(file_spec, base, file)
    blob = json.dumps({"key": options_key(built, file_spec, reps, seed), "code": code_version()}, sort_keys=True)
    out = Path(cache or DEFAULT_CACHE) / f"options-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"
    return run_options(file_spec, base, file, reps=reps, seed=seed, out=out, workers=workers)


#: Columns of :func:`ranking_under_stress`.
STRESS_COLUMNS = ("shock", "label", "first", "second", "metric", "diff", "diff_low", "diff_high", "verdict")


def ranking_under_stress(
    result: OptionsResult,
    *,
    metrics: Sequence[str] = ("coordinator_coverage", COST),
    workers: int | None = None,
    scheduler: str | None = None,
    bar: Callable[[int], Any] | None = None,
) -> pd.DataFrame:
    """Whether the two leading options (:func:`ranking`) keep their order under each shock of
    the standard stress battery (:func:`fundsim.analysis.stress.stress_test`, run on each of
    the two with the set's seed and replications).

    One row per shock (``"none"`` first: the unshocked runs) and metric: the paired difference
    second minus first under that shock with its 95 % interval, and ``verdict``: ``"holds"``
    (the same sign as unshocked, or both not distinguishable), ``"not distinguishable"`` (was
    distinguishable, is not) or ``"reverses"`` (distinguishable, opposite sign). A shock that
    does not apply to one of the two is left out."""
    from fundsim.analysis.stress import stress_test

    rank = ranking(result)
    names = list(dict.fromkeys(rank["option"]))[:2]
    if len(names) < 2:
        return pd.DataFrame(columns=list(STRESS_COLUMNS))
    built = {o.name: o for o in result.options}
    battery = {n: stress_test(built[n].scenario, result.reps, result.seed, workers=workers, scheduler=scheduler,
                              bar=bar) for n in names}
    first, second = (battery[n] for n in names)
    labels = dict(zip(first.table["shock"], first.table["label"], strict=False))
    pairs = [("none", "no shock", first.baseline, second.baseline)]
    pairs += [(s, labels.get(s, s), first.runs[s], second.runs[s]) for s in first.runs if s in second.runs]
    rows = []
    reference: dict[str, tuple[float, float, float]] = {}
    for shock, label, ra, rb in pairs:
        for m in metrics:
            a, b = _column(ra, m), _column(rb, m)
            if a is None or b is None:
                continue
            ok = ~(np.isnan(a) | np.isnan(b))
            d = paired_interval(a[ok], b[ok])
            if shock == "none":
                reference[m] = d
                verdict = ""
            else:
                verdict = _verdict(reference[m], d)
            rows.append({"shock": shock, "label": label, "first": names[0], "second": names[1], "metric": m,
                         "diff": d[0], "diff_low": d[1], "diff_high": d[2], "verdict": verdict})
    return pd.DataFrame(rows, columns=list(STRESS_COLUMNS))


def _verdict(before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    was, now = not _holds_zero(before), not _holds_zero(after)
    if not now:
        return "not distinguishable" if was else "holds"
    if not was:
        return "distinguishable"
    return "holds" if (before[0] > 0) == (after[0] > 0) else "reverses"
