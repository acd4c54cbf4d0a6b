"""fundsim: Monte Carlo simulation of pooled funding for UN inter-agency PSEA
coordinators (Rec 7) and a common fund for victims of SEA and children born of it
(Rec 12, Rec 14).

The Python API for notebooks::

    import fundsim
    result = fundsim.run("scenarios/baseline.toml", reps=200, seed=1)
    result.summary          # pandas DataFrame: metric x (mean, p05, p50, p95)

``fundsim.run`` is :func:`fundsim.runner.run_scenario` and ``fundsim.load_scenario``
is :func:`fundsim.scenario.load_scenario`, with their own signatures and types. The
analyses are in :mod:`fundsim.analysis` and the figures in :mod:`fundsim.viz`.
Everything here is imported on first use: ``import fundsim`` (and ``fundsim --help``)
loads neither numpy, pandas nor matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it

if TYPE_CHECKING:
    from fundsim import analysis, errors, model, results, runner, scenario, sharing, viz
    from fundsim.runner import run_scenario as run
    from fundsim.scenario import load_scenario

#: Public functions and the module that defines each, under their name here.
_FUNCTIONS = {
    "run": ("fundsim.runner", "run_scenario"),
    "load_scenario": ("fundsim.scenario", "load_scenario"),
}
_PACKAGES = ("analysis", "errors", "model", "results", "runner", "scenario", "sharing", "viz")

__all__ = [
    "__version__",
    "analysis",
    "errors",
    "load_scenario",
    "model",
    "results",
    "run",
    "runner",
    "scenario",
    "sharing",
    "viz",
]


def __getattr__(name: str) -> Any:
    if name in _FUNCTIONS:
        module, attr = _FUNCTIONS[name]
        value = getattr(importlib.import_module(module), attr)
    elif name in _PACKAGES:
        value = importlib.import_module(f"fundsim.{name}")
    else:
        raise AttributeError(f"module 'fundsim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_FUNCTIONS, *_PACKAGES})
