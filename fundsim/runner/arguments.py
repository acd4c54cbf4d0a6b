"""The checks every Python entry point makes on its arguments, as the command line does.

``fundsim.run`` (:func:`fundsim.runner.run_scenario`) and the analysis functions take a
scenario and counts from Python, where nothing has parsed them: a ``Scenario`` copied
with pydantic's ``model_copy(update=...)`` (which skips validation), ``reps="2"``,
``seed=nan``, ``workers=0``. Each entry point calls these functions first, so that what
the command line refuses the API refuses too, with the same limits, as a
:class:`~fundsim.errors.BadInput` whose message is one line (never a raw
``TypeError`` from deep inside the model):

- :func:`checked_scenario`: a path is loaded (checked as ``fundsim validate`` checks it),
  a ``Scenario`` object validated again as a file would be (the schema's limits and the
  loader's cross-reference checks);
- :func:`whole_number`, :func:`replications`, :func:`seed`, :func:`workers`: counts as
  the command line's ``--reps``, ``--seed`` and ``--workers`` take them (a bool, a
  string, a fraction, NaN or a number out of bounds is refused);
- :func:`flag`, :func:`progress`, :func:`executor`: the remaining switches.
"""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Any

from fundsim.errors import BadInput
from fundsim.scenario import Scenario
from fundsim.scenario.schema import MAX_REPLICATIONS, MAX_SEED

#: Most local worker processes: the command line's ``--workers`` limit.
MAX_WORKERS = 256


class ArgumentError(BadInput):
    """An argument of a Python entry point that the command line would refuse."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def whole_number(name: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int from ``low`` to ``high``; a bool, a string, a fraction, NaN or
    anything else that is not a whole number is refused (:class:`ArgumentError`)."""
    if isinstance(value, bool) or not isinstance(
        value, numbers.Integral
    ):  # numpy ints are Integral
        raise ArgumentError(
            f"{name}: must be a whole number from {low} to {high:,} (got {_shown(value)})"
        )
    number = int(value)
    if not low <= number <= high:
        raise ArgumentError(
            f"{name}: must be a whole number from {low} to {high:,} (got {number:,})"
        )
    return number


def replications(value: Any, name: str = "reps") -> int | None:
    """Replications as ``--reps`` takes them (1 to the schema's limit); ``None`` stays
    ``None`` (the scenario's own)."""
    return None if value is None else whole_number(name, value, 1, MAX_REPLICATIONS)


def seed(value: Any, name: str = "seed") -> int | None:
    """A root seed as ``--seed`` takes it (0 to 2**63 - 1); ``None`` stays ``None``."""
    return None if value is None else whole_number(name, value, 0, MAX_SEED)


def workers(value: Any, name: str = "workers") -> int | None:
    """Local worker processes as ``--workers`` takes them (1 to 256); ``None`` stays ``None``."""
    return None if value is None else whole_number(name, value, 1, MAX_WORKERS)


_seed, _workers = seed, workers  # for entry(), whose keywords shadow these names


def flag(name: str, value: Any) -> bool:
    """A switch: ``True`` or ``False`` only (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        raise ArgumentError(f"{name}: must be True or False (got {_shown(value)})")
    return value


def text(name: str, value: Any, *, limit: int = 1000) -> str | None:
    """An optional string of at most ``limit`` characters (a scheduler address, a name)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ArgumentError(
            f"{name}: must be a string of 1 to {limit:,} characters (got {_shown(value)})"
        )
    return value


def progress(value: Any) -> Any:
    """A progress argument: ``None``, a bool, or a factory ``total -> bar`` (callable)."""
    if value is None or isinstance(value, bool) or callable(value):
        return value
    raise ArgumentError(
        f"progress: must be True, False, None or a function total -> bar (got {_shown(value)})"
    )


def executor(value: Any) -> Any:
    """An open executor (an object with ``map_unordered``, ``workers`` and ``close``), or
    ``None``."""
    if value is None or all(hasattr(value, a) for a in ("map_unordered", "workers", "close")):
        return value
    raise ArgumentError(
        "executor: must be an open executor from fundsim.runner.make_executor (got "
        f"{_shown(value)})"
    )


def checked_scenario(scenario: Any, name: str = "scenario") -> Scenario:
    """The scenario an entry point was given, checked as a file would be.

    A path (``str`` or ``Path``) is loaded with :func:`fundsim.scenario.load_scenario`. A
    :class:`~fundsim.scenario.Scenario` is validated again from its fields: pydantic's
    ``model_copy(update=...)`` and ``model_construct`` skip validation, so a copied
    scenario may hold a negative cost or a fee of 150 %; such a scenario is refused
    with the key path and the schema's message (:class:`ArgumentError`). Anything else is
    refused. Returns the scenario (loaded, if a path was given).
    """
    from fundsim.scenario import load_scenario

    if isinstance(scenario, (str, Path)):
        return load_scenario(scenario)
    if not isinstance(scenario, Scenario):
        raise ArgumentError(
            f"{name}: must be a Scenario or the path of a scenario file (got {_shown(scenario)})"
        )
    revalidated(scenario, name)
    return scenario  # the object given, now known valid (its results stay bit-identical)


def entry(
    scenario: Any, *, reps: Any = None, seed: Any = None, workers: Any = None, scheduler: Any = None
) -> Scenario:
    """The checks of an analysis entry point (``stress_test``, ``solve``, ``sensitivity``,
    ``run_explore``, ``share_tables``, ``budget_annex``): its scenario as
    :func:`checked_scenario`, and its counts as the command line takes them. Returns the
    scenario (loaded, if a path was given)."""
    replications(reps)
    _seed(seed)
    _workers(workers)
    text("scheduler", scheduler)
    return checked_scenario(scenario)


def revalidated(scenario: Scenario, name: str = "scenario") -> Scenario:
    """``scenario`` validated from its fields again: the schema, then the loader's checks
    across tables (entities named by countries, cuts inside the horizon, fees...)."""
    from pydantic import ValidationError

    from fundsim.scenario.loader.cross_references import check_references
    from fundsim.scenario.overrides import validation_problem

    try:
        data = scenario.model_dump(mode="python", round_trip=True)
    except Exception as exc:  # a field replaced by an object pydantic cannot dump
        raise ArgumentError(f"{name}: not a valid scenario ({type(exc).__name__})") from None
    try:
        fresh = Scenario.model_validate(data)
    except ValidationError as exc:
        key, message = validation_problem(exc)
        raise ArgumentError(f"{name}: {key}: {message}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise ArgumentError(
            f"{name}: not a valid scenario: {' '.join(str(exc).split())[:200]}"
        ) from None
    try:
        # [sources] names keys of the file (a table's ``file``), which the loaded model no
        # longer holds: the loader checked them; the rest is checked again here.
        check_references(fresh.model_copy(update={"sources": {}}), data, Path(f"<{name}>"), {})
    except BadInput as exc:
        raise ArgumentError(" ".join(str(exc).split())) from None
    return fresh
