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


# Under CI=true a check that cannot run because a tool or an extra is missing fails instead of
# skipping (.ci/run installs what the suite needs; a green CI must not hide a missing install).
_MISSING_TOOL = ("could not import", "no headless browser", "no module named")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    import os

    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") != "true" or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if any(word in reason.lower() for word in _MISSING_TOOL):
        report.outcome = "failed"
        report.longrepr = f"CI=true: this check cannot run here and must not be skipped: {reason}"


# The longest tests first: the docs pages' checked runs, the notebooks and the slow-marked
# runs. With `make test`'s `-n 2 --dist worksteal` each worker takes half of the list and an
# idle worker steals from the other's queue, so the short tests fill in around the long ones
# instead of one long page run starting last and leaving a worker idle for minutes (the
# order changes no result: every test builds its own runs).
_LONG_FIRST = ("tests/docs/", "tests/notebooks/")


# The two checks of a documented page (its commands exit 0; its checked blocks print their
# outputs) read one run of the page made in the test process that asks first
# (tests/docs/page_runs.py): they are put side by side so that one worker usually takes both.


def _docs_page(item: pytest.Item) -> str:
    """The documented page a docs test checks ("" for the others)."""
    callspec = getattr(item, "callspec", None)
    page = callspec.params.get("page") if callspec is not None else None
    if not item.nodeid.startswith("tests/docs/") or page is None:
        return ""
    path = Path(page)
    return (path.relative_to(ROOT) if path.is_absolute() else path).as_posix()


@pytest.hookimpl(trylast=True)  # after any plugin that shuffles: the ranks hold
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        where = item.nodeid
        if where.startswith(_LONG_FIRST):
            return 0
        return 1 if item.get_closest_marker("slow") else 2

    first = {}
    for i, item in enumerate(items):
        first.setdefault(_docs_page(item) or item.nodeid, i)
    items.sort(key=lambda item: (rank(item), first[_docs_page(item) or item.nodeid]))
