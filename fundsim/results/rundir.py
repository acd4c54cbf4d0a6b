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

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from fundsim.errors import BadInput
from fundsim.results.atomic import cannot_write
from fundsim.results.outdir import CLAIM_FILE, is_empty
from fundsim.results.safe_text import neutral_frame

MANIFEST = "manifest.json"
SUMMARY = "summary.json"
REPLICATIONS = "replications.csv"
MONTHLY = "monthly.parquet"
SHARES = "shares.csv"
#: The files every run directory holds.
REQUIRED = (MANIFEST, SUMMARY, REPLICATIONS, MONTHLY, SHARES)


class RunDirError(BadInput):
    """A folder that is not a complete run directory, or one that would be overwritten."""


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, default=_json_default, allow_nan=True) + "\n", encoding="utf-8")


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
        write_json(tmp / MANIFEST, dict(manifest))
        write_json(tmp / SUMMARY, dict(summary))
        neutral_frame(replications).to_csv(tmp / REPLICATIONS, index=False)
        monthly.to_parquet(tmp / MONTHLY, index=False)
        neutral_frame(shares).to_csv(tmp / SHARES, index=False)
        for name, table in (tables or {}).items():
            neutral_frame(table).to_csv(tmp / f"{name}.csv", index=False)
        for name, blob in (files or {}).items():
            (tmp / name).write_bytes(blob)
        _fsync_dir(tmp)
        if out.is_dir() and not out.is_symlink() and is_empty(out):
            (out / CLAIM_FILE).unlink(missing_ok=True)  # a command's claim on the folder: filled now
        if out.exists() and any(out.iterdir()):
            trash = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(out, trash)
            os.replace(tmp, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, out)  # a new name, or onto an empty folder (a claim): atomic
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if out.exists() and any(out.iterdir()) and not overwrite:
            raise RunDirError(f"{out}: another command wrote it meanwhile; not replacing it") from None
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
