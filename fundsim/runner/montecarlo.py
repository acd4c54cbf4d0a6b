"""Many replications: split into chunks, run on an executor, aggregate in order.

``run_scenario`` is the engine behind ``fundsim run`` and the Python API
(``fundsim.run``). Aggregation streams: per-replication metrics and monthly paths
are kept (one row each per replication: about 6 KB per replication of a 10-year
scenario, which the monthly quantiles need); entity-year and country-year tables
are summed as chunks arrive, so memory does not grow with them. Float sums are
added in replication order whatever order chunks arrive in, so a seed gives
bit-identical tables on every executor and worker count.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fundsim.errors import BadInput
from fundsim.model import MONTHLY_COLUMNS, OUTPUTS
from fundsim.model.budget import structural_float_usd
from fundsim.model.liability import STATEMENT_COLUMNS
from fundsim.model.outputs import EXACT_SUM, KEEP, ORDERED_SUM, SUM, Output
from fundsim.model.statements import scenario_statement_lines
from fundsim.results import Run, summarize, summary_frame
from fundsim.results.statements import (
    BY_REPLICATION,
    STATEMENTS,
    statements_by_replication,
    statements_summary,
)
from fundsim.runner import arguments
from fundsim.runner.chunks import ChunkResult, run_chunk
from fundsim.runner.executors import Executor, make_executor
from fundsim.runner.provenance import Provenance
from fundsim.scenario import Scenario
from fundsim.scenario.schema import MAX_REPLICATIONS, MAX_SEED

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

ProgressFactory = Callable[[int], Any]


def chunk_indices(reps: int, workers: int, max_chunk: int = 25) -> list[list[int]]:
    """Split ``range(reps)`` into chunks: about eight per worker (so that the last chunks
    to finish leave little idle time), at most ``max_chunk`` long."""
    size = max(1, min(max_chunk, -(-reps // (8 * max(1, workers)))))
    return [list(range(i, min(reps, i + size))) for i in range(0, reps, size)]


class Aggregator:
    """Collects chunk results in any order: for each output the model declares
    (:data:`fundsim.model.OUTPUTS`), keeps its per-replication rows or sums it, as its
    entry says (``kept``, ``sums``; ``positive``: replications in which it was positive)."""

    def __init__(self, scenario: Scenario, reps: int) -> None:
        self.reps = reps
        self.metric_names: tuple[str, ...] = ()
        self.metrics: np.ndarray | None = None
        self.kept: dict[str, np.ndarray] = {}  # name -> reps x shape
        # Sums over replications: cents as exact Python integers (an int64 sum of a large
        # budget over many replications would wrap), floats in replication order.
        self.sums: dict[str, np.ndarray] = {}
        self.positive: dict[str, np.ndarray] = {}  # name -> replications in which it was > 0
        self.events = 0
        self.done = 0
        self.journals: dict[int, list] = {}
        # Float rows of chunks that arrived ahead of their turn, keyed by output and first
        # replication; bounded by the executor's tasks in flight.
        self._next_rep: dict[str, int] = {}
        self._early: dict[str, dict[int, np.ndarray]] = {}

    def add(self, chunk: ChunkResult) -> None:
        if self.metrics is None:
            self.metric_names = chunk.metric_names
            self.metrics = np.full((self.reps, len(chunk.metric_names)), np.nan)
        idx = chunk.indices
        self.metrics[idx] = chunk.metrics
        for out in OUTPUTS:
            values = chunk.arrays.get(out.name)
            if values is not None:
                self._add(out, idx, values)
        self.events += chunk.events
        self.done += idx.size
        if chunk.journals is not None:
            self.journals.update(zip(idx.tolist(), chunk.journals, strict=True))

    def _add(self, out: Output, idx: np.ndarray, values: np.ndarray) -> None:
        name, how = out.name, out.aggregate
        if how == KEEP:
            if name not in self.kept:
                self.kept[name] = np.zeros((self.reps, *values.shape[1:]), dtype=out.dtype)
            self.kept[name][idx] = values
        elif how == EXACT_SUM:
            self.sums[name] = self.sums.get(name, 0) + _exact_sum(values)
        elif how == SUM:
            if name not in self.sums:
                self.sums[name] = np.zeros(values.shape[1:], dtype=np.int64)
            self.sums[name] += values.sum(axis=0)
        elif how == ORDERED_SUM:
            self._add_in_order(name, idx, values)
        else:
            raise ValueError(f"output {name}: unknown aggregation {how!r}")
        if out.count_positive:
            if name not in self.positive:
                self.positive[name] = np.zeros(values.shape[1:], dtype=np.int64)
            self.positive[name] += (values > 0).sum(axis=0)

    def _add_in_order(self, name: str, idx: np.ndarray, rows: np.ndarray) -> None:
        # Float addition is not associative: adding replication by replication in
        # index order makes the sum independent of chunk sizes and arrival order.
        if name not in self.sums:
            self.sums[name] = np.zeros(rows.shape[1:])
            self._next_rep[name] = 0
            self._early[name] = {}
        early = self._early[name]
        first = int(idx[0])
        if idx.size and not np.array_equal(idx, np.arange(first, first + idx.size)):
            for rep, row in zip(idx.tolist(), rows, strict=True):
                early[rep] = row[np.newaxis]
        else:
            early[first] = rows
        total = self.sums[name]
        while self._next_rep[name] in early:
            block = early.pop(self._next_rep[name])
            for row in block:
                total += row
            self._next_rep[name] += block.shape[0]


def _exact_sum(cents: np.ndarray) -> np.ndarray:
    """``cents`` (replications x ...) summed over replications as Python integers."""
    out = np.full(cents.shape[1:], 0, dtype=object)
    for row in cents:
        out += row.astype(object)
    return out


def _statements_tables(scn: Scenario, agg: Aggregator) -> dict[str, pd.DataFrame]:
    """The fund's statements (``statements.parquet``, percentiles by year, and
    ``statements_by_replication.parquet``); empty when the model gave none."""
    statements = agg.kept.get("statements")
    if statements is None:
        return {}
    labels = [(x.statement, x.window, x.line, x.detail) for x in scenario_statement_lines(scn)]
    start = int(scn.simulation.start_year)
    return {
        STATEMENTS: statements_summary(labels, start, statements),
        BY_REPLICATION: statements_by_replication(labels, start, statements),
    }


def _children_liability_table(agg: Aggregator, years: np.ndarray) -> dict[str, pd.DataFrame]:
    """The children's liability roll-forward by year (``children_liability.csv``): the mean
    over replications of each line (USD; the two counts as they are), and the 5th and 95th
    percentiles of the closing liability. Empty without a victims' window."""
    lines = agg.kept.get("children_liability")
    if lines is None:
        return {}
    table = {"year": years}
    for i, name in enumerate(STATEMENT_COLUMNS):
        column = lines[:, :, i].astype(np.float64)
        table[name if name.startswith("children_") else f"{name}_usd"] = column.mean(axis=0) / (
            1 if name.startswith("children_") else 100
        )
    closing = lines[:, :, STATEMENT_COLUMNS.index("closing")] / 100
    table["closing_p05_usd"] = np.quantile(closing, 0.05, axis=0)
    table["closing_p95_usd"] = np.quantile(closing, 0.95, axis=0)
    return {"children_liability": pd.DataFrame(table)}


