"""Shared fixtures: paths to the shipped scenarios and the small test scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check values, not speed: no per-example deadline (a loaded CI machine
# made a 95 ms example take 811 ms and fail on time alone).
settings.register_profile("fundsim", deadline=None)
settings.load_profile("fundsim")

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def mini_path() -> Path:
    """A small scenario (4 entities, 4 countries, 5 years) for fast model tests."""
    return DATA / "mini.toml"


@pytest.fixture
def baseline_path() -> Path:
    """The shipped baseline scenario."""
    return SCENARIOS / "baseline.toml"


@pytest.fixture
def mini(mini_path: Path):
    from fundsim.scenario import load_scenario

    return load_scenario(mini_path)
