"""Mutations of a valid run directory, as a careless user or an attacker would make them:
each takes the folder and changes one file in place."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def _json_edit(name: str, edit: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        data = json.loads((run / name).read_text(encoding="utf-8"))
        edit(data)
        (run / name).write_text(json.dumps(data), encoding="utf-8")

    return mutate


def _text(name: str, text: str | bytes) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        (run / name).unlink()
        if isinstance(text, bytes):
            (run / name).write_bytes(text)
        else:
            (run / name).write_text(text, encoding="utf-8")

    return mutate


def _truncate(name: str, keep: float) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        blob = (run / name).read_bytes()
        (run / name).write_bytes(blob[: int(len(blob) * keep)])

    return mutate


def _link(name: str, target: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        (run / name).unlink()
        os.symlink(target, run / name)

    return mutate


def _folder(name: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        (run / name).unlink()
        (run / name).mkdir()

    return mutate


def _fifo(name: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        (run / name).unlink()
        os.mkfifo(run / name)

    return mutate


def _csv_cell(name: str, column: str, value: object, row: int = 0) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        frame = pd.read_csv(run / name)
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
        frame.to_csv(run / name, index=False)

    return mutate


def _drop_rows(name: str, keep: int) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        pd.read_csv(run / name).head(keep).to_csv(run / name, index=False)

    return mutate


def _foreign_parquet(name: str) -> Callable[[Path], None]:
    def mutate(run: Path) -> None:
        pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(run / name, index=False)

    return mutate


def _set(path: tuple[str, ...], value: object) -> Callable[[dict], None]:
    def edit(data: dict) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


#: name -> mutation. Every one of them makes the folder something fundsim did not write.
MUTATIONS: dict[str, Callable[[Path], None]] = {
    "summary not JSON": _text("summary.json", "{not json"),
    "summary a list": _text("summary.json", "[1, 2]"),
    "summary empty": _text("summary.json", ""),
    "summary binary": _text("summary.json", b"\xff\xfe\x00\x01"),
    "p_gap text": _json_edit("summary.json", _set(("p_gap", "mean"), "abc")),
    "p_gap NaN": _json_edit("summary.json", _set(("p_gap", "mean"), float("nan"))),
    "p_gap 1e308": _json_edit("summary.json", _set(("p_gap", "mean"), 1e308)),
    "p_gap above 1": _json_edit("summary.json", _set(("p_gap", "p95"), 3.0)),
    "usd 1e308": _json_edit("summary.json", _set(("inflows_usd", "mean"), 1e308)),
    "n text": _json_edit("summary.json", _set(("p_gap", "n"), "x")),
    "n above replications": _json_edit("summary.json", _set(("p_gap", "n"), 10**9)),
    "metric not an object": _json_edit("summary.json", _set(("p_gap",), 5)),
    "manifest not JSON": _text("manifest.json", "]]"),
    "manifest a number": _text("manifest.json", "5"),
    "replications 1e18": _json_edit("manifest.json", _set(("replications",), 10**18)),
    "replications float": _json_edit("manifest.json", _set(("replications",), 2.5)),
    "replications true": _json_edit("manifest.json", _set(("replications",), True)),
    "seed text": _json_edit("manifest.json", _set(("seed",), "x")),
    "seed negative": _json_edit("manifest.json", _set(("seed",), -1)),
    "scenario a list": _json_edit("manifest.json", _set(("scenario",), [1])),
    "wall_seconds text": _json_edit("manifest.json", _set(("wall_seconds",), "fast")),
    "replications.csv text row": _csv_cell("replications.csv", "closing_balance_usd", "abc"),
    "replications.csv truncated": _drop_rows("replications.csv", 1),
    "replications.csv cut mid-row": _truncate("replications.csv", 0.6),
    "replications.csv empty": _text("replications.csv", ""),
    "replications.csv 1e308": _csv_cell("replications.csv", "inflows_usd", 1e308),
    "shares.csv share -5": _csv_cell("shares.csv", "share", -5),
    "shares.csv binary": _text("shares.csv", b"\x00\x01\x02\xff"),
    "monthly random bytes": _text("monthly.parquet", os.urandom(2048)),
    "monthly truncated": _truncate("monthly.parquet", 0.5),
    "monthly foreign table": _foreign_parquet("monthly.parquet"),
    "statements random bytes": _text("statements.parquet", os.urandom(512)),
    "yearly.csv binary": _text("yearly.csv", b"\xff\xfe\xfd"),
    "summary linked to a system file": _link("summary.json", "/etc/passwd"),
    "replications linked to a system file": _link("replications.csv", "/etc/hostname"),
    "monthly linked to /dev/zero": _link("monthly.parquet", "/dev/zero"),
    "summary a folder": _folder("summary.json"),
    "summary a FIFO": _fifo("summary.json"),
}