def _victims_yearly_table(agg: Aggregator, years: np.ndarray) -> dict[str, pd.DataFrame]:
    """The victims' window by year (``victims_yearly.csv``): its spending (mean, 5th and
    95th percentiles over replications) and income (mean), USD. Empty without a victims'
    window."""
    flows = agg.kept.get("victims_yearly")
    if flows is None:
        return {}
    spending, income = flows[:, :, 0] / 100, flows[:, :, 1] / 100
    return {
        "victims_yearly": pd.DataFrame(
            {
                "year": years,
                "victim_spending_usd": spending.mean(axis=0),
                "victim_spending_p05_usd": np.quantile(spending, 0.05, axis=0),
                "victim_spending_p95_usd": np.quantile(spending, 0.95, axis=0),
                "victim_income_usd": income.mean(axis=0),
            }
        )
    }


#: The former name of a run returned by the runner (one type since :class:`Run`).
RunResult = Run


def _as_scenario(
    scenario: Scenario | str | Path, provenance: Provenance | None
) -> tuple[Scenario, Provenance]:
    """The scenario to run and its provenance, its hash checked or filled in."""
    if isinstance(scenario, Scenario):
        arguments.revalidated(scenario)  # a copied or hand-built scenario is checked as a file is
        return scenario, (provenance or Provenance()).checked(scenario)
    scn = arguments.checked_scenario(scenario)
    return scn, (provenance or Provenance(scenario_file=str(scenario))).checked(scn)


