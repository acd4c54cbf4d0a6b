"""A Monte Carlo run as one object, whether it was just computed or read back from disk.

``fundsim.run(...)`` (the runner) and :func:`fundsim.results.read_run` both return a
:class:`Run`: the manifest (what ran), the summary (metric x statistic), the
per-replication table, the monthly quantiles, the shares, further tables (``yearly``,
``coverage``, and ``stress`` or ``journal`` when present) and where it is saved. A run
computed in this process also keeps its loaded scenario and, with ``audit``, its ledger
journals; a run read back has neither (its manifest names the scenario file and hash).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from fundsim.results.metrics import summary_frame, summary_json
from fundsim.results.registry import (
    UnknownMetric,
    describe,
    drop_aliases,
    format_interval,
    format_value,
    lookup,
    order,
)
from fundsim.results.run_files import (
    CHECKSUMS,
    MANIFEST,
    MONTHLY,
    MONTHLY_COLUMNS,
    REPLICATIONS,
    REQUIRED,
    SHARES,
    SUMMARY,
    RunDirError,
    check_digests,
    check_fractions,
    check_manifest,
    check_summary,
    missing_files,
    read_csv_checked,
    read_json_object,
    read_parquet_checked,
    regular_file,
    write_run,
)
from fundsim.results.safe_text import neutral_frame
from fundsim.results.statements import PARQUET_TABLES, STATEMENTS

#: Columns of journal.csv (one row per ledger posting).
JOURNAL_COLUMNS = ("replication", "time_months", "to", "from", "cents", "memo")


class Summary(pd.DataFrame):
    """The summary table (metric x statistic, numbers in each metric's unit) that prints
    as a person reads it: each value written by the metric registry (``96.1%``,
    ``115,465,876``), the interval of the mean in one column, never in scientific
    notation. Arithmetic and slices give plain DataFrames."""

    @property
    def _constructor(self) -> type[pd.DataFrame]:  # slices and arithmetic: plain frames
        return pd.DataFrame

    def formatted(self) -> pd.DataFrame:
        """The table as text: mean, 95 % interval of the mean, p05, p50, p95, what it is."""
        rows = {}
        for name in sorted(self.index, key=order):
            r = self.loc[name]
            rows[name] = {
                "mean": format_value(name, r.get("mean")),
                "95 % interval of the mean": format_interval(
                    name, r.get("ci95_low"), r.get("ci95_high")
                ),
                **{k: format_value(name, r.get(k)) for k in ("p05", "p50", "p95") if k in r},
                "what it is": describe(name).heading,
            }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        return frame

    def __repr__(self) -> str:
        return self.formatted().to_string()

    def _repr_html_(self) -> str:
        return self.formatted().to_html()


@dataclass
class Run:
    """A finished Monte Carlo run: tables as pandas DataFrames, and where it was saved.

    ``summary`` has one row per metric (index ``metric``) and the columns mean, p05,
    p50, p95, ci95_low, ci95_high, n, each in the metric's unit (USD, fractions,
    counts). ``tables`` holds the further tables by name (``yearly``, ``coverage``;
    ``stress`` when a stress battery was copied in). ``scenario`` is the loaded
    scenario object when the run was computed in this process, else ``None``.
    ``journals`` maps a replication to its ledger postings (only with ``audit``).
    """

    manifest: dict[str, Any]
    summary: pd.DataFrame
    replications: pd.DataFrame
    monthly: pd.DataFrame
    shares: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    path: Path | None = None
    scenario: Any = None
    journals: dict[int, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.summary, Summary):
            self.summary = Summary(self.summary)

    @property
    def seed(self) -> int:
        """The root seed of the run."""
        return int(self.manifest["seed"])

    @property
    def reps(self) -> int:
        """The number of replications."""
        return int(self.manifest["replications"])

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.manifest.get("scenario", "run"))

    @property
    def yearly(self) -> pd.DataFrame:
        """Year by year: p_gap, coverage, income, spending and closing balance (USD)."""
        return self.tables["yearly"]

    @property
    def coverage(self) -> pd.DataFrame:
        """Coverage by country and year (filled months / 12, mean over replications)."""
        return self.tables["coverage"]

    @property
    def receivables(self) -> pd.DataFrame:
        """Receivables of the coordinator fund by entity, year end and age in years (mean
        outstanding USD, share of replications owing); empty for a run written before them."""
        return self.tables.get("receivables", pd.DataFrame())

    @property
    def statements(self) -> pd.DataFrame:
        """The fund's statements by window, line and year (mean and percentiles across
        replications, USD; :mod:`fundsim.results.statements`); empty for a run written
        before them."""
        return self.tables.get(STATEMENTS, pd.DataFrame())

    @property
    def p_gap(self) -> float:
        """Probability of a funding interruption over the horizon (share of replications)."""
        return float(self.summary["mean"].astype(float)["p_gap"])

    def metric(self, name: str) -> pd.Series:
        """One metric's summary row (mean, p05, p50, p95, ci95_low, ci95_high, n); an
        alias (``dropped_cases``) reads its metric's row. A name the registry does not
        know raises :class:`~fundsim.results.registry.UnknownMetric` with a did-you-mean
        (``coverage`` -> ``coordinator_coverage``); a known metric this run lacks (a
        victims' metric of a run without the victims' window) says so."""
        key = name if name in self.summary.index else lookup(name).name
        if key not in self.summary.index:
            raise UnknownMetric(
                f"metric {key!r} is not in this run (a metric of a part the scenario does not have)"
            )
        return cast(pd.Series, pd.DataFrame(self.summary).loc[key])

    def save(self, out_dir: str | Path, overwrite: bool = False) -> Path:
        """Write the run directory (atomically) and remember its path."""
        summary = summary_json(self.summary)
        files = {
            f"{name}.parquet": self.tables[name].to_parquet(index=False)
            for name in PARQUET_TABLES
            if name in self.tables
        }
        tables = {name: t for name, t in self.tables.items() if name not in PARQUET_TABLES}
        if self.journals:
            rows = [(rep, *entry) for rep in sorted(self.journals) for entry in self.journals[rep]]
            journal = pd.DataFrame(rows, columns=list(JOURNAL_COLUMNS))
            files["journal.csv"] = neutral_frame(journal).to_csv(index=False).encode()
        self.path = write_run(
            out_dir,
            manifest=self.manifest,
            summary=summary,
            replications=self.replications,
            monthly=self.monthly,
            shares=self.shares,
            tables=tables,
            files=files,
            overwrite=overwrite,
        )
        return self.path

    def _headline(self) -> str:
        m = self.manifest
        where = f", saved in {self.path}" if self.path is not None else ", not saved"
        gap = f", p_gap {self.p_gap:.3f}" if "p_gap" in self.summary.index else ""
        return (
            f"{self.name}: {m.get('replications')} replications, seed {m.get('seed')}{gap}{where}"
        )

    def __repr__(self) -> str:
        return f"<Run {self._headline()}>"

    def _repr_html_(self) -> str:
        """The notebook view: the headline, the scenario file and the summary table."""
        m = self.manifest
        source = m.get("scenario_file") or "(no scenario file: built in Python)"
        return (
            f"<p><b>Run</b> {html.escape(self._headline())}<br>"
            f"scenario file {html.escape(str(source))}, hash "
            f"{html.escape(str(m.get('scenario_hash', ''))[:12])}</p>"
            + Summary(self.summary)._repr_html_()
        )


def read_run(path: str | Path) -> Run:
    """Read a run directory back into a :class:`Run`; raise :class:`RunDirError` (one line)
    if it is not one. Every CSV besides replications.csv and shares.csv lands in ``tables``.

    What is read is checked first (:mod:`fundsim.results.run_files`): every file a regular
    file (no links), the JSON files objects of the right shape and types, the manifest's
    seed and replications in range, every summary statistic a finite number (a share or
    a probability between 0 and 1), replications.csv all numbers with one row per
    replication, shares between 0 and 1, and monthly.parquet a Parquet table with the
    month x metric columns. A tampered or foreign directory is refused, never used.
    """
    p = Path(path)
    if not p.is_dir():
        raise RunDirError(f"{p}: no such run directory")
    missing = missing_files(p)
    if missing:
        raise RunDirError(f"{p}: not a complete run directory (missing {', '.join(missing)})")
    manifest = read_json_object(p / MANIFEST)
    check_manifest(manifest, p / MANIFEST)
    for name in REQUIRED:
        regular_file(p / name)
    check_digests(p, manifest)
    raw_summary = read_json_object(p / SUMMARY)
    check_summary(raw_summary, p / SUMMARY, int(manifest["replications"]))
    tables = {
        f.stem: read_csv_checked(f)
        for f in sorted(p.glob("*.csv"))
        if f.name not in (REPLICATIONS, SHARES)
    }
    for name in PARQUET_TABLES:
        if os.path.lexists(p / f"{name}.parquet"):
            tables[name] = read_parquet_checked(p / f"{name}.parquet")
    summary = summary_frame(raw_summary)
    replications = read_csv_checked(
        p / REPLICATIONS, numeric=True, rows=int(manifest["replications"])
    )
    shares = read_csv_checked(p / SHARES, columns=("entity", "year", "share"))
    check_fractions(shares, "share", p / SHARES)
    return Run(
        manifest={k: v for k, v in manifest.items() if k != CHECKSUMS},  # the files', not the run's
        summary=summary.drop(index=drop_aliases(summary.index)),
        replications=replications.drop(columns=drop_aliases(replications.columns)),
        monthly=read_parquet_checked(p / MONTHLY, columns=MONTHLY_COLUMNS),
        shares=shares,
        tables=tables,
        path=p,
    )
