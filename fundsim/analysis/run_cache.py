"""Runs kept on disk and reused: the notebooks' cache, keyed on what makes a run.

A run at a fixed seed is a function of the validated scenario, the replication count,
the seed and the model's code. :func:`cached_run` keys a run directory on exactly
those (the scenario's SHA-256, :func:`code_version`, reps, seed) under ``results/``:
the second time a notebook (or another notebook) asks for the same run it is read
back instead of simulated, and any change to the scenario or to the package's code
makes a new key, so a cached run is never stale. :func:`cached_stress` does the same
for a whole stress battery, :func:`cached_explore` for an exploratory experiment
(futures x policies). The cache is a convenience: deleting ``results/run_cache``
only costs time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from fundsim.results import Run, read_run
from fundsim.results.run_files import RunDirError
from fundsim.runner import run_scenario
from fundsim.scenario import Scenario, scenario_hash

#: Where cached runs live (inside ``results/``, which git ignores).
DEFAULT_CACHE = Path("results") / "run_cache"
_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 (first 16 hex digits) of every Python source file of the package: a
    change anywhere in the model's code gives a new version, a change to a notebook or
    a doc does not."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_key(scenario: Scenario, reps: int, seed: int, what: str = "run", **options: Any) -> str:
    """The cache key of a run: scenario hash, code version, reps, seed and options."""
    blob = json.dumps(
        {
            "scenario": scenario_hash(scenario),
            "code": code_version(),
            "reps": reps,
            "seed": seed,
            "what": what,
            "options": options,
        },
        sort_keys=True,
        default=str,
    )
    return f"{scenario.name[:40]}-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


def _read(path: Path, scenario: Scenario | None) -> Run | None:
    try:
        run = read_run(path)
    except (RunDirError, OSError, ValueError):
        shutil.rmtree(path, ignore_errors=True)  # a half-written or foreign folder: run again
        return None
    run.scenario = scenario
    return run


def cached_run(
    scenario: Scenario,
    reps: int,
    seed: int,
    *,
    workers: int = 1,
    cache_dir: str | Path = DEFAULT_CACHE,
    **options: Any,
) -> Run:
    """:func:`fundsim.runner.run_scenario` with the result kept in ``cache_dir`` and read
    back the next time the same scenario, reps, seed, options and code are asked for.

    ``workers`` does not enter the key (results do not depend on it); ``options`` (for
    example ``audit=True``) do, and are passed to the runner. The run read back carries
    ``scenario`` again (a run directory stores only its hash)."""
    path = Path(cache_dir) / run_key(scenario, reps, seed, **options)
    if path.is_dir():
        run = _read(path, scenario)
        if run is not None:
            return run
    run = run_scenario(scenario, reps=reps, seed=seed, workers=workers, **options)
    run.save(path, overwrite=True)
    return run


def cached_stress(
    scenario: Scenario,
    reps: int,
    seed: int,
    *,
    workers: int = 1,
    cache_dir: str | Path = DEFAULT_CACHE,
    **options: Any,
) -> Any:
    """:func:`fundsim.analysis.stress.stress_test` with its table and runs kept in
    ``cache_dir`` (one folder per battery: ``stress.csv``, ``baseline/`` and a folder
    per shock), read back the next time. ``options`` go to ``stress_test`` and into the key."""
    from fundsim.analysis.stress import StressResult, stress_test

    folder = Path(cache_dir) / run_key(scenario, reps, seed, what="stress", **options)
    table_csv = folder / "stress.csv"
    if table_csv.is_file() and (folder / "baseline").is_dir():
        base = _read(folder / "baseline", scenario)
        runs = {}
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "baseline"):
            run = _read(sub, None)  # a shock's run: its scenario is the variant, not this one
            if run is not None:
                runs[json.loads((sub / "shock.json").read_text())["name"]] = run
        if base is not None:
            return StressResult(
                pd.read_csv(table_csv, keep_default_na=False, na_values=[""]), base, runs
            )
    result = stress_test(scenario, reps=reps, seed=seed, workers=workers, **options)
    shutil.rmtree(folder, ignore_errors=True)
    result.baseline.save(folder / "baseline", overwrite=True)
    for i, (name, run) in enumerate(result.runs.items()):
        sub = folder / f"shock{i:02d}"
        run.save(sub, overwrite=True)
        (sub / "shock.json").write_text(json.dumps({"name": name}))
    result.table.to_csv(table_csv, index=False)
    # The battery's baseline is the plain run of the scenario: keep it where cached_run
    # looks, so a notebook that asks for the baseline alone reads it back.
    plain = Path(cache_dir) / run_key(scenario, reps, seed)
    if not plain.is_dir():
        shutil.copytree(folder / "baseline", plain)
    return result


def cached_explore(
    scenario: Scenario,
    spec: Any,
    futures: int,
    reps: int,
    seed: int,
    *,
    workers: int = 1,
    cache_dir: str | Path = DEFAULT_CACHE,
) -> Any:
    """:func:`fundsim.analysis.explore.run_explore` of ``spec`` (an ``ExploreSpec``) with
    its folder kept in ``cache_dir``, keyed like a run (scenario hash, code version, reps,
    seed) and on the futures and the ``[explore]`` table; the next call reads it back.

    The experiment is written as it goes (a future per file), so a call that was stopped
    part-way resumes and simulates only the futures still missing; the table it returns
    is the same as a run that was never stopped."""
    from fundsim.analysis.explore import run_explore

    folder = Path(cache_dir) / run_key(
        scenario, reps, seed, what="explore", futures=int(futures), spec=spec.as_dict()
    )
    if folder.is_dir() and not (folder / "explore.json").is_file():
        shutil.rmtree(folder)  # stopped before it started: nothing to keep
    return run_explore(
        scenario,
        spec,
        futures=futures,
        reps=reps,
        seed=seed,
        out=folder,
        resume=folder.is_dir(),
        workers=workers,
    )