def run_scenario(
    scenario: Scenario | str | Path,
    reps: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    audit: bool = False,
    progress: ProgressFactory | bool | None = None,
    out: str | Path | None = None,
    executor: Executor | None = None,
    provenance: Provenance | None = None,
) -> Run:
    """Run ``reps`` replications of ``scenario`` (a path or a loaded Scenario).

    ``reps`` and ``seed`` default to the scenario's ``[simulation]`` values.
    ``workers`` > 1 runs local processes; ``scheduler`` runs on Dask. Results are
    identical for a seed whatever the executor. ``progress`` is a factory
    ``total -> bar`` (an object with ``update(n)`` and ``close()``), ``True`` for a
    tqdm bar, or falsy for none. With ``out``, the run directory is written there.
    ``executor`` reuses an open executor (a batch opens one for all its runs); it is
    left open, and ``workers`` and ``scheduler`` are then ignored. ``provenance`` (the
    scenario file, hash and command line, as the caller knows them) goes into the
    manifest; a path given as ``scenario`` is its own provenance, a loaded scenario
    without one records no file. A provenance whose hash is not the scenario's raises
    :class:`~fundsim.runner.provenance.ProvenanceError`.
    """
    reps, seed = (
        arguments.replications(reps),
        arguments.seed(seed),
    )  # as --reps and --seed take them
    workers, scheduler = arguments.workers(workers), arguments.text("scheduler", scheduler)
    audit, progress = arguments.flag("audit", audit), arguments.progress(progress)
    executor = arguments.executor(executor)
    scn, prov = _as_scenario(scenario, provenance)
    reps = scn.simulation.replications if reps is None else reps
    seed = scn.simulation.seed if seed is None else seed
    if not 1 <= reps <= MAX_REPLICATIONS:
        raise BadInput(f"reps must be at least 1 and at most {MAX_REPLICATIONS:,} (got {reps:,})")
    if not 0 <= seed <= MAX_SEED:
        raise BadInput(f"seed must be between 0 and {MAX_SEED} (got {seed})")
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    own_executor = executor is None
    if executor is None:
        executor = make_executor(workers, scheduler)
    agg = Aggregator(scn, reps)
    chunks = chunk_indices(reps, executor.workers)
    bar = _progress(progress, reps)
    try:
        for chunk in executor.map_unordered(run_chunk, [(scn, seed, c, audit) for c in chunks]):
            agg.add(chunk)
            if bar is not None:
                bar.update(chunk.indices.size)
    finally:
        if own_executor:
            executor.close()
        if bar is not None:
            bar.close()
    wall = time.perf_counter() - t0
    result = _build_result(scn, seed, reps, agg, prov, started, wall, executor)
    if out is not None:
        result.save(out)
    return result


def _mean_usd(cents_sum: np.ndarray, reps: int) -> np.ndarray:
    """Mean USD per replication from exact integer cents (one rounding, in the division)."""
    return np.array([total / (reps * 100) for total in cents_sum.ravel()], dtype=float).reshape(
        cents_sum.shape
    )


