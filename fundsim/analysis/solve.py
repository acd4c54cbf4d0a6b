"""Solve for a target: the lever value at which a metric meets a threshold.

``solve(scenario, "p_gap<=0.05", "mechanism.reserve_target_months")`` finds the
reserve that keeps the probability of a funding gap at or under 5 % (``p_gap<0.05``:
strictly under), by stochastic
bisection with common random numbers: every evaluation runs the same replications
with the same seed, so the estimated metric moves with the lever, not with the
noise, and is monotone in it in expectation. The answer comes with its uncertainty:

- the final bracket (the last value that failed and the first that met the target);
- the metric's 95 % interval at the solution;
- the *clear range*: between the largest lever value whose interval lies wholly on
  the failing side and the smallest whose interval lies wholly on the meeting side,
  among the values evaluated (where the target is statistically indistinguishable);
- every run evaluated (lever value, metric mean and interval, met or not).

Levers are dotted scenario keys holding a number (``mechanism.reserve_target_months``,
``posts.annual_cost_usd``, ``payments.contribution_scale``...); ``budget_scale`` is
accepted as an alias of ``payments.contribution_scale``. The fixed envelope is a lever
too: ``mechanism.budget.usd_per_year`` (alias ``envelope_usd``), the gross budget of the
start year. A scenario budgeted on need is first given a fixed envelope (indexed by the
expected inflation), and the default range runs from half to 1.25 times the network's
cost grossed up for the fee (:func:`need_envelope_usd`). With a target on
``funding_lost_share`` or ``p_tier1_interrupted`` it answers "how small an envelope
keeps the posts funded":

    fundsim solve scenarios/baseline.toml --lever envelope_usd --target "funding_lost_share<=0.01"
"""

from __future__ import annotations

import math
import operator
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic.fields import FieldInfo

from fundsim.analysis.variants import numeric_value, with_overrides
from fundsim.errors import BadInput
from fundsim.results.registry import UnknownMetric, lookup
from fundsim.runner import arguments, run_scenario
from fundsim.runner.batch import LentBar
from fundsim.scenario import Scenario
from fundsim.scenario.costs import network_cost_usd
from fundsim.scenario.overrides import OverrideError

#: Lever names accepted besides dotted keys.
#: The fixed envelope's key (the gross budget of the start year, USD).
ENVELOPE = "mechanism.budget.usd_per_year"

ALIASES = {
    "budget_scale": "payments.contribution_scale",
    "contribution_scale": "payments.contribution_scale",
    "envelope_usd": ENVELOPE,
}

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}
_TARGET = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<|>)\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(%?)\s*$"
)


class SolveError(BadInput):
    """A target or lever that cannot be solved for (bad syntax, unknown key, bad range)."""

    about_scenario = True


@dataclass(frozen=True)
class Target:
    """``metric op threshold``, e.g. ``p_gap <= 0.05`` (the threshold in the metric's unit).
    ``<`` and ``>`` are strict: a mean equal to the threshold does not meet them."""

    metric: str
    op: str
    threshold: float

    def met(self, value: float) -> bool:
        return _OPS[self.op](value, self.threshold)

    def clearly_met(self, low: float, high: float) -> bool:
        """Whether the whole 95 % interval ``[low, high]`` meets the target."""
        return self.met(high) if self.upper else self.met(low)

    def clearly_missed(self, low: float, high: float) -> bool:
        """Whether no value of the 95 % interval ``[low, high]`` meets the target."""
        return not (self.met(low) if self.upper else self.met(high))

    @property
    def upper(self) -> bool:
        """Whether the target is an upper bound on the metric (``<`` or ``<=``)."""
        return self.op.startswith("<")

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.threshold:g}"


