"""Exploratory experiments: futures (a Latin hypercube over the uncertainties) x policies.

``run_explore`` samples ``futures`` points of the scenario's ``[explore]`` uncertainties
(:func:`sample_futures`), and in each future runs every policy for ``reps`` replications
with the *same* seed: common random numbers, so that two policies in one future, and one
policy in two futures, differ by what they change and not by their noise. Each outcome is
the mean over those replications of a registry metric (a probability metric such as
``p_tier1_interrupted`` is then the share of replications in which it happened). A row
fails when any ``fails_when`` condition holds.

The unit of work is a future (all its policies), run on the batch runner's executors
(serial, local processes, Dask). Each finished future is written at once, atomically, to
``parts/future-NNNNN.csv`` in the output folder; a killed experiment resumes from those
files (``resume=True``) and ends with the same bytes as one that was never stopped,
because every future's numbers depend only on the scenario, the spec, the seed and the
future's own values. The experiment's folder holds:

- ``explore.json``: what the experiment is (scenario hash, spec, futures, reps, seed);
  a resume must match it;
- ``futures.csv``: the sampled futures (one row each, the uncertainties' values);
- ``experiments.csv``: the tidy table, one row per future and policy (future inputs,
  lever labels, outcomes, ``failed``).

Besides the spec's outcomes, every design's **cost** is an outcome of every row
(:func:`evaluated_outcomes`): what the entities are invoiced over the horizon
(``assessed_usd``, and ``victim_assessed_usd`` with a victims' window) and the cash left
idle at the end (``closing_balance_usd``, where a larger reserve sits). A design that
holds up only because its members pay more up front shows it; the robustness ranking
(:mod:`fundsim.analysis.robustness`) weighs it.

:func:`outcomes_at` (:mod:`fundsim.analysis.explore_eval`) is the one evaluation both this
module and the EMA Workbench adapter (:mod:`fundsim.analysis.ema_adapter`) call, so that they
give identical numbers. The workers run :func:`~fundsim.analysis.explore_eval.future_rows`:
only the replications' metrics, no tables, no pandas; the rows become a table here.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# the evaluation the workers run, and its names as this module has always exported them
from fundsim.analysis.explore_eval import COST_OUTCOMES as COST_OUTCOMES
from fundsim.analysis.explore_eval import IDLE_OUTCOME as IDLE_OUTCOME
from fundsim.analysis.explore_eval import cost_outcomes as cost_outcomes
from fundsim.analysis.explore_eval import evaluated_outcomes, future_rows
from fundsim.analysis.explore_eval import future_values as future_values
from fundsim.analysis.explore_eval import outcomes_at as outcomes_at
from fundsim.errors import BadInput
from fundsim.results.atomic import write_csv, write_text
from fundsim.results.registry import UnknownMetric, lookup
from fundsim.runner import arguments
from fundsim.runner.executors import make_executor
from fundsim.runner.seeds import stream_seed
from fundsim.scenario import Scenario, scenario_hash
from fundsim.scenario.explore import ExploreSpec, Policy

KEY_FILE = "explore.json"
FUTURES_FILE = "futures.csv"
EXPERIMENTS_FILE = "experiments.csv"
PARTS = "parts"
#: Columns of the tidy table that are neither inputs nor outcomes.
ID_COLUMNS = ("future", "policy")


class ExploreError(BadInput):
    """An experiment that cannot start: an unknown outcome, a folder in the way, a resume
    that does not match."""


@dataclass(frozen=True)
class ExploreResult:
    """A finished experiment: its tidy table, its futures, and how it was run."""

    experiments: pd.DataFrame
    futures: pd.DataFrame
    spec: ExploreSpec
    reps: int
    seed: int
    out: Path | None
    kept: int  # futures read back from an interrupted run


def check_outcomes(scenario: Scenario, spec: ExploreSpec) -> None:
    """Refuse (:class:`ExploreError`) an outcome the registry does not know or the scenario
    does not emit (a victims' metric without a victims' window)."""
    for name in spec.outcomes:
        try:
            metric = lookup(name)
        except UnknownMetric as exc:
            raise ExploreError(f"explore.outcomes: {exc}") from None
        if metric.requires == "victims" and scenario.victims is None:
            raise ExploreError(
                f"explore.outcomes: {name!r} needs a victim-assistance window, and this scenario "
                "has none"
            )


# --------------------------------------------------------------------------- futures and policies


def sample_futures(spec: ExploreSpec, n: int, seed: int) -> pd.DataFrame:
    """``n`` futures: a Latin hypercube over the uncertainties (scipy's, seeded from
    ``seed`` by a stream of its own). A range is uniform between its ends (an integer range
    gives each whole value the same chance); categories are equally likely. Columns are the
    uncertainties' keys (numbers, or labels for categories); index ``future`` 0..n-1."""
    from scipy.stats import qmc

    rng = np.random.Generator(
        np.random.PCG64(stream_seed(np.random.SeedSequence(seed), "explore_futures"))
    )
    u = qmc.LatinHypercube(d=len(spec.uncertainties), seed=rng).random(n)
    columns: dict[str, Any] = {}
    for j, unc in enumerate(spec.uncertainties):
        if unc.categorical:
            k = len(unc.labels)
            columns[unc.key] = [unc.labels[min(k - 1, int(x * k))] for x in u[:, j]]
        elif unc.integer:
            lo, hi = math.ceil(unc.low), math.floor(unc.high)  # type: ignore[arg-type]
            columns[unc.key] = np.minimum(hi, lo + np.floor(u[:, j] * (hi - lo + 1))).astype(
                np.int64
            )
        else:
            columns[unc.key] = unc.low + u[:, j] * (unc.high - unc.low)  # type: ignore[operator]
    frame = pd.DataFrame(columns)
    frame.index.name = "future"
    return frame


