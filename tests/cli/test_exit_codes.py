"""Exit codes of ``fundsim``: 2 and one line for what the user can fix, 1 and a traceback for a bug.

The command line catches exceptions in one place (``fundsim.cli.main``); these tests
pin down what it does with each kind, whichever command raised it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fundsim.scenario.loader
from fundsim.analysis.compare import CompareError
from fundsim.analysis.sensitivity import SensitivityError
from fundsim.analysis.share_tables import ShareTablesError
from fundsim.analysis.solve import SolveError
from fundsim.analysis.stress import NotApplicable
from fundsim.cli import main
from fundsim.errors import BadInput, FundsimError
from fundsim.results import RunDirError
from fundsim.runner.batch import BatchError
from fundsim.scenario import ScenarioError
from fundsim.scenario.overrides import OverrideError
from fundsim.viz.figures import MissingData

USER_ERRORS = (
    ScenarioError,
    RunDirError,
    BatchError,
    CompareError,
    SolveError,
    SensitivityError,
    OverrideError,
    ShareTablesError,
)


@pytest.mark.parametrize("cls", USER_ERRORS, ids=lambda c: c.__name__)
def test_every_user_error_is_bad_input_and_still_a_value_error(cls: type) -> None:
    assert (
        issubclass(cls, BadInput) and issubclass(cls, FundsimError) and issubclass(cls, ValueError)
    )


@pytest.mark.parametrize("cls", (MissingData, NotApplicable), ids=lambda c: c.__name__)
def test_signals_caught_by_their_callers_are_not_user_errors(cls: type) -> None:
    # A figure without data or a shock that does not apply is skipped by its caller;
    # one reaching the command line would be a bug.
    assert issubclass(cls, FundsimError) and not issubclass(cls, BadInput)


def _raising(exc: BaseException):
    def load_sweep(file: str):
        raise exc

    return load_sweep


def test_bad_input_from_any_command_exits_2_with_one_line(
    monkeypatch, capsys, mini_path: Path
) -> None:
    monkeypatch.setattr(
        fundsim.scenario.loader, "load_sweep", _raising(BadInput("x.toml: a: must be\npositive"))
    )
    assert main(["validate", str(mini_path)]) == 2
    err = capsys.readouterr().err
    assert err == "fundsim: x.toml: a: must be positive\n"


def test_a_bug_exits_1_with_its_traceback(monkeypatch, capsys, mini_path: Path) -> None:
    monkeypatch.setattr(fundsim.scenario.loader, "load_sweep", _raising(KeyError("oops")))
    assert main(["validate", str(mini_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError: 'oops'" in err and "internal error" in err


def test_a_fundsim_error_that_is_not_bad_input_is_a_bug(
    monkeypatch, capsys, mini_path: Path
) -> None:
    monkeypatch.setattr(
        fundsim.scenario.loader, "load_sweep", _raising(MissingData("fan chart: no data"))
    )
    assert main(["validate", str(mini_path)]) == 1
    assert "internal error" in capsys.readouterr().err


def test_an_analysis_error_is_told_after_the_scenario_file(
    tmp_path: Path, capsys, mini_path: Path
) -> None:
    code = main(
        [
            "solve",
            str(mini_path),
            "--target",
            "p_gap=0.05",
            "--lever",
            "posts.annual_cost_usd",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"fundsim: {mini_path}: target 'p_gap=0.05'") and err.count("\n") == 1


def test_a_share_table_error_exits_2_naming_the_file(
    tmp_path: Path, capsys, mini_path: Path
) -> None:
    code = main(["shares", str(mini_path), "--capacity-key", "nope", "--out", str(tmp_path / "s")])
    assert code == 2
    assert (
        capsys.readouterr().err
        == f"fundsim: {mini_path}: no entity has the capacity column 'nope'\n"
    )


def test_a_bad_run_directory_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["compare", str(tmp_path), str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a complete run directory" in err and err.count("\n") == 1
