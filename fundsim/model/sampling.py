"""Vectorised draws from the scenario's :class:`~fundsim.scenario.schema.Distribution`.

One call draws a whole batch, so hot paths never call the generator per scalar.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from fundsim.scenario.schema import Distribution


def draw(
    dist: Distribution, rng: np.random.Generator, size: int | tuple[int, ...]
) -> NDArray[np.float64]:
    """``size`` draws of ``dist`` as float64 (no clipping; see :func:`draw_non_negative`)."""
    kind = dist.dist
    if kind == "fixed":
        return np.full(size, float(dist.value))  # type: ignore[arg-type]
    if kind == "uniform":
        return rng.uniform(dist.low, dist.high, size)  # type: ignore[arg-type]
    if kind == "triangular":
        if dist.low == dist.high:
            return np.full(size, float(dist.low))  # type: ignore[arg-type]
        return rng.triangular(dist.low, dist.mode, dist.high, size)  # type: ignore[arg-type]
    if kind == "normal":
        return rng.normal(dist.mean, dist.sd, size)  # type: ignore[arg-type]
    if kind == "lognormal":
        mean, sd = float(dist.mean), float(dist.sd)  # type: ignore[arg-type]
        if mean <= 0:
            return np.zeros(size)
        sigma2 = np.log1p((sd / mean) ** 2)
        return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size)
    if kind == "poisson":
        return rng.poisson(dist.mean, size).astype(np.float64)  # type: ignore[arg-type]
    if kind == "exponential":
        return rng.exponential(dist.mean, size) if dist.mean else np.zeros(size)
    raise ValueError(f"unknown distribution '{kind}'")


def draw_non_negative(
    dist: Distribution, rng: np.random.Generator, size: int | tuple[int, ...]
) -> NDArray[np.float64]:
    """Draws clipped at zero (for delays, lags, costs and fractions)."""
    values = draw(dist, rng, size)  # a new array: clipped in place
    return np.maximum(values, 0.0, out=values)


def draw_months(
    dist: Distribution, rng: np.random.Generator, size: int, minimum: int = 0
) -> list[int]:
    """Whole-month draws (rounded to nearest, at least ``minimum``) as a Python list."""
    values = np.rint(draw_non_negative(dist, rng, size)).astype(np.int64)
    return np.maximum(values, minimum).tolist()