def _progress(progress: ProgressFactory | bool | None, total: int) -> Any:
    if not progress:
        return None
    if progress is True:
        from tqdm.auto import tqdm

        return tqdm(total=total, unit="rep", desc="replications", leave=False, dynamic_ncols=True)
    return progress(total)


def receivables_table(
    names: Sequence[str], start_year: int, total_cents: np.ndarray, owed: np.ndarray, reps: int
) -> pd.DataFrame:
    """The receivables table (``receivables.csv``): for each entity, year end and age in
    years (0: the invoice of the year just ended), the mean outstanding USD across
    replications and the share of replications in which anything was outstanding.
    ``total_cents`` and ``owed`` are entities x year ends x ages (sums over replications)."""
    n, years, _ = total_cents.shape
    entity, year_end, age = np.nonzero(
        np.ones((n, years, years), dtype=bool)
        & (np.arange(years)[None, None, :] <= np.arange(years)[None, :, None])
    )
    return pd.DataFrame(
        {
            "entity": np.asarray(names)[entity],
            "year": start_year + year_end,
            "age_years": age,
            "outstanding_usd": total_cents[entity, year_end, age] / reps / 100,
            "p_outstanding": owed[entity, year_end, age] / reps,
        }
    )


def _monthly_frame(sim: Any, agg: Aggregator) -> pd.DataFrame:
    """The monthly paths (``monthly.parquet``): mean and quantiles across replications of
    each column of :data:`MONTHLY_COLUMNS`, month by month."""
    months = np.arange(sim.months)
    dates = [f"{sim.start_year + m // 12}-{m % 12 + 1:02d}" for m in months]
    paths = agg.kept["monthly"]
    # One column at a time: np.quantile sorts a copy of its input, and a copy of one
    # column is a sixth of a copy of the whole per-replication table.
    q = np.stack(
        [np.quantile(paths[:, :, j], QUANTILES, axis=0) for j in range(len(MONTHLY_COLUMNS))],
        axis=-1,
    )  # quantiles x months x columns
    mean = paths.mean(axis=0)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "month": months,
                    "date": dates,
                    "metric": name,
                    "mean": mean[:, j],
                    **{f"p{round(p * 100):02d}": q[k, :, j] for k, p in enumerate(QUANTILES)},
                }
            )
            for j, name in enumerate(MONTHLY_COLUMNS)
        ],
        ignore_index=True,
    )


def _shares_frame(scn: Scenario, agg: Aggregator, reps: int, years: np.ndarray) -> pd.DataFrame:
    """Each entity's mean share, assessment, payment and participation by year (``shares.csv``)."""
    names = scn.entity_names
    n_years = len(years)
    return pd.DataFrame(
        {
            "entity": np.repeat(names, n_years),
            "year": np.tile(years, len(names)),
            "formula": scn.mechanism.formula.preset
            or scn.mechanism.formula.kind,  # a precedent by its key
            "share": (agg.sums["shares"] / reps).ravel(),
            "assessed_usd": _mean_usd(agg.sums["assessed_cents"], reps).ravel(),
            "paid_usd": _mean_usd(agg.sums["paid_cents"], reps).ravel(),
            "participation": (agg.positive["shares"] / reps).ravel(),
        }
    )


