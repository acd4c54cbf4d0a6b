"""The optional extras (Dask, SALib): without one, the command that needs it stops with
exit 2 and one line saying how to install it from a clone; nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fundsim.cli import main

MINI = Path(__file__).resolve().parent / "data" / "mini.toml"


def test_a_run_on_dask_without_the_extra_says_how_to_install_it(
    monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if the extra were missing
    out = tmp_path / "run"
    code = main(
        [
            "run",
            str(MINI),
            "--reps",
            "2",
            "--scheduler",
            "local",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "pip install -e '.[dask]'" in err
    assert not out.exists()


def test_sensitivity_without_salib_says_how_to_install_it(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)  # importlib finds no SALib
    out = tmp_path / "sens"
    code = main(
        [
            "sensitivity",
            str(MINI),
            "--method",
            "morris",
            "--samples",
            "2",
            "--reps",
            "2",
            "--range",
            "posts.annual_cost_usd=230000:330000",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "pip install -e '.[sensitivity]'" in err
    assert not out.exists()


@pytest.mark.parametrize("extra", ["dask", "sensitivity"])
def test_each_extra_is_declared_and_pulled_in_by_the_test_extra(extra: str) -> None:
    import tomllib

    project = tomllib.loads(
        (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    )["project"]
    extras = project["optional-dependencies"]
    assert extra in extras
    assert any(req.startswith("fundsim[") and extra in req for req in extras["test"])
    core = " ".join(project["dependencies"]).lower()
    assert "dask" not in core and "salib" not in core and "openpyxl" not in core
