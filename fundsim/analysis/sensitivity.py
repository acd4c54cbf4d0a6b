"""Global sensitivity analysis of a metric to the scenario's ``[uncertainties]`` (SALib).

Each uncertain input is a dotted scenario key with a range (``{low, high}``, in the
key's unit), sampled uniformly. Every sample point is a scenario variant run for a
few replications with the *same* seed (common random numbers), and its output is the
mean of the chosen metric over those replications; the Monte Carlo noise left in
that mean shows up as a small spurious share of the variance, which the confidence
intervals (bootstrap, from SALib) help to judge.

- **Sobol** (``SALib.sample.sobol`` / ``SALib.analyze.sobol``, first and total order,
  no second order): ``N * (D + 2)`` points for ``D`` inputs; ``N`` a power of 2.
- **Morris** (elementary effects): ``N * (D + 1)`` points, cheaper, for screening.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fundsim.analysis.variants import get_value, with_overrides
from fundsim.errors import BadInput
from fundsim.runner import arguments, run_scenario
from fundsim.runner.executors import make_executor
from fundsim.scenario import Scenario
from fundsim.scenario.overrides import OverrideError

METHODS = ("sobol", "morris")
#: What ``fundsim sensitivity`` says when the ``sensitivity`` extra (SALib) is not installed.
INSTALL_HINT = (
    "sensitivity analysis needs SALib: pip install -e '.[sensitivity]' (in a clone of fundsim)"
)


class SensitivityError(BadInput):
    """No uncertain inputs, a range the schema refuses, an unknown metric or method."""

    about_scenario = True


@dataclass(frozen=True)
class SensitivityResult:
    """Indices per input (``table``), the sample points and outputs (``samples``)."""

    method: str
    metric: str
    table: pd.DataFrame
    samples: pd.DataFrame
    reps: int
    seed: int
    n_base: int


def _problem(ranges: Mapping[str, tuple[float, float]]) -> dict:
    names = list(ranges)
    return {"num_vars": len(names), "names": names, "bounds": [list(ranges[n]) for n in names]}


def _integer_keys(scenario: Scenario, keys: Sequence[str]) -> set[str]:
    out = set()
    for k in keys:
        v = get_value(scenario, k)
        if isinstance(v, int) and not isinstance(v, bool):
            out.add(k)  # an integer field (months, counts): sample points are rounded
    return out


def _point_scenario(
    scenario: Scenario, keys: Sequence[str], ints: set[str], x: np.ndarray
) -> Scenario:
    return with_overrides(
        scenario, {k: (round(v) if k in ints else float(v)) for k, v in zip(keys, x, strict=True)}
    )


def evaluate_points(
    scenario: Scenario, keys: Sequence[str], points: np.ndarray, metric: str, reps: int, seed: int
) -> list[float]:
    """Mean of ``metric`` over ``reps`` replications (seed ``seed``) at each sample point.

    Module-level so that worker processes can run it on a chunk of points.
    """
    ints = _integer_keys(scenario, keys)
    out = []
    for x in points:
        run = run_scenario(
            _point_scenario(scenario, keys, ints, x), reps=reps, seed=seed, workers=1
        )
        out.append(float(run.metric(metric)["mean"]) if metric in run.summary.index else math.nan)
    return out


def _run_points(
    scenario: Scenario,
    keys: Sequence[str],
    X: np.ndarray,
    metric: str,
    reps: int,
    seed: int,
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
    bar: Callable[[int], Any] | None = None,
) -> np.ndarray:
    n_tasks = max(1, min(len(X), 4 * (workers or 1)))
    parts = np.array_split(np.arange(len(X)), n_tasks)
    executor = make_executor(workers, scheduler)
    Y = np.full(len(X), np.nan)
    done = 0
    meter = bar(len(X) * reps) if bar is not None else None
    try:
        tasks = [
            (scenario, list(keys), X[idx], metric, reps, seed, idx) for idx in parts if idx.size
        ]
        for idx, values in executor.map_unordered(_evaluate_chunk, tasks):
            Y[idx] = values
            done += idx.size
            if meter is not None:
                meter.update(idx.size * reps)
            if progress:
                progress(done, len(X))
    finally:
        executor.close()
        if meter is not None:
            meter.close()
    return Y


def _evaluate_chunk(
    scenario: Scenario,
    keys: list[str],
    points: np.ndarray,
    metric: str,
    reps: int,
    seed: int,
    idx: np.ndarray,
) -> tuple[np.ndarray, list[float]]:
    return idx, evaluate_points(scenario, keys, points, metric, reps, seed)


def _checked_ranges(
    scenario: Scenario, ranges: Mapping[str, tuple[float, float]] | None
) -> dict[str, tuple[float, float]]:
    """The scenario's ``[uncertainties]`` with ``ranges`` added or replacing them (dotted key
    -> (low, high), in the key's units); raises :class:`SensitivityError` when there are
    none, a low is not below its high, or the scenario refuses an end."""
    merged = {k: (r.low, r.high) for k, r in scenario.uncertainties.items()}
    merged.update(ranges or {})
    if not merged:
        raise SensitivityError(
            "no uncertain inputs: add an [uncertainties] table to the scenario "
            '("posts.annual_cost_usd" = { low = 230000, high = 330000 }) or give --range '
            "KEY=LOW:HIGH"
        )
    for k, (lo, hi) in merged.items():
        if not lo < hi:
            raise SensitivityError(f"uncertainties.{k}: low ({lo:g}) must be below high ({hi:g})")
        for end in (lo, hi):
            try:
                with_overrides(scenario, {k: end})
            except OverrideError as exc:
                raise SensitivityError(f"uncertainties.{k}: {end:g} is refused ({exc})") from None
    return merged


def sensitivity(
    scenario: Scenario,
    metric: str = "coordinator_coverage",
    *,
    method: str = "sobol",
    samples: int = 32,
    reps: int = 20,
    seed: int | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    bar: Callable[[int], Any] | None = None,
) -> SensitivityResult:
    """Sobol or Morris indices of ``metric`` to the scenario's uncertain inputs.

    ``ranges`` (dotted key -> (low, high)) adds to or replaces the scenario's
    ``[uncertainties]``. ``samples`` is SALib's base sample size ``N`` (Sobol:
    ``N * (D + 2)`` points; Morris: ``N`` trajectories, ``N * (D + 1)`` points);
    each point runs ``reps`` replications with seed ``seed`` (default: the scenario's).
    """
    scenario = arguments.entry(
        scenario, reps=reps, seed=seed, workers=workers, scheduler=scheduler
    )  # checked as the command line checks it
    if importlib.util.find_spec("SALib") is None:
        raise BadInput(INSTALL_HINT)
    if method not in METHODS:
        raise SensitivityError(f"method {method!r}: choose one of {', '.join(METHODS)}")
    merged = _checked_ranges(scenario, ranges)
    keys = list(merged)
    seed = scenario.simulation.seed if seed is None else seed
    problem = _problem(merged)
    if method == "sobol":
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample

        if samples < 2 or samples & (samples - 1):
            raise SensitivityError(
                f"--samples {samples}: Sobol sampling needs a power of 2 (8, 16, 32, 64...)"
            )
        X = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed % 2**32)
    else:
        from SALib.analyze import morris as morris_analyze
        from SALib.sample import morris as morris_sample

        if samples < 2:
            raise SensitivityError("--samples: Morris needs at least 2 trajectories")
        X = morris_sample.sample(problem, samples, num_levels=4, seed=seed % 2**32)
    Y = _run_points(scenario, keys, X, metric, reps, seed, workers, scheduler, progress, bar)
    if np.isnan(Y).all():
        raise SensitivityError(f"metric {metric!r} is not a metric of this scenario")
    table = pd.DataFrame(
        {"input": keys, "low": [merged[k][0] for k in keys], "high": [merged[k][1] for k in keys]}
    )
    if method == "sobol":
        Si = sobol_analyze.analyze(
            problem, Y, calc_second_order=False, conf_level=0.95, seed=seed % 2**32
        )
        for col in ("S1", "S1_conf", "ST", "ST_conf"):
            table[col] = np.asarray(Si[col], float)
    else:
        Si = morris_analyze.analyze(problem, X, Y, conf_level=0.95, num_levels=4, seed=seed % 2**32)
        for col in ("mu", "mu_star", "mu_star_conf", "sigma"):
            table[col] = np.asarray(Si[col], float)
    samples_frame = pd.DataFrame(X, columns=keys)
    samples_frame[metric] = Y
    return SensitivityResult(method, metric, table, samples_frame, reps, seed, samples)
