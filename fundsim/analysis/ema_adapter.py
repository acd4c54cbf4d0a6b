"""fundsim as an EMA Workbench model: its uncertainties, levers and outcomes from ``[explore]``.

:func:`ema_model` turns a scenario and its ``[explore]`` table into an
``ema_workbench.Model`` so that the workbench's own samplers, evaluators, PRIM and
optimisers run on fundsim::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from fundsim.analysis.ema_adapter import ema_model, ema_policies
    from fundsim.scenario.explore import load_explore

    scenario, spec = load_explore("scenarios/explore_cuts.toml")
    model = ema_model(scenario, spec, reps=4)
    with SequentialEvaluator(model) as evaluator:
        policies = ema_policies(spec)
        experiments, outcomes = perform_experiments(model, 16, policies, evaluator=evaluator)

Every uncertainty becomes a ``RealParameter`` (a range), an ``IntegerParameter`` (an
integer range) or a ``CategoricalParameter`` of its labels; every lever a
``CategoricalParameter`` of its labels; every outcome a ``ScalarOutcome`` that the
workbench minimises or maximises as the metric registry's good direction says. The
workbench wants names that are Python identifiers: a dotted key becomes
:func:`ema_name` (``cuts.0.fraction`` -> ``cuts_0_fraction``).

The model's function is :func:`fundsim.analysis.explore.outcomes_at`, the one
``fundsim explore`` calls, with the same replications and seed at every point, so the
same futures and policies give the same outcomes through either door
(:func:`ema_scenarios` turns ``fundsim explore``'s futures into workbench scenarios).
Needs the ``explore`` extra (from the repository: ``pip install -e '.[explore]'``).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pandas as pd

from fundsim.analysis.explore import evaluated_outcomes, outcomes_at
from fundsim.results.registry import describe
from fundsim.scenario import Scenario
from fundsim.scenario.explore import ExploreSpec


def _workbench() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns about its own optional parts (ipyparallel)
        import ema_workbench
    return ema_workbench


def ema_name(key: str) -> str:
    """A dotted scenario key as a Python identifier: ``cuts.0.fraction`` -> ``cuts_0_fraction``."""
    name = re.sub(r"\W", "_", key)
    return f"k_{name}" if not name or name[0].isdigit() else name


def ema_names(spec: ExploreSpec) -> dict[str, str]:
    """Workbench name -> dotted key, for every uncertainty and lever (names checked unique)."""
    keys = [u.key for u in spec.uncertainties] + [lv.key for lv in spec.levers]
    names = {ema_name(k): k for k in keys}
    if len(names) != len(keys):
        raise ValueError("two keys of [explore] give the same workbench name; rename one")
    return names


class FundsimFunction:
    """The workbench model's function: keyword arguments (workbench names, labels for
    categories and levers) -> the outcomes' means over ``reps`` replications seeded ``seed``.
    A class rather than a closure, so that the workbench's process pool can pickle it."""

    def __init__(self, scenario: Scenario, spec: ExploreSpec, reps: int, seed: int) -> None:
        self.scenario = scenario
        self.spec = spec
        self.reps = reps
        self.seed = seed
        self.names = ema_names(spec)
        self.outcomes = evaluated_outcomes(scenario, spec)  # the spec's, then the design's cost

    def __call__(self, **kwargs: Any) -> dict[str, float]:
        overrides: dict[str, Any] = {}
        for u in self.spec.uncertainties:
            overrides[u.key] = u.value(kwargs[ema_name(u.key)])
        for lv in self.spec.levers:
            overrides[lv.key] = lv.value(str(kwargs[ema_name(lv.key)]))
        return outcomes_at(self.scenario, overrides, self.outcomes, self.reps, self.seed)


def ema_model(
    scenario: Scenario,
    spec: ExploreSpec,
    *,
    reps: int | None = None,
    seed: int | None = None,
    name: str | None = None,
) -> Any:
    """An ``ema_workbench.Model`` of ``scenario`` with ``spec``'s uncertainties, levers and
    outcomes; each point runs ``reps`` replications seeded ``seed`` (defaults as in
    ``fundsim explore``: the spec's, then the scenario's). The workbench wants a model name
    of letters and digits: ``name`` (default: the scenario's) keeps only those."""
    wb = _workbench()
    reps = int(reps or spec.reps or scenario.simulation.replications)
    seed = int(
        seed
        if seed is not None
        else spec.seed
        if spec.seed is not None
        else scenario.simulation.seed
    )
    model_name = (
        re.sub(r"[^A-Za-z0-9]", "", name or scenario.name) or "fundsim"
    )  # letters and digits only
    model = wb.Model(model_name, function=FundsimFunction(scenario, spec, reps, seed))
    uncertainties = []
    for u in spec.uncertainties:
        if u.categorical:
            uncertainties.append(wb.CategoricalParameter(ema_name(u.key), list(u.labels)))
        elif u.integer:
            uncertainties.append(wb.IntegerParameter(ema_name(u.key), int(u.low), int(u.high)))  # type: ignore[arg-type]
        else:
            uncertainties.append(wb.RealParameter(ema_name(u.key), u.low, u.high))
    model.uncertainties = uncertainties
    model.levers = [
        wb.CategoricalParameter(ema_name(lv.key), list(lv.labels)) for lv in spec.levers
    ]
    kinds = {"higher": wb.ScalarOutcome.MAXIMIZE, "lower": wb.ScalarOutcome.MINIMIZE}
    # the spec's outcomes, then what each design costs the entities and leaves idle (kept, not
    # optimised)
    model.outcomes = [
        wb.ScalarOutcome(
            o,
            kind=kinds.get(describe(o).good or "", wb.ScalarOutcome.INFO)
            if o in spec.outcomes
            else wb.ScalarOutcome.INFO,
        )
        for o in evaluated_outcomes(scenario, spec)
    ]
    return model


def ema_policies(spec: ExploreSpec) -> list[Any]:
    """The spec's named policies as workbench ``Policy`` objects (lever labels)."""
    wb = _workbench()
    return [
        wb.Policy(p.name, **{ema_name(k): v for k, v in p.choices.items()}) for p in spec.policies
    ]


def ema_scenarios(spec: ExploreSpec, futures: pd.DataFrame) -> list[Any]:
    """``fundsim explore``'s futures (``futures.csv``, or :func:`sample_futures`) as
    workbench ``Scenario`` objects named by their future number."""
    wb = _workbench()
    out = []
    for i, row in zip(futures.index, futures.to_dict(orient="records"), strict=True):
        values = {
            ema_name(u.key): (str(row[u.key]) if u.categorical else row[u.key])
            for u in spec.uncertainties
        }
        out.append(wb.Scenario(str(i), **values))
    return out