def parse_target(text: str) -> Target:
    """Parse ``"p_gap<=0.05"`` (or ``"p_gap <= 5%"``) into a :class:`Target`.

    The metric must be in the registry (:mod:`fundsim.results.registry`: an unknown
    name fails here, with a did-you-mean, before anything runs); a ``%`` threshold is
    accepted only for a metric read in %."""
    m = _TARGET.match(text)
    if not m:
        raise SolveError(
            f"target {text!r}: write it as METRIC<=VALUE (or <, >=, >), e.g. p_gap<=0.05"
        )
    try:
        metric = lookup(m.group(1))
    except UnknownMetric as exc:
        raise SolveError(f"target {text!r}: {exc}") from None
    if m.group(4) and not metric.is_percent:
        raise SolveError(
            f"target {text!r}: {metric.name} is in {metric.unit}, not a percentage; drop the %"
        )
    value = float(m.group(3)) / (100 if m.group(4) else 1)
    if not math.isfinite(value):
        raise SolveError(f"target {text!r}: the threshold must be a finite number")
    return Target(metric.name, m.group(2), value)


def _schema_bounds(lever: str) -> tuple[float | None, float | None]:
    """The ge/le bounds the schema puts on ``lever``, when it declares them."""
    from fundsim.scenario.schema import Scenario as Model

    model: object = Model
    info: FieldInfo | None = None
    for part in lever.split("."):
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return None, None
        info = fields[part]
        model = info.annotation
    lo = hi = None
    for meta in info.metadata if info else ():
        lo = getattr(meta, "ge", lo) if getattr(meta, "ge", None) is not None else lo
        hi = getattr(meta, "le", hi) if getattr(meta, "le", None) is not None else hi
    return lo, hi


def need_envelope_usd(scenario: Scenario) -> float:
    """The network's cost at start-year prices grossed up for the host's fee (USD a year):
    the envelope that pays for every post without a reserve top-up."""
    fee = scenario.mechanism.admin_fee
    return network_cost_usd(scenario) / (1.0 - fee) if fee < 1 else network_cost_usd(scenario)


def lever_scenario(scenario: Scenario, lever: str) -> Scenario:
    """The scenario whose ``lever`` is varied: for the envelope lever, a scenario budgeted
    on need first gets a fixed envelope of :func:`need_envelope_usd` (indexation: the
    expected inflation); any other lever leaves it as it is."""
    if lever == ENVELOPE and scenario.mechanism.budget == "need":
        return with_overrides(
            scenario, {"mechanism.budget": {"usd_per_year": need_envelope_usd(scenario)}}
        )
    return scenario


def default_bracket(scenario: Scenario, lever: str) -> tuple[float, float]:
    """A search range for ``lever``: the schema's bounds where it has them, else from a
    quarter to four times the current value (from 0 to 4 x for a current value of 0: 1).
    The envelope's range runs from half to 1.25 times :func:`need_envelope_usd`."""
    if lever == ENVELOPE:
        need = need_envelope_usd(scenario)
        return need / 2, need * 1.25
    current = numeric_value(scenario, lever)
    lo, hi = _schema_bounds(lever)
    if lo is None:
        lo = current / 4 if current > 0 else 0.0
    if hi is None:
        hi = 4 * current if current > 0 else max(1.0, lo + 1.0)
    return float(lo), float(hi)


@dataclass
class SolveResult:
    """What :func:`solve` found; ``status`` is ``"solved"``, ``"met_everywhere"`` or
    ``"not_met"`` (the last two: the bracket does not contain a crossing)."""

    target: Target
    lever: str
    status: str
    value: float
    bracket: tuple[float, float]
    metric_mean: float
    metric_ci: tuple[float, float]
    clear_range: tuple[float, float]
    runs: pd.DataFrame
    reps: int
    seed: int
    message: str = ""
    increasing: bool | None = field(default=None)


