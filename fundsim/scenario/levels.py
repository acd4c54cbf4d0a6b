"""The levels of one varied key in a table of the scenario file (the ``[options]`` table's
``cross``, the ``[explore]`` table's levers): ``[a, b]`` or ``{ levels = [...], labels =
[...] }``, each level with a label that names it in tables and figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundsim.scenario.errors import ScenarioError


def level_label(value: Any, none_label: str | None = None) -> str | None:
    """The default label of a level: its value when it is a scalar, ``none_label`` for an
    absent value (where the table allows one, e.g. "as is"); None for a table or an array,
    which needs a label written beside it."""
    if value is None:
        return none_label
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return None


def levels_and_labels(
    file: Path, where: str, spec: Any, none_label: str | None = None
) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """Levels and labels from ``[a, b]`` or ``{ levels = [...], labels = [...] }`` at
    ``where`` of ``file``; labels default to :func:`level_label` of each level. Raises
    :class:`~fundsim.scenario.errors.ScenarioError` for an empty list, an unknown key, a
    level with no default label, or labels that are blank, too few or repeated."""
    if isinstance(spec, dict):
        unknown = set(spec) - {"levels", "labels"}
        if unknown:
            raise ScenarioError(
                file, f"{where}.{sorted(unknown)[0]}", "unknown key (use levels and labels)"
            )
        levels, labels = spec.get("levels"), spec.get("labels")
    else:
        levels, labels = spec, None
    if not isinstance(levels, list) or not levels:
        raise ScenarioError(file, where, "give a non-empty list of levels")
    if labels is None:
        labels = [level_label(v, none_label) for v in levels]
        if None in labels:
            raise ScenarioError(
                file, where, "a level that is a table or an array needs a label (labels = [...])"
            )
    if (
        not isinstance(labels, list)
        or len(labels) != len(levels)
        or not all(isinstance(x, str) and x.strip() for x in labels)
    ):
        raise ScenarioError(file, f"{where}.labels", "give one non-empty text label per level")
    if len(set(labels)) != len(labels):
        raise ScenarioError(file, f"{where}.labels", "labels must differ")
    return tuple(levels), tuple(labels)
