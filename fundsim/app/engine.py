"""The what-if page's engine, without the page: the deterministic answer at once, the
simulated one streamed, a newer change cancelling an older one.

- :func:`bills_before_payment`: each entity's invoice by year under the baseline and the
  what-if (the budget annex's deterministic plan: no random draw, before payment
  behaviour), in a few hundredths of a second.
- :class:`Simulator`: runs a what-if in stages (a few replications first, then more, up to
  the chosen count) on one shared multi-process executor, each stage paired with the
  baseline at the same seed and replications (common random numbers:
  :func:`fundsim.analysis.compare.compare_runs`). Replication ``r`` draws the same numbers
  whatever the count, so each stage's replications are the first of the final run, and the
  final stage is exactly ``fundsim run`` of the what-if file at that seed and count.
  One run at a time uses the executor; at most :attr:`Simulator.max_waiting` more wait
  (a bounded queue: more are refused at once), and a run longer than ``timeout_s`` stops.
  A :class:`Ticket` cancelled by a newer change stops its run at the next finished chunk.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fundsim.analysis.budget_annex import budget_annex
from fundsim.analysis.compare import Comparison, compare_runs
from fundsim.errors import BadInput
from fundsim.results import Run
from fundsim.runner.executors import Executor, make_executor
from fundsim.runner.montecarlo import run_scenario
from fundsim.scenario import Scenario, scenario_hash

#: Replication counts of the stages before the chosen count (the first answer, then a better one).
STAGES: tuple[int, ...] = (8, 32)
#: How many what-if runs (each stage of each) the simulator keeps.
RECENT = 12
#: The headline metrics, in the order the page states them.
HEADLINE: tuple[str, ...] = (
    "coordinator_coverage",
    "p_tier1_interrupted",
    "funding_lost_share",
    "liquidity_at_risk_usd",
    "victims_assisted_share",
    "median_wait_days",
)


class Cancelled(Exception):
    """A run stopped because a newer change replaced it, or its time ran out."""


class Busy(BadInput):
    """The server's queue of runs is full: the page says so and the user tries again."""


@dataclass
class Ticket:
    """One requested run: cancelled by a newer change or by its deadline."""

    deadline: float
    cancelled: threading.Event = field(default_factory=threading.Event)
    reason: str = ""

    def cancel(self, reason: str = "replaced by a newer change") -> None:
        self.reason = self.reason or reason
        self.cancelled.set()

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            self.cancel("stopped: longer than the server's time limit (choose fewer replications)")
        if self.cancelled.is_set():
            raise Cancelled(self.reason)


@dataclass(frozen=True)
class Bills:
    """Each entity's invoice by year, baseline and what-if (USD; deterministic plan)."""

    table: pd.DataFrame  # entity, year, baseline_usd, whatif_usd, change_usd
    elapsed_s: float

    def by_entity(self) -> pd.DataFrame:
        """The period's total per entity, largest change first."""
        t = self.table.groupby("entity", sort=False)[
            ["baseline_usd", "whatif_usd", "change_usd"]
        ].sum()
        t["change_percent"] = np.where(
            t["baseline_usd"] > 0,
            100 * t["change_usd"] / t["baseline_usd"].where(t["baseline_usd"] > 0, 1),
            np.nan,
        )
        return t.reset_index().sort_values("change_usd", key=np.abs, ascending=False, kind="stable")


def _invoices(scn: Scenario) -> pd.DataFrame:
    table = next(t for t in budget_annex(scn).tables if t.name == "invoices")
    frame = table.frame.iloc[: len(table.frame) - table.totals]
    years = [c for c in frame.columns if c.endswith(" (USD)") and c[:4].isdigit()]
    long = frame.melt(id_vars="entity", value_vars=years, var_name="year", value_name="usd")
    long["year"] = long["year"].str[:4].astype(int)
    return long


def bills_before_payment(base: Scenario, whatif: Scenario) -> Bills:
    """Each entity's invoice by year of the first budget period, baseline and what-if."""
    t0 = time.perf_counter()
    a, b = _invoices(base), _invoices(whatif)
    t = a.merge(b, on=["entity", "year"], how="outer", suffixes=("_a", "_b")).fillna(0.0)
    t = t.rename(columns={"usd_a": "baseline_usd", "usd_b": "whatif_usd"})
    t["change_usd"] = t["whatif_usd"] - t["baseline_usd"]
    return Bills(t, time.perf_counter() - t0)


@dataclass(frozen=True)
class Stage:
    """One streamed answer: the what-if and the baseline at ``reps`` replications, paired."""

    reps: int
    target: int
    final: bool
    whatif: Run
    baseline: Run
    comparison: Comparison
    elapsed_s: float


class _Progress:
    """The progress bar ``run_scenario`` asks for: reports done replications, and stops the
    run (raising :class:`Cancelled`) when its ticket is cancelled."""

    def __init__(self, ticket: Ticket, report: Callable[[int], None]) -> None:
        self.ticket, self.report, self.done = ticket, report, 0

    def __call__(self, total: int) -> _Progress:
        self.done = 0
        return self

    def update(self, n: int) -> None:
        self.done += n
        self.report(self.done)
        self.ticket.check()

    def close(self) -> None:
        pass


def _drain(executor: Executor) -> None:
    """Forget the chunks of a cancelled run: those not started are cancelled, those running
    finish (a chunk is a few replications), so that the next run starts on free workers."""
    pending = getattr(executor, "_unfinished", None)
    if not pending:
        return
    for fut in list(pending):
        fut.cancel()
    wait(list(pending))
    pending.clear()


