"""fundsim: Monte Carlo simulation of pooled funding for UN inter-agency PSEA
coordinators (Rec 7) and a common fund for victims of SEA and children born of it
(Rec 12, Rec 14).

The Python API for notebooks::

    import fundsim
    result = fundsim.run("scenarios/baseline.toml", reps=200, seed=1)
    result.summary          # pandas DataFrame: metric x (mean, p05, p50, p95)
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_scenario", "run"]


def run(scenario: Any, reps: int | None = None, seed: int | None = None, **kwargs: Any) -> Any:
    """Run a scenario (path or :class:`~fundsim.scenario.Scenario`) and return a
    :class:`~fundsim.runner.montecarlo.RunResult`; see :func:`fundsim.runner.run_scenario`."""
    from fundsim.runner import run_scenario

    return run_scenario(scenario, reps=reps, seed=seed, **kwargs)


def load_scenario(path: Any) -> Any:
    """Load and validate a scenario file (see :func:`fundsim.scenario.load_scenario`)."""
    from fundsim.scenario import load_scenario as _load

    return _load(path)
