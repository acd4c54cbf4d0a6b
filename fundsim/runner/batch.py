"""Batch runs: every scenario (and sweep variant) of some files and folders, each into
its own run directory, resumable after a crash.

``plan_batch`` finds the scenario files (a folder gives its ``*.toml`` files, not
those of its sub-folders), loads them all and expands their sweeps, so a bad file
stops the batch before anything runs. ``run_batch`` then runs each item into
``<out>/<name>/``. Each run directory is written aside and renamed into place
(:func:`fundsim.results.write_run`), so a batch killed part-way leaves complete
run directories and hidden ``.<name>.tmp-*`` leftovers, never a half-written
directory under a final name. With ``resume``, a run whose directory is complete
and whose manifest matches the scenario hash, seed and replications is kept; the
leftovers are removed and the rest is run again. ``batch.csv`` in ``out`` indexes
every run with its status and key metrics; it is rewritten (atomically) after
each run. A batch holds its folder (``.batch.lock``, locked while it runs), so two
batches on one folder cannot lose each other's results.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fundsim.errors import BadInput
from fundsim.results import is_run_dir
from fundsim.results.atomic import write_csv
from fundsim.results.output_folder import FolderLock
from fundsim.results.run_files import (
    MANIFEST,
    RunDirError,
    check_digests,
    check_manifest,
    read_json_object,
)
from fundsim.runner import arguments
from fundsim.runner.checks import check_file
from fundsim.runner.executors import Executor, make_executor
from fundsim.runner.montecarlo import run_scenario
from fundsim.runner.provenance import Provenance
from fundsim.scenario import Scenario, scenario_hash
from fundsim.scenario.names import folder_name

INDEX = "batch.csv"
#: The lock file a batch holds in its folder while it runs.
LOCK = ".batch.lock"
#: Key metrics copied from each run's summary into the index: (column, metric, statistic).
KEY_METRICS = (
    ("p_gap", "p_gap", "mean"),
    ("coordinator_coverage_mean", "coordinator_coverage", "mean"),
    ("closing_balance_usd_mean", "closing_balance_usd", "mean"),
)
#: Statuses in the index.
PENDING, DONE, KEPT, FAILED = "pending", "done", "kept", "failed"


class BatchError(BadInput):
    """A batch that cannot start: nothing found, two runs with one name, runs in the way."""


@dataclass(frozen=True)
class BatchItem:
    """One run of a batch: a scenario (or sweep variant) and where it came from."""

    name: str
    file: Path
    scenario: Scenario
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchOutcome:
    """What happened to one item: its status, run directory, key metrics, error if any."""

    item: BatchItem
    status: str = PENDING
    path: Path | None = None
    seed: int | None = None
    reps: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    wall_seconds: float | None = None
    error: str = ""


def find_scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """The scenario files named by ``paths``: files as given, folders' ``*.toml`` (sorted,
    hidden files skipped, sub-folders not searched), each file once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(
                f for f in p.glob("*.toml") if f.is_file() and not f.name.startswith(".")
            )
        elif p.exists():
            files = [p]
        else:
            raise BatchError(f"{p}: no such file or folder")
        for f in files:
            if f.resolve() not in seen:
                seen.add(f.resolve())
                found.append(f)
    if not found:
        raise BatchError(f"no scenario files (*.toml) in {', '.join(map(str, paths))}")
    return found


def plan_batch(paths: Iterable[str | Path]) -> list[BatchItem]:
    """Load every scenario file under ``paths`` and expand sweeps into named items.

    Raises :class:`fundsim.scenario.ScenarioError` for a bad file and
    :class:`BatchError` when two items would share a run directory name.
    """
    items: list[BatchItem] = []
    owner: dict[str, Path] = {}
    for file in find_scenario_files(paths):
        # the one check validate, run and explore make: the file, its [sweep], its [explore]
        for raw_name, scenario, params in check_file(file).variants:
            name = folder_name(raw_name)  # a name is never a path: no '..', '/', '.'
            if name in owner:
                raise BatchError(f"{file}: run name '{name}' is also produced by {owner[name]}")
            owner[name] = file
            items.append(BatchItem(name=name, file=file, scenario=scenario, parameters=params))
    return items