class Simulator:
    """Streams paired what-if runs on one shared executor (see the module's docstring)."""

    def __init__(self, workers: int = 2, timeout_s: float = 600.0, max_waiting: int = 4) -> None:
        self.workers = workers
        self.timeout_s = timeout_s
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._waiting = 0
        self._count = threading.Lock()
        self._executor: Executor | None = None
        self._baselines: dict[tuple[str, int, int], Run] = {}
        #: The latest what-if runs (a link opened again, a lever set back): at most RECENT.
        self._recent: OrderedDict[tuple[str, int, int], Run] = OrderedDict()

    def ticket(self) -> Ticket:
        return Ticket(deadline=time.monotonic() + self.timeout_s)

    def close(self) -> None:
        """End the worker processes."""
        with self._lock:
            if self._executor is not None:
                self._executor.close()
                self._executor = None

    def _pool(self) -> Executor:
        if self._executor is None:
            self._executor = make_executor(self.workers)
        return self._executor

    def _run(self, scn: Scenario, reps: int, seed: int, progress: _Progress) -> Run:
        try:
            return run_scenario(scn, reps, seed, executor=self._pool(), progress=progress)
        except Cancelled:
            _drain(self._pool())
            raise

    def baseline(
        self,
        base: Scenario,
        reps: int,
        seed: int,
        ticket: Ticket,
        report: Callable[[int], None] = lambda n: None,
    ) -> Run:
        """The baseline at ``reps`` and ``seed`` (kept: it is the same for every change)."""
        key = (scenario_hash(base), reps, seed)
        if key not in self._baselines:
            self._baselines[key] = self._run(base, reps, seed, _Progress(ticket, report))
        return self._baselines[key]

    def warm(self, base: Scenario, reps: int, seed: int) -> None:
        """Start the workers and run the baseline at each stage's count (the server does this
        before the first page opens, so that a first change waits only for its what-if)."""
        ticket = self.ticket()
        with self._lock:
            for n in self.stages(reps):
                self.baseline(base, n, seed, ticket)

    def _recent_run(
        self, scn: Scenario, reps: int, seed: int, ticket: Ticket, report: Callable[[int], None]
    ) -> Run:
        """A what-if's run, kept among the latest :data:`RECENT` (the same what-if asked again
        is answered at once, with the same numbers)."""
        key = (scenario_hash(scn), reps, seed)
        if key in self._recent:
            self._recent.move_to_end(key)
            report(reps)
            return self._recent[key]
        run = self._run(scn, reps, seed, _Progress(ticket, report))
        self._recent[key] = run
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return run

    def stages(self, reps: int) -> list[int]:
        """The replication counts of the streamed answers for a chosen count ``reps``."""
        return [*(s for s in STAGES if s < reps), reps]

    def stream(
        self,
        base: Scenario,
        whatif: Scenario,
        reps: int,
        seed: int,
        ticket: Ticket,
        on_stage: Callable[[Stage], None],
        on_progress: Callable[[int, int], None] = lambda done, total: None,
        stages: Sequence[int] | None = None,
    ) -> None:
        """Run ``whatif`` (and ``base``, kept) at each stage's count, calling ``on_stage`` with
        each paired answer and ``on_progress(done, total)`` as replications finish. Raises
        :class:`Busy` when the queue is full and :class:`Cancelled` when ``ticket`` is."""
        if not self._lock.acquire(blocking=False):
            with self._count:
                if self._waiting >= self.max_waiting:
                    raise Busy("the server is busy with other runs: try again in a moment")
                self._waiting += 1
            try:
                while not self._lock.acquire(timeout=0.1):
                    ticket.check()
            finally:
                with self._count:
                    self._waiting -= 1
        try:
            t0 = time.perf_counter()
            plan = list(stages or self.stages(reps))
            total = sum(2 * s for s in plan)
            before = 0
            for n in plan:
                ticket.check()
                b = self.baseline(base, n, seed, ticket, _offset(on_progress, before, total))
                before += n
                same = _same_model(base, whatif)
                w = (
                    b
                    if same
                    else self._recent_run(
                        whatif, n, seed, ticket, _offset(on_progress, before, total)
                    )
                )
                before += n
                comparison = compare_runs(b, w, label_a="baseline", label_b="what-if")
                on_stage(
                    Stage(n, plan[-1], n == plan[-1], w, b, comparison, time.perf_counter() - t0)
                )
        finally:
            self._lock.release()


def _same_model(base: Scenario, whatif: Scenario) -> bool:
    """Whether ``whatif`` is ``base`` but for its name and its default seed and count (which
    the run's explicit seed and count override): then the baseline's run is its run."""
    alike = whatif.model_copy(update={"name": base.name, "simulation": base.simulation})
    return scenario_hash(alike) == scenario_hash(base)


def _offset(
    on_progress: Callable[[int, int], None], before: int, total: int
) -> Callable[[int], None]:
    """A stage's progress (replications done in it) as the stream's (done of ``total``)."""
    return lambda done: on_progress(before + done, total)


def interval(x: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % interval of the mean (t distribution) of one run's replications."""
    from scipy import stats

    x = x[~np.isnan(x)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    m = float(x.mean())
    if x.size < 2:
        return (m, np.nan, np.nan)
    h = float(stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size))
    return (m, m - h, m + h)


def coverage_by_tier(run: Run) -> pd.Series:
    """Mean coverage of the posts by risk tier (fraction of post-months filled)."""
    cov: pd.DataFrame = run.coverage
    return cov.groupby("risk_tier")["coverage"].mean()


def paid_by_entity_year(run: Run) -> pd.DataFrame:
    """Each entity's mean invoice and payment by year (USD), from the run's shares."""
    s = run.shares
    return (
        s.groupby(["entity", "year"], sort=False)[["assessed_usd", "paid_usd"]].sum().reset_index()
    )
