"""The victims' window's two documented tables, from run directories: what each funding
policy of the children's account costs, and today's Trust Fund against its reported spending.

Both read runs that ship as scenario files, so the tables in ``docs/victims.md`` and
``docs/data.md`` (and notebook 03) come from one command each::

    fundsim batch scenarios/sweeps/children_funding.toml --reps 100 --out results/children_funding
    fundsim run scenarios/trust_fund_2022.toml --reps 200 --out results/tf_2022

then :func:`funding_policy_table` on the batch folder and :func:`trust_fund_calibration`
on the run. Money is in USD; a cell ``mean [p05, p95]`` is the mean over replications and
the 5th and 95th percentiles of the futures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from fundsim.results import Run, read_run
from fundsim.results.registry import format_difference, format_interval, format_value

#: Columns of the funding-policy table: metric, and how it is shown.
POLICY_METRICS = (
    ("assessed_a_year_usd", "entities assessed a year, USD"),
    ("funded_ratio", "funded ratio at the end"),
    ("children_account_usd", "children's account at the end, USD"),
    ("children_interest_usd", "account's return over the horizon, USD"),
    ("children_liability_pv_usd", "liability at the end, USD"),
)


def policy_outcomes(run: Run) -> pd.DataFrame:
    """Per replication of ``run``: what the entities were assessed a year for the victims'
    window (USD, the horizon's total over its years), the funded ratio, the children's
    account and its return, and the liability at the end."""
    r = run.replications
    years = int(run.manifest["years"])
    out = pd.DataFrame({"assessed_a_year_usd": r["victim_assessed_usd"] / years})
    for name, _ in POLICY_METRICS[1:]:
        out[name] = r[name] if name in r.columns else np.nan
    return out


def funding_policy_table(batch_dir: str | Path) -> pd.DataFrame:
    """One row per run of a ``children_funding`` batch (``batch.csv`` in ``batch_dir``),
    labelled by its ``children.funding`` and ``account_return``: each outcome of
    :func:`policy_outcomes` as ``mean``, ``p05`` and ``p95`` columns, and the paired
    difference of the yearly assessment against the pay-as-you-go run with the same
    account return (mean and its 95 % interval)."""
    folder = Path(batch_dir)
    index = pd.read_csv(folder / "batch.csv")
    index = index[index["status"].isin(["done", "kept"])]
    funding_col = "sweep.victims.children.funding"
    return_col = "sweep.victims.children.account_return"
    outcomes: dict[tuple[str, str], pd.DataFrame] = {}
    for _, row in index.iterrows():
        key = (_policy_label(row.get(funding_col)), str(row.get(return_col, "none")))
        outcomes[key] = policy_outcomes(read_run(folder / str(row["run"])))
    rows = []
    for (policy, ret), frame in outcomes.items():
        record: dict[str, object] = {"children.funding": policy, "account_return": ret}
        for name, _ in POLICY_METRICS:
            x = frame[name].to_numpy(dtype=float)
            record[f"{name}_mean"] = float(np.nanmean(x)) if np.isfinite(x).any() else np.nan
            record[f"{name}_p05"] = (
                float(np.nanquantile(x, 0.05)) if np.isfinite(x).any() else np.nan
            )
            record[f"{name}_p95"] = (
                float(np.nanquantile(x, 0.95)) if np.isfinite(x).any() else np.nan
            )
        base = outcomes.get(("paygo", ret))
        if base is not None:
            d = frame["assessed_a_year_usd"].to_numpy() - base["assessed_a_year_usd"].to_numpy()
            half = 1.959964 * d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else np.nan
            record["extra_a_year_usd"] = float(d.mean())
            record["extra_a_year_ci95_low"] = float(d.mean() - half)
            record["extra_a_year_ci95_high"] = float(d.mean() + half)
        rows.append(record)
    return pd.DataFrame(rows)


def policy_table_text(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`funding_policy_table` as a reader sees it: one string per cell, ``mean
    [p05, p95]`` written by the metric registry (USD with separators, ratios in %), and
    the extra assessment a year against pay-as-you-go with its 95 % interval."""
    out = pd.DataFrame(
        {"children.funding": table["children.funding"], "account_return": table["account_return"]}
    )
    for name, heading in POLICY_METRICS:
        metric = "victim_assessed_usd" if name == "assessed_a_year_usd" else name
        out[heading] = [
            f"{format_value(metric, m)} [{format_value(metric, lo)}, {format_value(metric, hi)}]"
            for m, lo, hi in zip(
                table[f"{name}_mean"], table[f"{name}_p05"], table[f"{name}_p95"], strict=True
            )
        ]
    if "extra_a_year_usd" in table:
        out["extra a year against paygo, USD (95 % CI)"] = [
            f"{format_difference('victim_assessed_usd', d)} "
            f"{format_interval('victim_assessed_usd', lo, hi, difference=True)}"
            for d, lo, hi in zip(
                table["extra_a_year_usd"],
                table["extra_a_year_ci95_low"],
                table["extra_a_year_ci95_high"],
                strict=True,
            )
        ]
    return out


def _policy_label(value: object) -> str:
    """``"paygo"``, ``"prefund_at_entry"`` or ``"target_ratio=0.5"`` from a batch.csv cell
    (a string, or a table written as ``{'target_ratio': 0.5}``)."""
    text = str(value)
    if "target_ratio" in text:
        number = text.split(":")[-1].strip(" }") if ":" in text else text.split("=")[-1]
        return f"target_ratio={float(number):g}"
    return text


def trust_fund_calibration(
    run: Run, reported_csv: str | Path = "scenarios/data/trust_fund_reported.csv"
) -> pd.DataFrame:
    """The victims' window's simulated spending by year (``victims_yearly.csv`` of ``run``:
    mean, 5th and 95th percentiles, USD) beside the Trust Fund's reported expenses
    (``reported_csv``: columns ``year``, ``expenses_usd``), and whether each reported year
    lies inside the simulated 90 % band."""
    if "victims_yearly" not in run.tables:
        raise ValueError(
            f"{run.name}: no victims_yearly table (a run of a scenario with a [victims] section)"
        )
    sim = run.tables["victims_yearly"]
    reported = pd.read_csv(reported_csv).set_index("year")["expenses_usd"]
    table = pd.DataFrame(
        {
            "year": sim["year"].astype(int),
            "reported_usd": [reported.get(int(y), np.nan) for y in sim["year"]],
            "simulated_mean_usd": sim["victim_spending_usd"],
            "p05_usd": sim["victim_spending_p05_usd"],
            "p95_usd": sim["victim_spending_p95_usd"],
        }
    )
    inside = (table["p05_usd"] <= table["reported_usd"]) & (
        table["reported_usd"] <= table["p95_usd"]
    )
    table["in_band"] = inside.where(table["reported_usd"].notna())  # NaN: not reported
    return table
