"""Seed streams: one ``SeedSequence`` child per replication, named streams inside it.

Replication ``r`` of a run with seed ``S`` uses ``SeedSequence(S, spawn_key=(r,))``,
exactly what ``SeedSequence(S).spawn(n)[r]`` gives, so its draws do not depend on
how many replications run or on which worker runs them. Inside it, each named
stream (``payments``, ``recruitment``, ``shocks``...) gets its own child keyed by a
stable hash of its name, so scenarios that differ in structure still share the
draws of every stream they both use (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` (0-based) of a run seeded ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def stream_seed(parent: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The seed sequence of the stream called ``name`` inside ``parent``."""
    return np.random.SeedSequence(
        parent.entropy, spawn_key=(*parent.spawn_key, zlib.crc32(name.encode()))
    )


class Streams:
    """Callable ``name -> numpy.random.Generator``, one generator per name, created on first use."""

    __slots__ = ("_cache", "_parent")

    def __init__(self, parent: np.random.SeedSequence) -> None:
        self._parent = parent
        self._cache: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        gen = self._cache.get(name)
        if gen is None:
            gen = np.random.Generator(np.random.PCG64(stream_seed(self._parent, name)))
            self._cache[name] = gen
        return gen
