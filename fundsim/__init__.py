"""fundsim: Monte Carlo simulation of pooled funding for UN inter-agency PSEA
coordinators (Rec 7) and a common fund for victims of SEA and children born of it
(Rec 12, Rec 14).

The Python API for notebooks::

    import fundsim
    result = fundsim.run("scenarios/baseline.toml", reps=200, seed=1)
    result.summary          # pandas DataFrame: metric x (mean, p05, p50, p95)

    result.metric("coverage")   # did you mean 'coordinator_coverage'?
    fundsim.stress(scenario, reps=20)        # the stress battery (fundsim.analysis.stress_test)
    fundsim.compare(run_a, run_b, ["coordinator_coverage"])   # paired comparison
    fundsim.report(result, "out/")           # report.html and report.xlsx

``fundsim.run`` is :func:`fundsim.runner.run_scenario`, ``fundsim.load_scenario``
:func:`fundsim.scenario.load_scenario`, ``fundsim.stress``
:func:`fundsim.analysis.stress.stress_test`, ``fundsim.compare``
:func:`fundsim.analysis.compare.compare_runs` and ``fundsim.report``
:func:`fundsim.viz.report.write_report`, with their own signatures and types. The
analyses are in :mod:`fundsim.analysis` and the figures in :mod:`fundsim.viz`.
Everything here is imported on first use: ``import fundsim`` (and ``fundsim --help``)
loads neither numpy, pandas nor matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundsim._lazy import lazy_exports

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it

if TYPE_CHECKING:
    from fundsim import analysis, errors, model, results, runner, scenario, sharing, viz
    from fundsim.analysis.compare import compare_runs as compare
    from fundsim.analysis.stress import stress_test as stress
    from fundsim.runner import run_scenario as run
    from fundsim.scenario import load_scenario
    from fundsim.viz.report import write_report as report

#: Each public name and where it lives (``module:attribute`` when renamed here).
_HOMES = {
    "run": "fundsim.runner:run_scenario",
    "load_scenario": "fundsim.scenario",
    "stress": "fundsim.analysis.stress:stress_test",
    "compare": "fundsim.analysis.compare:compare_runs",
    "report": "fundsim.viz.report:write_report",
    **{
        name: f"fundsim.{name}"
        for name in (
            "analysis",
            "errors",
            "model",
            "results",
            "runner",
            "scenario",
            "sharing",
            "viz",
        )
    },
}

__all__ = [
    "__version__",
    "analysis",
    "compare",
    "errors",
    "load_scenario",
    "model",
    "report",
    "results",
    "run",
    "runner",
    "scenario",
    "sharing",
    "stress",
    "viz",
]

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
