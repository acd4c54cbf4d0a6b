"""The long commands show one progress bar over every replication they run (with its ETA)
on a terminal, and none when stderr is not one or with --no-progress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from fundsim.analysis.sensitivity import sensitivity
from fundsim.analysis.solve import solve
from fundsim.analysis.stress import stress_test
from fundsim.cli import main
from fundsim.cli.progress import progress_bar
from fundsim.scenario import load_scenario

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


class CountingBar:
    def __init__(self, total: int) -> None:
        self.total, self.done, self.closed = total, 0, False

    def update(self, n: int) -> None:
        self.done += n

    def close(self) -> None:
        self.closed = True


@pytest.fixture()
def bars():
    made: list[CountingBar] = []

    def factory(total: int) -> CountingBar:
        made.append(CountingBar(total))
        return made[-1]

    return made, factory


def test_stress_battery_fills_one_bar_over_every_replication(bars):
    made, factory = bars
    result = stress_test(load_scenario(MINI), reps=2, seed=1, workers=1, bar=factory)
    assert len(made) == 1 and made[0].closed
    runs = 1 + len(result.runs)
    assert made[0].total == made[0].done == 2 * runs


def test_solve_bar_counts_the_replications_of_every_evaluation(bars):
    made, factory = bars
    res = solve(
        load_scenario(MINI),
        "coordinator_coverage>=0.5",
        "payments.contribution_scale",
        low=0.3,
        high=1.5,
        tolerance=0.1,
        reps=2,
        seed=1,
        workers=1,
        bar=factory,
    )
    assert len(made) == 1 and made[0].closed
    assert made[0].done == 2 * len(res.runs) <= made[0].total


def test_sensitivity_bar_counts_points_times_replications(bars):
    made, factory = bars
    res = sensitivity(
        load_scenario(MINI),
        "coordinator_coverage",
        method="morris",
        samples=2,
        reps=2,
        workers=1,
        ranges={"posts.annual_cost_usd": (230000, 330000)},
        bar=factory,
    )
    assert len(made) == 1 and made[0].closed
    assert made[0].total == made[0].done == 2 * len(res.samples)


def test_no_bar_off_a_terminal_or_with_no_progress(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert progress_bar(argparse.Namespace(no_progress=False), "x") is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress_bar(argparse.Namespace(no_progress=True), "x") is None
    assert progress_bar(argparse.Namespace(no_progress=False), "x") is not None


def test_stress_on_a_terminal_shows_a_bar_with_counts(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert (
        main(["stress", str(MINI), "--reps", "2", "--workers", "1", "--out", str(tmp_path / "st")])
        == 0
    )
    err = capsys.readouterr().err
    assert "stress battery" in err and "rep" in err and "100%" in err