def solve(
    scenario: Scenario,
    target: Target | str,
    lever: str,
    *,
    low: float | None = None,
    high: float | None = None,
    reps: int | None = None,
    seed: int | None = None,
    tolerance: float | None = None,
    max_runs: int = 14,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[float], None] | None = None,
    bar: Callable[[int], Any] | None = None,
) -> SolveResult:
    """Find the lever value at which ``target`` is just met, by bisection with CRN.

    Evaluates both ends of ``[low, high]`` (default :func:`default_bracket`), then
    halves the bracket until it is narrower than ``tolerance`` (default 1 % of the
    starting range) or ``max_runs`` evaluations have run. The solution is the bracket
    end that meets the target (a value known to meet it, in the lever's unit).
    ``progress`` is called with each lever value before it is evaluated; ``bar`` is a
    factory ``total -> bar`` (``update(n)``, ``close()``, as tqdm) for one bar over the
    replications of every evaluation the bisection needs (both ends, then one per
    halving until the tolerance or ``max_runs``).
    """
    scenario = arguments.entry(
        scenario, reps=reps, seed=seed, workers=workers, scheduler=scheduler
    )  # checked as the command line checks it
    tgt = parse_target(target) if isinstance(target, str) else target
    if lookup(tgt.metric).requires == "victims" and getattr(scenario, "victims", None) is None:
        raise SolveError(
            f"target metric {tgt.metric!r} needs a victim-assistance window, and this scenario has "
            "none"
        )
    key = ALIASES.get(lever, lever)
    try:
        scenario = lever_scenario(scenario, key)
        blo, bhi = default_bracket(scenario, key)
    except OverrideError as exc:
        raise SolveError(f"lever {exc}") from None
    lo = blo if low is None else float(low)
    hi = bhi if high is None else float(high)
    if not lo < hi:
        raise SolveError(f"lever {key}: low ({lo:g}) must be below high ({hi:g})")
    if max_runs < 3:
        raise SolveError("max_runs must be at least 3")
    reps = scenario.simulation.replications if reps is None else reps
    seed = scenario.simulation.seed if seed is None else seed
    tol = (hi - lo) / 100 if tolerance is None else tolerance
    halvings = math.ceil(math.log2((hi - lo) / tol)) if tol > 0 and hi - lo > tol else 0
    meter = bar(reps * min(max_runs, 2 + halvings)) if bar is not None else None
    search = _Search(scenario, tgt, key, reps, seed, workers, scheduler, progress, meter)
    try:
        return search.bisect(lo, hi, tol, max_runs)
    finally:
        if meter is not None:
            meter.close()


#: One evaluated run: lever value, metric mean and 95 % interval, met or not, wall time.
Row = dict[str, float | bool]