def run_key(scenario: Scenario, seed: int, reps: int) -> dict[str, Any]:
    """What a finished run directory must match to be kept on resume."""
    return {"scenario_hash": scenario_hash(scenario), "seed": int(seed), "replications": int(reps)}


def is_finished(path: Path, key: dict[str, Any]) -> bool:
    """Whether ``path`` is a complete run directory of exactly the run ``key`` describes."""
    if not is_run_dir(path):
        return False
    try:  # a run directory changed since it was written is run again, not kept
        manifest = read_json_object(path / MANIFEST)
        check_manifest(manifest, path / MANIFEST)
        check_digests(path, manifest)
    except RunDirError:
        return False
    return all(manifest.get(k) == v for k, v in key.items())


def remove_leftovers(out: Path, names: Iterable[str]) -> list[Path]:
    """Delete the hidden ``.<name>.tmp-*`` / ``.<name>.old-*`` folders an interrupted write
    left in ``out``; return what was removed."""
    removed = []
    for name in names:
        for pattern in (f".{name}.tmp-*", f".{name}.old-*"):
            for stale in out.glob(pattern):
                shutil.rmtree(stale, ignore_errors=True)
                removed.append(stale)
    return removed


class LentBar:
    """Lends one progress bar (a batch's, a solve's) to each run of several: updates pass
    through, and ``close()`` (``run_scenario`` closes what it is given) does nothing."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def update(self, n: int) -> None:
        self._bar.update(n)

    def close(self) -> None:
        pass


def run_batch(
    items: Sequence[BatchItem],
    out: str | Path,
    *,
    reps: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    force: bool = False,
    progress: Callable[[int], Any] | bool | None = None,
    on_run: Callable[[BatchOutcome], None] | None = None,
    command: str | None = None,
) -> list[BatchOutcome]:
    """Run every item into ``<out>/<item.name>/`` and index them in ``<out>/batch.csv``.

    ``reps`` and ``seed`` override each scenario's own (a sweep's variants share the
    seed of their file, so their differences are paired). One executor serves the
    whole batch. Without ``resume`` or ``force``, existing run directories are an error
    (:class:`BatchError`, raised before anything runs); ``force`` replaces them (only
    run directories: a folder of the user's in the way is still an error). ``out`` is held
    (locked) for the whole batch: a second batch given it meanwhile is refused. An index
    of another batch in ``out`` is never replaced without ``force``, and ``resume``
    finishes only a batch of the same runs. A batch that fails before a run has
    finished (an unreachable scheduler) removes the folder it created. ``progress`` is a factory
    ``total -> bar`` for one bar over every replication still to run (``True``: tqdm).
    ``on_run`` is called after each item. A run that raises is recorded as failed and
    the batch goes on; the outcomes come back in the order of ``items``. Each run's
    manifest names its scenario file, batch name, sweep values and ``command`` (the
    command line that started the batch, if any).
    """
    out = Path(out)
    reps, seed = (
        arguments.replications(reps),
        arguments.seed(seed),
    )  # as --reps and --seed take them
    workers, scheduler = arguments.workers(workers), arguments.text("scheduler", scheduler)
    resume, force = arguments.flag("resume", resume), arguments.flag("force", force)
    outcomes = _plan(items, out, reps, seed)
    folders = [o.path.name for o in outcomes]  # type: ignore[union-attr]
    created = _make_folder(out)
    # Held for the whole batch: a second batch given this --out is refused (exit 2).
    lock = FolderLock(out, LOCK, "another batch")
    try:
        _check_existing(out, outcomes, resume=resume, force=force)
        if resume:
            _keep_finished(out, outcomes, folders)
        todo = [o for o in outcomes if o.status != KEPT]
        # Opened before the index is written: an unreachable scheduler leaves nothing behind.
        executor: Executor | None = make_executor(workers, scheduler) if todo else None
    except BaseException:
        lock.release()
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    bar = None
    try:
        write_index(out, outcomes)
        bar = _open_bar(progress, sum(o.reps for o in todo))  # type: ignore[misc]
        for o in outcomes:
            if o.status != KEPT:
                _run_one(o, executor, bar, command)
                write_index(out, outcomes)
            if on_run is not None:
                on_run(o)
    except BaseException:
        if created and not any(o.status in (DONE, KEPT) for o in outcomes):
            shutil.rmtree(out, ignore_errors=True)  # nothing finished: leave nothing behind
        raise
    finally:
        if executor is not None:
            executor.close()
        if bar is not None:
            bar.close()
        lock.release()
    return outcomes


def _plan(
    items: Sequence[BatchItem], out: Path, reps: int | None, seed: int | None
) -> list[BatchOutcome]:
    """One outcome per item, with its replications, seed and folder under ``out``;
    :class:`BatchError` if two items would share a folder."""
    outcomes = [BatchOutcome(item) for item in items]
    for o in outcomes:
        o.reps = o.item.scenario.simulation.replications if reps is None else int(reps)
        o.seed = o.item.scenario.simulation.seed if seed is None else int(seed)
        o.path = out / folder_name(o.item.name)
    folders = [o.path.name for o in outcomes]  # type: ignore[union-attr]
    clash = sorted(f for f, n in Counter(folders).items() if n > 1)
    if clash:
        raise BatchError(f"{out}: two runs would share the folder '{clash[0]}' (rename a scenario)")
    return outcomes


def _make_folder(out: Path) -> bool:
    """Create the batch's folder ``out`` if need be; whether it was created here."""
    if os.path.lexists(out) and (out.is_symlink() or not out.is_dir()):
        raise BatchError(f"{out}: exists and is not a folder (choose another --out)")
    created = not os.path.lexists(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"{out}: cannot create the folder: {exc.strerror or exc}") from None
    return created


def _keep_finished(out: Path, outcomes: Sequence[BatchOutcome], folders: Sequence[str]) -> None:
    """On resume: remove what a killed batch left half-written and read back the runs
    already finished (they are kept, not run again)."""
    remove_leftovers(out, folders)
    for stale in out.glob(f".{INDEX}.tmp-*"):
        stale.unlink(missing_ok=True)
    for o in outcomes:
        if is_finished(o.path, run_key(o.item.scenario, o.seed, o.reps)):  # type: ignore[arg-type]
            _read_back(o)


def _check_existing(
    out: Path, outcomes: Sequence[BatchOutcome], *, resume: bool, force: bool
) -> None:
    """Refuse to write over what ``out`` holds: another batch's index (unless ``force``;
    with ``resume``, only a batch of the same runs is finished), or run directories and
    folders in the way (see :func:`run_batch`)."""
    names = [o.item.name for o in outcomes]
    index = out / INDEX
    if index.is_symlink() or (index.exists() and not index.is_file()):
        raise BatchError(f"{index}: is not a regular file; not replacing it")
    if index.exists():
        before = planned_runs(index)
        if resume and before is not None and sorted(before) != sorted(names):
            only = sorted(set(before) ^ set(names))
            raise BatchError(
                f"{out}: holds another batch ({len(before)} runs; differs at "
                f"{', '.join(only[:3])}): --resume finishes the same batch only "
                "(use --force to replace it, or another --out)"
            )
        if resume and before is None:
            raise BatchError(f"{index}: not a batch index fundsim wrote; not resuming onto it")
        if not resume and not force:
            raise BatchError(
                f"{out}: already holds a batch ({INDEX}); use --resume to finish it, "
                "--force to replace it, or another --out"
            )
    if not resume:
        taken = [o.item.name for o in outcomes if os.path.lexists(o.path)]  # type: ignore[arg-type]
        if force:
            taken = [
                o.item.name
                for o in outcomes
                if os.path.lexists(o.path) and not _replaceable(o.path)  # type: ignore[arg-type]
            ]
        if taken:
            raise BatchError(
                f"{out}: already holds {', '.join(taken[:3])}"
                f"{' ...' if len(taken) > 3 else ''} (use --resume, --force, or another --out)"
            )


def planned_runs(index: Path) -> list[str] | None:
    """The run names of an existing batch index, or ``None`` if it is not one."""
    try:
        frame = pd.read_csv(index, usecols=["run"], dtype={"run": str}, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return [str(v) for v in frame["run"]]


def _replaceable(path: Path) -> bool:
    """A run directory or an empty folder (what ``force`` may replace)."""
    return path.is_dir() and not path.is_symlink() and (is_run_dir(path) or not any(path.iterdir()))


def _open_bar(progress: Callable[[int], Any] | bool | None, total: int) -> Any:
    if not progress or total == 0:
        return None
    if progress is True:
        from tqdm.auto import tqdm

        return tqdm(total=total, unit="rep", desc="batch", dynamic_ncols=True)
    return progress(total)


def provenance_of(item: BatchItem, command: str | None = None) -> Provenance:
    """What the manifest of ``item``'s run records about its origin."""
    return Provenance(
        scenario_file=str(item.file),
        command=command,
        batch_name=item.name,
        sweep=dict(item.parameters),
    )


def _run_one(o: BatchOutcome, executor: Executor | None, bar: Any, command: str | None) -> None:
    assert o.path is not None and o.reps is not None
    t0 = time.perf_counter()
    try:
        result = run_scenario(
            o.item.scenario,
            reps=o.reps,
            seed=o.seed,
            executor=executor,
            progress=(lambda _total: LentBar(bar)) if bar is not None else None,
            provenance=provenance_of(o.item, command),
        )
        # overwrite: on resume an outdated or incomplete directory is replaced whole.
        result.save(o.path, overwrite=True)
    except Exception as exc:  # a failed run must not stop an unattended batch
        o.status = FAILED
        o.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        o.wall_seconds = round(time.perf_counter() - t0, 3)
        return
    o.status = DONE
    o.metrics = _key_metrics(result.summary.to_dict(orient="index"))
    o.wall_seconds = float(result.manifest["wall_seconds"])


def _read_back(o: BatchOutcome) -> None:
    path = o.path
    assert path is not None
    summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    o.status = KEPT
    o.metrics = _key_metrics(summary)
    o.wall_seconds = manifest.get("wall_seconds")


def _key_metrics(summary: Mapping[Any, Mapping[Any, Any]]) -> dict[str, float]:
    out = {}
    for column, metric, stat in KEY_METRICS:
        value = summary.get(metric, {}).get(stat)
        out[column] = math.nan if value is None else float(value)
    return out


def index_frame(outcomes: Sequence[BatchOutcome]) -> pd.DataFrame:
    """The batch index: one row per run (name, file, sweep parameters, status, metrics)."""
    param_keys = list(dict.fromkeys(k for o in outcomes for k in o.item.parameters))
    rows = []
    for o in outcomes:
        row: dict[str, Any] = {
            "run": o.item.name,
            "scenario_file": str(o.item.file),
            "status": o.status,
        }
        row.update({f"sweep.{k}": o.item.parameters.get(k) for k in param_keys})
        row.update({"seed": o.seed, "replications": o.reps})
        row.update({column: o.metrics.get(column, math.nan) for column, _, _ in KEY_METRICS})
        row.update({"wall_seconds": o.wall_seconds, "error": o.error})
        rows.append(row)
    return pd.DataFrame(rows)


def write_index(out: Path, outcomes: Sequence[BatchOutcome]) -> Path:
    """Write ``<out>/batch.csv`` atomically (a reader never sees half a file)."""
    return write_csv(index_frame(outcomes), out / INDEX)
