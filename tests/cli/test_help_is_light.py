"""``fundsim --help`` answers at once: printing help loads no numerical or plotting library.

Each check runs in a fresh interpreter, since this test process has imported
everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fundsim import __version__
from fundsim.cli import COMMANDS

#: Libraries that take seconds to import and that no help text needs.
HEAVY = (
    "pandas",
    "matplotlib",
    "openpyxl",
    "dask",
    "distributed",
    "scipy",
    "pyarrow",
    "numpy",
    "pydantic",
)

_PROBE = """
import json, sys
from fundsim.cli import main
loaded = {}
for argv in json.loads(sys.argv[1]):
    try:
        main(argv)
    except SystemExit:
        pass
    loaded[" ".join(argv)] = sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)
print(json.dumps(loaded))
"""


def test_no_help_text_imports_a_heavy_library() -> None:
    helps = [["--help"], *([name, "--help"] for name in COMMANDS)]
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(helps), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == {" ".join(argv): [] for argv in helps}


@pytest.mark.parametrize("module", ["fundsim", "fundsim.cli"])
def test_python_dash_m_runs_the_command(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"fundsim {__version__}"