@dataclass
class _Search:
    """One bisection: what every evaluation shares (the scenario, the target, the lever's
    key, replications and seed: common random numbers), and the rows evaluated so far."""

    scenario: Scenario
    tgt: Target
    key: str
    reps: int
    seed: int
    workers: int | None
    scheduler: str | None
    progress: Callable[[float], None] | None
    meter: Any
    rows: list[Row] = field(default_factory=list)

    def evaluate(self, x: float) -> Row:
        """Run the scenario with the lever at ``x`` and record the target metric's row."""
        if self.progress:
            self.progress(x)
        try:
            variant = with_overrides(self.scenario, {self.key: x})
        except OverrideError as exc:
            raise SolveError(f"lever {exc}") from None
        t0 = time.perf_counter()
        meter = self.meter
        run = run_scenario(
            variant,
            reps=self.reps,
            seed=self.seed,
            workers=self.workers,
            scheduler=self.scheduler,
            progress=(lambda _total: LentBar(meter)) if meter is not None else None,
        )
        metric = self.tgt.metric
        if metric not in run.summary.index:
            known = ", ".join(run.summary.index)
            raise SolveError(f"target metric {metric!r} is not a metric of this scenario ({known})")
        s = run.metric(metric)
        row = {
            "run": len(self.rows) + 1,
            "lever_value": x,
            "mean": float(s["mean"]),
            "ci95_low": float(s["ci95_low"]),
            "ci95_high": float(s["ci95_high"]),
            "met": self.tgt.met(float(s["mean"])),
            "wall_seconds": round(time.perf_counter() - t0, 3),
        }
        self.rows.append(row)
        return row

    def bisect(self, lo: float, hi: float, tol: float, max_runs: int) -> SolveResult:
        """Evaluate both ends, then halve the bracket until it is narrower than ``tol`` or
        ``max_runs`` runs have been evaluated."""
        r_lo, r_hi = self.evaluate(lo), self.evaluate(hi)
        if r_lo["met"] == r_hi["met"]:
            return self._no_crossing(lo, hi, r_lo, r_hi)
        # `good` meets the target, `bad` does not; the lever improves the metric from bad to good.
        good, bad = (r_hi, r_lo) if r_hi["met"] else (r_lo, r_hi)
        while (
            abs(float(good["lever_value"]) - float(bad["lever_value"])) > tol
            and len(self.rows) < max_runs
        ):
            mid = self.evaluate((float(good["lever_value"]) + float(bad["lever_value"])) / 2)
            if mid["met"]:
                good = mid
            else:
                bad = mid
        return self._solved(good, bad, tol)

    def _result(
        self, status: str, best: Row, bracket: tuple[float, float], **rest: Any
    ) -> SolveResult:
        """The :class:`SolveResult` whose answer is the run ``best``."""
        return SolveResult(
            self.tgt,
            self.key,
            status,
            float(best["lever_value"]),
            bracket,
            float(best["mean"]),
            (float(best["ci95_low"]), float(best["ci95_high"])),
            runs=pd.DataFrame(self.rows),
            reps=self.reps,
            seed=self.seed,
            **rest,
        )

    def _no_crossing(self, lo: float, hi: float, r_lo: Row, r_hi: Row) -> SolveResult:
        """Both ends meet the target, or neither does: the answer is the better end, with a
        message saying how to change the range."""
        tgt, key = self.tgt, self.key
        status = "met_everywhere" if r_lo["met"] else "not_met"
        best = r_lo if r_lo["met"] else (r_hi if _closer(tgt, r_hi, r_lo) else r_lo)
        where = f"{key} in [{lo:g}, {hi:g}]"
        msg = (
            f"target {tgt} is met at both ends of {where} ({tgt.metric} {r_lo['mean']:.4g} and "
            f"{r_hi['mean']:.4g}): "
            "narrow the range with --low/--high"
            if r_lo["met"]
            else f"target {tgt} is not met anywhere in {where} ({tgt.metric} {r_lo['mean']:.4g} at "
            f"{lo:g}, "
            f"{r_hi['mean']:.4g} at {hi:g}): widen the range with --low/--high"
        )
        return self._result(status, best, (lo, hi), clear_range=(math.nan, math.nan), message=msg)

    def _solved(self, good: Row, bad: Row, tol: float) -> SolveResult:
        """The answer ``good`` (the last value that met the target, next to ``bad``), with
        its clear range and a note when the bracket is still wider than ``tol``."""
        increasing = float(good["lever_value"]) > float(bad["lever_value"])
        clear = _clear_range(pd.DataFrame(self.rows), self.tgt, increasing)
        gv, bv = float(good["lever_value"]), float(bad["lever_value"])
        converged = abs(gv - bv) <= tol
        msg = (
            ""
            if converged
            else f"stopped after {len(self.rows)} runs (max_runs) before the bracket reached "
            f"{tol:g}"
        )
        return self._result(
            "solved",
            good,
            (min(gv, bv), max(gv, bv)),
            clear_range=clear,
            message=msg,
            increasing=increasing,
        )


def _closer(tgt: Target, a: dict, b: dict) -> bool:
    return abs(float(a["mean"]) - tgt.threshold) < abs(float(b["mean"]) - tgt.threshold)


def _clear_range(runs: pd.DataFrame, tgt: Target, increasing: bool) -> tuple[float, float]:
    """Lever values between which the target is not clearly met nor clearly missed
    (``<`` and ``<=`` each as written: an interval ending on the threshold clearly meets
    ``<=`` but not ``<``)."""
    bounds = list(zip(runs["ci95_low"], runs["ci95_high"], strict=True))
    clearly_met = pd.Series(
        [tgt.clearly_met(lo, hi) for lo, hi in bounds], index=runs.index, dtype=bool
    )
    clearly_missed = pd.Series(
        [tgt.clearly_missed(lo, hi) for lo, hi in bounds], index=runs.index, dtype=bool
    )
    met_x, missed_x = runs.loc[clearly_met, "lever_value"], runs.loc[clearly_missed, "lever_value"]
    if increasing:
        return (
            float(missed_x.max()) if len(missed_x) else math.nan,
            float(met_x.min()) if len(met_x) else math.nan,
        )
    return (
        float(met_x.max()) if len(met_x) else math.nan,
        float(missed_x.min()) if len(missed_x) else math.nan,
    )
