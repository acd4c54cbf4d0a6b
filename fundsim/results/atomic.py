"""Atomic file writes: each output file is written under a temporary name beside its
final one, flushed to disk, then renamed into place.

A full disk, a read-only folder or an interrupted command therefore never leaves a
truncated file under a final name: either the whole file is there, or nothing (the
temporary file is removed). A failed write is :class:`OutputError`, a one-line
:class:`~fundsim.errors.BadInput` naming the file and the system's reason. CSV tables
go through :func:`fundsim.results.safe_text.neutral_frame` and workbooks through
:func:`~fundsim.results.safe_text.text_cells_only`, so no text from input is ever a
formula in an output.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundsim.errors import BadInput
from fundsim.results.safe_text import neutral_frame, text_cells_only

if TYPE_CHECKING:
    import pandas as pd


class OutputError(BadInput):
    """An output that cannot be written (full disk, read-only or missing folder...)."""


def temporary_name(path: Path, kind: str = "tmp") -> Path:
    """A hidden sibling of ``path`` for writing it aside: ``.<name>.<kind>-<random>``."""
    return path.parent / f".{path.name}.{kind}-{uuid.uuid4().hex[:8]}"


def cannot_write(path: Path, exc: OSError) -> OutputError:
    """The one-line error for a failed write of ``path``."""
    return OutputError(f"{path}: cannot write: {exc.strerror or exc}")


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write ``path`` to; on success it is renamed into place,
    on any failure (or interruption) it is removed and ``path`` left as it was."""
    final = Path(path)
    tmp = temporary_name(final)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise cannot_write(final, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | Path, blob: bytes) -> Path:
    """Write ``blob`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(blob)
    return Path(path)


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Write ``frame`` as CSV (no index unless asked) atomically, text from input
    neutralised (see :mod:`fundsim.results.safe_text`)."""
    kwargs.setdefault("index", False)
    with atomic_path(path) as tmp:
        neutral_frame(frame).to_csv(tmp, **kwargs)
    return Path(path)


def save_workbook(workbook: Any, path: str | Path) -> Path:
    """Save an openpyxl ``workbook`` atomically, every formula cell made text first."""
    text_cells_only(workbook)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return Path(path)


def save_figure_file(figure: Any, path: str | Path, **kwargs: Any) -> Path:
    """Save a matplotlib ``figure`` atomically (format from the suffix, PNG by default)."""
    final = Path(path)
    kwargs.setdefault("format", final.suffix.lstrip(".") or "png")
    with atomic_path(final) as tmp:
        figure.savefig(tmp, **kwargs)
    return final
