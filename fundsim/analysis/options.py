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

The tables are built in :mod:`fundsim.analysis.options_tables` (every name still imports
from here); this module runs the set, resumes it, and orders the two leading options under
the stress battery.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundsim.analysis.compare import paired_interval
from fundsim.analysis.options_tables import (
    COST,
    LADDER_METRICS,
    METRICS,
    RISKS,
    BuiltOption,
    OptionsResult,
    bills,
    cost_per_year,
    decomposition,
    dominated,
    entity_costs,
    holds_zero,
    options_table,
    ranking,
    replication_column,
    total_interval,
)
from fundsim.errors import BadInput
from fundsim.results import Run, read_run
from fundsim.results.atomic import write_text
from fundsim.runner.batch import BatchItem, remove_leftovers, run_batch
from fundsim.scenario import Scenario, load_scenario, scenario_hash
from fundsim.scenario.names import folder_name
from fundsim.scenario.options import OptionsSpec
from fundsim.scenario.overrides import OverrideError, with_overrides

__all__ = [
    "COST",
    "KEY_FILE",
    "LADDER_METRICS",
    "METRICS",
    "RISKS",
    "STRESS_COLUMNS",
    "BuiltOption",
    "OptionsError",
    "OptionsResult",
    "assumptions",
    "bills",
    "build_options",
    "cached_options",
    "cost_per_year",
    "decomposition",
    "dominated",
    "entity_costs",
    "options_from_file",
    "options_key",
    "options_table",
    "ranking",
    "ranking_under_stress",
    "run_options",
    "total_interval",
]

#: The key file of an options folder: what a resume must match.
KEY_FILE = "options.json"
RUNS = "runs"


class OptionsError(BadInput):
    """An option set that cannot run: a bad key, a folder in the way, a resume that does not
    match."""


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
        built.append(
            BuiltOption(o.name, folder, scenario, Path(o.scenario_file or base_file), o.describe())
        )
    return built


def options_key(
    options: Sequence[BuiltOption], spec: OptionsSpec, reps: int, seed: int
) -> dict[str, Any]:
    """What identifies an option set: a resume must find exactly this in ``options.json``."""
    return {
        "reps": int(reps),
        "seed": int(seed),
        "reference": spec.reference,
        "pairing": spec.pairing,
        "options": [
            {"name": o.name, "folder": o.folder, "scenario_hash": scenario_hash(o.scenario)}
            for o in options
        ],
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
                raise OptionsError(
                    f"{out}: holds another option set (options, seed or replications differ); "
                    "use another --out, or --force to start again"
                )
        elif not force and any(out.iterdir()):
            raise OptionsError(
                f"{out}: already exists and is not an options folder (use --force or another --out)"
            )
        if force and not mine and any(out.iterdir()):
            raise OptionsError(
                f"{out}: is not an options folder; --force replaces only an options folder"
            )
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / KEY_FILE, json.dumps(key, indent=2, sort_keys=True) + "\n")
    return False


def _run_in_memory(
    built: list[BuiltOption],
    reps: int,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    bar: Callable[[int], Any] | None,
) -> dict[str, Run]:
    """Run every option in memory, one after the other on one executor (option name -> run);
    ``bar`` as for :func:`run_options`."""
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
    return runs


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
        runs = _run_in_memory(built, reps, seed, workers, scheduler, bar)
    else:
        out = Path(out)
        resume = _prepare(out, options_key(built, spec, reps, seed), force)
        items = [
            BatchItem(
                name=o.folder, file=o.file, scenario=o.scenario, parameters={"option": o.name}
            )
            for o in built
        ]
        runs_dir = out / RUNS
        if resume:
            remove_leftovers(runs_dir, [o.folder for o in built]) if runs_dir.is_dir() else None
        outcomes = run_batch(
            items,
            runs_dir,
            reps=reps,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            resume=True,
            force=force,
            progress=bar,
            command=command,
        )
        failed = [o for o in outcomes if o.status == "failed"]
        if failed:
            raise RuntimeError(
                f"option {failed[0].item.parameters['option']!r} failed: {failed[0].error}"
            )
        kept = sum(o.status == "kept" for o in outcomes)
        runs = {o.name: read_run(runs_dir / o.folder) for o in built}
    table = options_table(built, runs, spec)
    costs = entity_costs(built, runs)
    result = OptionsResult(
        spec, built, runs, table, costs, reps, seed, None if out is None else Path(out), kept
    )
    if spec.pairing == "previous":
        result.decomposition = decomposition(table, runs)
    return result


def assumptions(scenario: Scenario, limit: int = 8) -> list[tuple[str, str]]:
    """The scenario's inputs marked ASSUMPTION in ``[sources]`` (key, text), money and
    participation keys first, at most ``limit``."""
    marked = [
        (k, v) for k, v in scenario.sources.items() if v.lstrip().upper().startswith("ASSUMPTION")
    ]
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
    blob = json.dumps(
        {"key": options_key(built, file_spec, reps, seed), "code": code_version()}, sort_keys=True
    )
    out = Path(cache or DEFAULT_CACHE) / f"options-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"
    return run_options(file_spec, base, file, reps=reps, seed=seed, out=out, workers=workers)


#: Columns of :func:`ranking_under_stress`.
STRESS_COLUMNS = (
    "shock",
    "label",
    "first",
    "second",
    "metric",
    "diff",
    "diff_low",
    "diff_high",
    "verdict",
)


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
    battery = {
        n: stress_test(
            built[n].scenario,
            result.reps,
            result.seed,
            workers=workers,
            scheduler=scheduler,
            bar=bar,
        )
        for n in names
    }
    first, second = (battery[n] for n in names)
    labels = dict(zip(first.table["shock"], first.table["label"], strict=False))
    pairs = [("none", "no shock", first.baseline, second.baseline)]
    pairs += [
        (s, labels.get(s, s), first.runs[s], second.runs[s]) for s in first.runs if s in second.runs
    ]
    rows = []
    reference: dict[str, tuple[float, float, float]] = {}
    for shock, label, ra, rb in pairs:
        for m in metrics:
            a, b = replication_column(ra, m), replication_column(rb, m)
            if a is None or b is None:
                continue
            ok = ~(np.isnan(a) | np.isnan(b))
            d = paired_interval(a[ok], b[ok])
            if shock == "none":
                reference[m] = d
                verdict = ""
            else:
                verdict = _verdict(reference[m], d)
            rows.append(
                {
                    "shock": shock,
                    "label": label,
                    "first": names[0],
                    "second": names[1],
                    "metric": m,
                    "diff": d[0],
                    "diff_low": d[1],
                    "diff_high": d[2],
                    "verdict": verdict,
                }
            )
    return pd.DataFrame(rows, columns=list(STRESS_COLUMNS))


def _verdict(before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    was, now = not holds_zero(before), not holds_zero(after)
    if not now:
        return "not distinguishable" if was else "holds"
    if not was:
        return "distinguishable"
    return "holds" if (before[0] > 0) == (after[0] > 0) else "reverses"
