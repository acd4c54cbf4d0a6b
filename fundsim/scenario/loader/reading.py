"""Safe reading of scenario files: a path is checked with ``stat`` before it is opened (a
directory, device, FIFO or socket is refused unopened, so a FIFO never blocks), files larger
than their limit are refused, text must be UTF-8 (a byte-order mark is accepted, as Excel
writes one) and hold no NUL byte; TOML nested deeper than :data:`MAX_NESTING` levels is
refused. Messages never quote the content of a file that turned out not to be a scenario."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from fundsim.scenario.errors import ScenarioError

#: Largest scenario file (bytes): a scenario is a few kilobytes.
MAX_SCENARIO_BYTES = 1 << 20
#: Deepest nesting of tables and arrays.
MAX_NESTING = 32


def read_text_file(
    path: Path, limit: int, *, ref: Path | None = None, key: str = "", what: str = "file"
) -> str:
    """The text of ``path``, checked before it is opened; :class:`ScenarioError` if it is
    missing, not a regular file (directory, device, FIFO, socket), larger than ``limit``
    bytes, not UTF-8 or binary. A missing file is reported against ``ref`` at ``key``
    when given (the file that names it). A UTF-8 byte-order mark is dropped."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if ref is not None:
            raise ScenarioError(ref, key, f"{what} not found: {path.name}") from None
        raise ScenarioError(path, "", "file not found") from None
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(ref or path, key, f"{path} is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        # Never opened: opening a FIFO blocks until a writer comes, a device may not end.
        raise ScenarioError(
            ref or path, key, f"{path} is not a regular file (a device, FIFO or socket)"
        )
    if info.st_size > limit:
        raise ScenarioError(
            path, "", f"is {info.st_size:,} bytes; the limit for a {what} is {limit:,}"
        )
    try:
        with open(path, "rb") as fh:
            blob = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror}") from None
    if len(blob) > limit:
        raise ScenarioError(path, "", f"is larger than the limit for a {what} ({limit:,} bytes)")
    if b"\x00" in blob:
        raise ScenarioError(path, "", f"is a binary file, not a {what} (UTF-8 text)")
    try:
        return blob.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        raise ScenarioError(path, "", f"not UTF-8 text (an invalid byte on line {line})") from None


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML table of the scenario file ``path``, read with :func:`read_text_file` and
    refused when it nests deeper than :data:`MAX_NESTING` levels."""
    text = read_text_file(path, MAX_SCENARIO_BYTES, what="scenario file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"not valid TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(
            path, "", f"nested too deeply (the limit is {MAX_NESTING} levels)"
        ) from None
    where = _too_deep(data, MAX_NESTING)
    if where is not None:
        raise ScenarioError(path, where, f"nested too deeply (the limit is {MAX_NESTING} levels)")
    return data


def _too_deep(data: Any, limit: int) -> str | None:
    """The key path where ``data`` nests deeper than ``limit`` tables or arrays, if any
    (iterative: a deep structure must not exhaust the stack here either)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > limit:
            return path or "(top level)"
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k), depth + 1) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(node))
    return None
