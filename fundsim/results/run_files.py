"""Run directories: the on-disk format of a run, written atomically, read back.

A run directory holds ``manifest.json`` (what ran: scenario name and hash, seed,
replications, versions, times, events, wall seconds), ``summary.json`` (each
metric: mean, p05, p50, p95 and a 95 % interval of the mean),
``replications.csv`` (one row per replication), ``monthly.parquet`` (month x
metric quantiles), ``shares.csv`` (entity, year, formula share, assessed and paid
USD) and further tables (``yearly.csv``, ``coverage.csv``). It is written in a
hidden sibling folder and renamed into place, so a crash never leaves a
half-written run directory under the final name (a full disk or a read-only folder
is a one-line :class:`~fundsim.results.atomic.OutputError`). Text cells from input
are neutralised in the CSV tables (:mod:`fundsim.results.safe_text`).
:func:`fundsim.results.read_run`
reads one back into a :class:`fundsim.results.Run`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import stat
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundsim.errors import BadInput
from fundsim.results.atomic import cannot_write
from fundsim.results.output_folder import CLAIM_FILE, is_empty
from fundsim.results.safe_text import neutral_frame

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
REPLICATIONS = "replications.csv"
MONTHLY = "monthly.parquet"
SHARES = "shares.csv"
#: The files every run directory holds.
REQUIRED = (MANIFEST, SUMMARY, REPLICATIONS, MONTHLY, SHARES)
#: The manifest records the SHA-256 of every file the run wrote under :data:`CHECKSUMS`
#: (these at least), so that a number changed by hand (or a disk's fault) is refused on
#: reading rather than used. Files added later (a report, a stress table) are not checked.
CHECKSUMMED = (SUMMARY, REPLICATIONS, MONTHLY, SHARES)
CHECKSUMS = "sha256"


class RunDirError(BadInput):
    """A folder that is not a complete run directory, or one that would be overwritten."""


def file_digest(path: Path) -> str:
    """The SHA-256 of the file ``path`` (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_digests(run: Path, manifest: Mapping[str, Any]) -> None:
    """Refuse (:class:`RunDirError`) a run directory whose files differ from the SHA-256
    its manifest records (a run written before the checksums has none to check)."""
    recorded = manifest.get(CHECKSUMS)
    if recorded is None:
        return
    if not isinstance(recorded, dict) or not all(isinstance(v, str) for v in recorded.values()):
        raise RunDirError(f"{run / MANIFEST}: {CHECKSUMS}: must map file names to checksums")
    for name in CHECKSUMMED:
        if name not in recorded:
            raise RunDirError(f"{run / MANIFEST}: {CHECKSUMS}: names no checksum for {name}")
    for name in recorded:
        if not isinstance(name, str) or "/" in name or name.startswith(".") or name == MANIFEST:
            raise RunDirError(f"{run / MANIFEST}: {CHECKSUMS}: {name!r} is not a file of the run")
        if not os.path.lexists(run / name):
            raise RunDirError(f"{run / name}: missing (the manifest records it)")
        if file_digest(regular_file(run / name)) != recorded[name]:
            raise RunDirError(
                f"{run / name}: changed since the run wrote it (its checksum differs "
                "from the manifest's); not using it"
            )


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_ready(data: Any) -> Any:
    """``data`` with every NaN as ``None``: a metric without data (no replication had it,
    e.g. the median wait when no case was ever opened) has no statistics, and JSON has
    no NaN, so ``summary.json`` says ``null`` (read back as NaN)."""
    if isinstance(data, float) and math.isnan(data):
        return None
    if isinstance(data, Mapping):
        return {k: json_ready(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [json_ready(v) for v in data]
    if hasattr(data, "item") and not isinstance(data, np.ndarray):
        return json_ready(data.item())
    return data


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as strict JSON (NaN as ``null``; infinities refused)."""
    text = json.dumps(json_ready(data), indent=2, default=_json_default, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_run(
    out_dir: str | Path,
    *,
    manifest: Mapping[str, Any],
    summary: Mapping[str, Any],
    replications: pd.DataFrame,
    monthly: pd.DataFrame,
    shares: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame] | None = None,
    files: Mapping[str, bytes] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a run directory atomically and return its path.

    ``tables`` are extra CSV tables (name without extension); ``files`` extra raw
    files (name with extension). Refuses to replace an existing directory unless
    ``overwrite``.
    """
    out = Path(out_dir)
    if out.exists() and not overwrite and not (out.is_dir() and is_empty(out)):
        raise RunDirError(f"{out}: already exists (choose another --out, or remove it)")
    if out.exists() and not _replaceable(out):
        # Only a run directory (or an empty folder) is ever replaced: never a folder of
        # the user's that happens to carry the same name.
        raise RunDirError(f"{out}: exists and is not a run directory; not replacing it")
    tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        write_json(tmp / SUMMARY, dict(summary))
        neutral_frame(replications).to_csv(tmp / REPLICATIONS, index=False)
        monthly.to_parquet(tmp / MONTHLY, index=False)
        neutral_frame(shares).to_csv(tmp / SHARES, index=False)
        for name, table in (tables or {}).items():
            neutral_frame(table).to_csv(tmp / f"{name}.csv", index=False)
        for name, blob in (files or {}).items():
            (tmp / name).write_bytes(blob)
        digests = {
            f.name: file_digest(f) for f in sorted(tmp.iterdir())
        }  # every file but the manifest
        write_json(tmp / MANIFEST, {**dict(manifest), CHECKSUMS: digests})
        _fsync_dir(tmp)
        if out.is_dir() and not out.is_symlink() and is_empty(out):
            (out / CLAIM_FILE).unlink(
                missing_ok=True
            )  # a command's claim on the folder: filled now
        if out.exists() and any(out.iterdir()):
            trash = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(out, trash)
            os.replace(tmp, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, out)  # a new name, or onto an empty folder (a claim): atomic
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if out.is_dir() and not is_empty(out) and not overwrite:
            raise RunDirError(
                f"{out}: another command wrote it meanwhile; not replacing it"
            ) from None
        raise cannot_write(out, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _replaceable(path: Path) -> bool:
    """Whether ``write_run(..., overwrite=True)`` may replace ``path``: a folder that
    holds a run's manifest, or an empty folder."""
    if path.is_symlink() or not path.is_dir():
        return False
    return (path / MANIFEST).is_file() or is_empty(path)


def _fsync_dir(path: Path) -> None:
    for child in path.iterdir():
        with open(child, "rb") as fh:
            os.fsync(fh.fileno())


def is_run_dir(path: str | Path) -> bool:
    """Whether ``path`` holds a complete run directory."""
    p = Path(path)
    return not missing_files(p)


def missing_files(path: Path) -> list[str]:
    """The files a complete run directory must hold that ``path`` lacks."""
    return [n for n in REQUIRED if not (path / n).is_file()]


def read_json(path: Path) -> Any:
    """A JSON file of a run directory (``manifest.json``, ``summary.json``)."""
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- reading defensively

#: Most replications a manifest may claim: the scenario schema's limit on replications.
MAX_REPLICATIONS = 100_000
#: Largest root seed a manifest may hold (the scenario schema's limit).
MAX_SEED = 2**63 - 1
#: Largest magnitude of any number in a summary: USD 10^15 (a thousand times the world's
#: yearly product) is no result of this model, so a larger one is a tampered file.
MAX_MAGNITUDE = 1e15
#: Largest JSON file of a run directory read (bytes): a summary is a few tens of kB.
MAX_JSON_BYTES = 64 << 20
#: Statistics of a summary row that are numbers (``n`` is a count, ``unit`` a word).
STATISTICS = ("mean", "p05", "p50", "p95", "ci95_low", "ci95_high")
#: Columns monthly.parquet holds (month x metric quantiles).
MONTHLY_COLUMNS = ("month", "metric", "mean", "p05", "p50", "p95")
#: Units whose values lie between 0 and 1.
FRACTION_UNITS = ("share", "probability")


def regular_file(path: Path) -> Path:
    """``path`` if it is a regular file, not a link (a run directory holds no links: one
    to a system file would be read as the run's); else :class:`RunDirError`."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise RunDirError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISLNK(st.st_mode):
        raise RunDirError(f"{path}: is a link; a run directory holds plain files only")
    if not stat.S_ISREG(st.st_mode):
        raise RunDirError(f"{path}: is not a regular file")
    return path


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object (``manifest.json``, ``summary.json``) of a run directory, checked to
    be a regular file of valid JSON holding an object; else :class:`RunDirError`."""
    regular_file(path)
    if path.stat().st_size > MAX_JSON_BYTES:
        raise RunDirError(
            f"{path}: larger than {MAX_JSON_BYTES >> 20} MB; not a file fundsim wrote"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RunDirError(f"{path}: not valid JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise RunDirError(f"{path}: not a JSON object; not a file fundsim wrote")
    return data


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_manifest(manifest: Mapping[str, Any], path: Path) -> None:
    """Refuse (:class:`RunDirError`) a manifest whose scenario, seed or replications are
    missing or of the wrong type or range, or whose other entries have the wrong type."""
    name = manifest.get("scenario")
    if not isinstance(name, str) or not name:
        raise RunDirError(f"{path}: scenario: must be the scenario's name (got {_shown(name)})")
    for key, low, high in (("seed", 0, MAX_SEED), ("replications", 1, MAX_REPLICATIONS)):
        value = manifest.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise RunDirError(
                f"{path}: {key}: must be a whole number from {low} to {high:,} (got "
                f"{_shown(value)})"
            )
    for key in ("wall_seconds", "events", "workers", "years", "start_year", "structural_float_usd"):
        value = manifest.get(key)
        if value is not None and (
            not _is_number(value) or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE
        ):
            raise RunDirError(f"{path}: {key}: must be a number (got {_shown(value)})")
    for key in ("scenario_file", "scenario_hash", "command", "executor", "started", "finished"):
        value = manifest.get(key)
        if value is not None and not isinstance(value, str):
            raise RunDirError(f"{path}: {key}: must be text (got {_shown(value)})")


def check_summary(summary: Mapping[str, Any], path: Path, replications: int) -> None:
    """Refuse (:class:`RunDirError`) a summary that is not metric -> statistics, whose
    statistics are not numbers (``null`` only for a metric without data, ``n`` = 0), are
    beyond :data:`MAX_MAGNITUDE`, or outside 0-1 for a share or a probability, or whose
    ``n`` exceeds the run's replications."""
    for metric, row in summary.items():
        if not isinstance(row, dict):
            raise RunDirError(
                f"{path}: {metric}: must be an object of statistics (got {_shown(row)})"
            )
        n = row.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= replications:
            raise RunDirError(
                f"{path}: {metric}.n: must be a whole number from 0 to {replications:,} "
                f"(the run's replications) (got {_shown(n)})"
            )
        unit = row.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise RunDirError(f"{path}: {metric}.unit: must be text (got {_shown(unit)})")
        for key in STATISTICS:
            value = row.get(key)
            if value is None or (_is_number(value) and math.isnan(value)):
                if n > 0 and key in ("mean", "p50"):
                    raise RunDirError(
                        f"{path}: {metric}.{key}: missing though {n} replications have the metric"
                    )
                continue
            if not _is_number(value) or not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
                raise RunDirError(
                    f"{path}: {metric}.{key}: must be a finite number (got {_shown(value)})"
                )
            if (
                unit in FRACTION_UNITS
                and key != "ci95_low"
                and key != "ci95_high"
                and not -1e-9 <= value <= 1 + 1e-9
            ):
                raise RunDirError(
                    f"{path}: {metric}.{key}: a {unit} must lie between 0 and 1 (got {value!r})"
                )


def read_csv_checked(
    path: Path, *, numeric: bool = False, rows: int | None = None, columns: tuple[str, ...] = ()
) -> pd.DataFrame:
    """A CSV table of a run directory, refused (:class:`RunDirError`) if it is a link or
    not a regular file, does not parse, lacks ``columns``, has a column that is not
    numbers (with ``numeric``) or a number beyond :data:`MAX_MAGNITUDE`, or does not have
    ``rows`` rows."""
    regular_file(path)
    try:
        frame = pd.read_csv(path)
    except (
        OSError,
        UnicodeDecodeError,
        ValueError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
    ) as exc:
        raise RunDirError(f"{path}: not a table fundsim wrote ({type(exc).__name__})") from None
    _check_frame(frame, path, numeric=numeric, rows=rows, columns=columns)
    return frame


def read_parquet_checked(path: Path, *, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """A Parquet table of a run directory, refused (:class:`RunDirError`) if it is a link
    or not a regular file, is not Parquet, or lacks ``columns``."""
    regular_file(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own types for random or truncated bytes
        raise RunDirError(
            f"{path}: not a Parquet table fundsim wrote ({type(exc).__name__})"
        ) from None
    _check_frame(frame, path, columns=columns)
    return frame


def _check_frame(
    frame: pd.DataFrame,
    path: Path,
    *,
    numeric: bool = False,
    rows: int | None = None,
    columns: tuple[str, ...] = (),
) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RunDirError(f"{path}: lacks the column {missing[0]!r}; not a table fundsim wrote")
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_numeric_dtype(series):
            values = series.to_numpy(dtype="float64", na_value=np.nan)
            if np.any(np.abs(values[np.isfinite(values)]) > MAX_MAGNITUDE) or np.any(
                np.isinf(values)
            ):
                raise RunDirError(f"{path}: column {col!r}: a number beyond {MAX_MAGNITUDE:g}")
        elif numeric:
            raise RunDirError(f"{path}: column {col!r}: not numbers; not a table fundsim wrote")
    if rows is not None and len(frame) != rows:
        raise RunDirError(
            f"{path}: {len(frame):,} rows where the manifest says {rows:,} replications"
        )


def check_fractions(frame: pd.DataFrame, column: str, path: Path) -> None:
    """Refuse (:class:`RunDirError`) a ``column`` of ``frame`` that is not numbers from 0 to 1."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
    bad = ~((values >= -1e-9) & (values <= 1 + 1e-9))
    if bad.any():
        raise RunDirError(
            f"{path}: column {column!r}: {frame[column].iloc[int(bad.argmax())]!r} "
            "is not a number between 0 and 1"
        )


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
