"""The version is written once (``fundsim.__version__``); the package metadata, the
command line and every manifest read it from there."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

import fundsim
from fundsim.cli import main


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "fundsim.__version__"}


def test_the_installed_metadata_and_the_command_line_say_the_same_version(capsys) -> None:
    assert importlib.metadata.version("fundsim") == fundsim.__version__
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"fundsim {fundsim.__version__}"