# --------------------------------------------------------------------------- the experiment


def experiment_key(
    scenario: Scenario, spec: ExploreSpec, futures: int, reps: int, seed: int
) -> dict[str, Any]:
    """What identifies an experiment: a resume must find exactly this in ``explore.json``."""
    from fundsim import __version__

    return {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "futures": int(futures),
        "reps": int(reps),
        "seed": int(seed),
        "spec": spec.as_dict(),
        "version": __version__,
        "outcomes": evaluated_outcomes(scenario, spec),
    }


def _part_path(out: Path, future: int) -> Path:
    return out / PARTS / f"future-{future:05d}.csv"


def _prepare(out: Path, key: dict[str, Any], resume: bool, force: bool) -> None:
    """Make ``out`` ready: new, replaced (``force``, only an experiment folder or an empty
    one) or resumed (``resume``: its ``explore.json`` must equal ``key``)."""
    if out.exists() and not out.is_dir():
        raise ExploreError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        mine = (out / KEY_FILE).is_file()
        if resume and mine:
            try:
                found = json.loads((out / KEY_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = None
            if found != key:
                raise ExploreError(
                    f"{out}: holds another experiment (scenario, [explore], futures, reps or "
                    "seed differ); use another --out, or --force to start again"
                )
            return
        if resume and not force:
            raise ExploreError(
                f"{out}: is not an explore folder (no {KEY_FILE}); nothing to resume"
            )
        if not force:
            raise ExploreError(f"{out}: already exists (use --resume, --force, or another --out)")
        if not mine:
            raise ExploreError(f"{out}: exists and is not an explore folder; not replacing it")
        shutil.rmtree(out)
    try:
        (out / PARTS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExploreError(f"{out}: cannot create the folder: {exc.strerror or exc}") from None
    write_text(out / KEY_FILE, json.dumps(key, indent=2, sort_keys=True) + "\n")


def _read_part(path: Path, spec: ExploreSpec) -> pd.DataFrame | None:
    """A finished future's rows, or None when the file is missing or unreadable."""
    labels = [u.key for u in spec.uncertainties if u.categorical] + [lv.key for lv in spec.levers]
    try:
        # labels stay text ("1e+06" is a label, not a number), as in a table never written
        part = pd.read_csv(path, dtype=dict.fromkeys(["policy", *labels], str))
    except (OSError, ValueError):
        return None
    return part if len(part) == len(spec.policies) else None


def run_explore(
    scenario: Scenario,
    spec: ExploreSpec,
    *,
    futures: int | None = None,
    reps: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    force: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    bar: Callable[[int], Any] | None = None,
    on_future: Callable[[int], None] | None = None,
) -> ExploreResult:
    """Run every policy of ``spec`` in ``futures`` sampled futures, ``reps`` replications
    each with seed ``seed`` (defaults: the spec's, then the scenario's).

    With ``out``, the experiment is written there as it goes (see the module docstring);
    ``resume`` keeps the futures an interrupted run finished. ``bar`` is a factory
    ``total -> bar`` counting replications; ``on_future(i)`` is called after future ``i``
    is saved (tests use it to stop an experiment part-way).
    """
    scenario = arguments.entry(
        scenario, reps=reps, seed=seed, workers=workers, scheduler=scheduler
    )  # checked as the command line checks it
    check_outcomes(scenario, spec)
    n = int(futures or spec.futures)
    reps = int(reps or spec.reps or scenario.simulation.replications)
    seed = int(
        seed
        if seed is not None
        else spec.seed
        if spec.seed is not None
        else scenario.simulation.seed
    )
    design = sample_futures(spec, n, seed)
    out_path = Path(out) if out is not None else None
    parts: dict[int, pd.DataFrame] = {}
    if out_path is not None:
        _prepare(out_path, experiment_key(scenario, spec, n, reps, seed), resume, force)
        write_csv(design.reset_index(), out_path / FUTURES_FILE, index=False)
        for stale in (out_path / PARTS).glob(".*"):
            stale.unlink(missing_ok=True)  # what a write killed mid-way left
        if resume:
            for i in range(n):
                part = _read_part(_part_path(out_path, i), spec)
                if part is not None:
                    parts[i] = part
    kept = len(parts)
    todo = [i for i in range(n) if i not in parts]
    records = design.to_dict(orient="records")
    meter = bar(len(todo) * len(spec.policies) * reps) if bar is not None and todo else None
    executor = make_executor(workers, scheduler) if todo else None
    try:
        tasks = [(scenario, spec, i, records[i], reps, seed) for i in todo]
        for rows in executor.map_unordered(future_rows, tasks) if executor else ():
            part = pd.DataFrame(rows)
            i = int(rows[0]["future"])
            if out_path is not None:
                write_csv(part, _part_path(out_path, i), index=False)
                reread = _read_part(
                    _part_path(out_path, i), spec
                )  # one reading for fresh and resumed parts
                assert reread is not None
                part = reread
            parts[i] = part
            if meter is not None:
                meter.update(len(spec.policies) * reps)
            if on_future is not None:
                on_future(i)
    finally:
        if executor is not None:
            executor.close()
        if meter is not None:
            meter.close()
    experiments = pd.concat([parts[i] for i in range(n)], ignore_index=True)
    if out_path is not None:
        write_csv(experiments, out_path / EXPERIMENTS_FILE, index=False)
    return ExploreResult(experiments, design, spec, reps, seed, out_path, kept)


def read_experiments(path: str | Path, spec: ExploreSpec) -> pd.DataFrame:
    """The tidy table of a finished experiment folder (``experiments.csv``), labels as text."""
    labels = [u.key for u in spec.uncertainties if u.categorical] + [lv.key for lv in spec.levers]
    return pd.read_csv(Path(path) / EXPERIMENTS_FILE, dtype=dict.fromkeys(["policy", *labels], str))


def input_columns(spec: ExploreSpec, *, levers: bool = True) -> list[str]:
    """The input columns of the tidy table: uncertainties, then (``levers``) the levers."""
    return [u.key for u in spec.uncertainties] + ([lv.key for lv in spec.levers] if levers else [])


def policy_names(spec: ExploreSpec) -> list[str]:
    return [p.name for p in spec.policies]


def first_policy(spec: ExploreSpec) -> Policy:
    return spec.policies[0]
