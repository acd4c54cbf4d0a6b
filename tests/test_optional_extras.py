"""The optional extras (Dask, SALib): without one, the command that needs it stops with
exit 2 and one line saying how to install it from a clone; nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fundsim.cli import main

MINI = Path(__file__).resolve().parent / "data" / "mini.toml"


#: Each extra: the module hidden (as if the extra were not installed), the command that needs
#: it (after the scenario file) and the extra the hint names.
COMMANDS_NEEDING_AN_EXTRA = [
    pytest.param(
        "dask.distributed",
        ["run", "--reps", "2", "--scheduler", "local"],
        "dask",
        id="run-on-dask",
    ),
    pytest.param(
        "SALib",  # importlib finds no SALib
        [
            "sensitivity",
            "--method",
            "morris",
            "--samples",
            "2",
            "--reps",
            "2",
            "--range",
            "posts.annual_cost_usd=230000:330000",
        ],
        "sensitivity",
        id="sensitivity-without-salib",
    ),
]


@pytest.mark.parametrize(("module", "command", "extra"), COMMANDS_NEEDING_AN_EXTRA)
def test_a_command_without_its_extra_says_in_one_line_how_to_install_it(
    monkeypatch, tmp_path, capsys, module: str, command: list[str], extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    out = tmp_path / "out"
    code = main([command[0], str(MINI), *command[1:], "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert f"pip install -e '.[{extra}]'" in err
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