def _yearly_frame(scn: Scenario, agg: Aggregator, reps: int, years: np.ndarray) -> pd.DataFrame:
    """The coordinator window by year (``yearly.csv``)."""
    n_years = len(years)
    gap_years = agg.kept["gap_by_year"] > 0
    tier1 = agg.kept["tier1_by_year"] > 0
    annual = agg.kept["monthly"].reshape(reps, n_years, 12, len(MONTHLY_COLUMNS))
    return pd.DataFrame(
        {
            "year": years,
            "p_gap": gap_years.mean(axis=0),
            "p_gap_by_then": np.maximum.accumulate(gap_years, axis=1).mean(axis=0),
            "coverage": agg.sums["filled_months"].sum(axis=0) / (reps * len(scn.countries) * 12),
            "income_usd": annual[..., MONTHLY_COLUMNS.index("income_usd")].sum(axis=2).mean(axis=0),
            "spending_usd": annual[..., MONTHLY_COLUMNS.index("spending_usd")]
            .sum(axis=2)
            .mean(axis=0),
            "closing_balance_usd": annual[:, :, -1, MONTHLY_COLUMNS.index("balance_usd")].mean(
                axis=0
            ),
            "p_tier1_interrupted": tier1.mean(axis=0),
            "p_tier1_interrupted_by_then": np.maximum.accumulate(tier1, axis=1).mean(axis=0),
            "posts_sustained": agg.kept["sustained_by_year"].mean(axis=0),
        }
    )


def _coverage_frame(scn: Scenario, agg: Aggregator, reps: int, years: np.ndarray) -> pd.DataFrame:
    """Each country's share of months with its post filled, by year (``coverage.csv``)."""
    codes = [c.code for c in scn.countries]
    n_years = len(years)
    return pd.DataFrame(
        {
            "country": np.repeat(codes, n_years),
            "risk_tier": np.repeat([c.risk_tier for c in scn.countries], n_years),
            "year": np.tile(years, len(codes)),
            "coverage": (agg.sums["filled_months"] / (reps * 12)).ravel(),
        }
    )


def _manifest(
    scn: Scenario,
    seed: int,
    reps: int,
    agg: Aggregator,
    prov: Provenance,
    started: datetime,
    wall: float,
    executor: Executor,
) -> dict[str, Any]:
    """The run's manifest: the scenario and its provenance, seed, versions, executor, times."""
    import numpy
    import simpy

    from fundsim import __version__

    sim = scn.simulation
    fields = prov.manifest_fields()
    command = fields.pop("command")
    return {
        "scenario": scn.name,
        "scenario_file": fields.pop("scenario_file"),
        "scenario_hash": fields.pop("scenario_hash"),
        "seed": seed,
        "replications": reps,
        "start_year": sim.start_year,
        "years": sim.years,
        "fundsim_version": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
        "executor": executor.name,
        "workers": executor.workers,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(wall, 3),
        "events": int(agg.events),
        "structural_float_usd": structural_float_usd(scn),
        "events_per_second": round(agg.events / wall, 1) if wall > 0 else None,
        "command": command,
        **fields,
    }


def _build_result(
    scn: Scenario,
    seed: int,
    reps: int,
    agg: Aggregator,
    prov: Provenance,
    started: datetime,
    wall: float,
    executor: Executor,
) -> Run:
    sim = scn.simulation
    years = np.arange(sim.start_year, sim.start_year + sim.years)
    replications = pd.DataFrame(agg.metrics, columns=list(agg.metric_names))
    replications.insert(0, "replication", np.arange(reps))
    summary = summary_frame(summarize(replications))
    monthly = _monthly_frame(sim, agg)
    shares = _shares_frame(scn, agg, reps, years)
    yearly = _yearly_frame(scn, agg, reps, years)
    coverage = _coverage_frame(scn, agg, reps, years)
    names = scn.entity_names
    nothing_owed = np.zeros((len(names), sim.years, sim.years), dtype=np.int64)
    receivables = receivables_table(
        names,
        int(sim.start_year),
        agg.sums.get("receivables_cents", nothing_owed),
        agg.positive.get("receivables_cents", nothing_owed),
        reps,
    )
    return Run(
        manifest=_manifest(scn, seed, reps, agg, prov, started, wall, executor),
        summary=summary,
        replications=replications,
        monthly=monthly,
        shares=shares,
        tables={
            "yearly": yearly,
            "coverage": coverage,
            "receivables": receivables,
            **_children_liability_table(agg, years),
            **_statements_tables(scn, agg),
            **_victims_yearly_table(agg, years),
        },
        scenario=scn,
        journals=agg.journals,
    )
