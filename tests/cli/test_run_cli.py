"""``fundsim run`` end to end, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from fundsim.cli import main

FUNDSIM = [sys.executable, "-m", "fundsim.cli"]


def test_run_writes_a_complete_run_directory(tmp_path: Path, mini_path: Path) -> None:
    out = tmp_path / "run"
    proc = subprocess.run(
        [*FUNDSIM, "run", str(mini_path), "--reps", "20", "--seed", "4", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "p_gap" in proc.stdout and f"Results: {out}/" in proc.stdout
    for name in (
        "manifest.json",
        "summary.json",
        "replications.csv",
        "monthly.parquet",
        "shares.csv",
        "yearly.csv",
        "coverage.csv",
    ):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert (
        manifest["scenario"] == "mini" and manifest["seed"] == 4 and manifest["replications"] == 20
    )
    assert manifest["events"] > 0 and manifest["wall_seconds"] > 0
    assert len(manifest["scenario_hash"]) == 64
    summary = json.loads((out / "summary.json").read_text())
    for metric in (
        "p_gap",
        "coordinator_coverage",
        "closing_balance_usd",
        "income_cv",
        "top3_share",
    ):
        assert {"mean", "p05", "p50", "p95"} <= set(summary[metric])
    reps = pd.read_csv(out / "replications.csv")
    assert len(reps) == 20
    assert {
        "opening_balance_usd",
        "inflows_usd",
        "outflows_usd",
        "closing_balance_usd",
        "gap",
        "coordinator_coverage",
        "income_cv",
        "top3_share",
    } <= set(reps.columns)
    assert summary["p_gap"]["mean"] == reps["gap"].mean()
    shares = pd.read_csv(out / "shares.csv")
    assert list(shares.columns[:6]) == [
        "entity",
        "year",
        "formula",
        "share",
        "assessed_usd",
        "paid_usd",
    ]
    assert shares.groupby("year")["share"].sum().round(9).eq(1.0).all()
    monthly = pd.read_parquet(out / "monthly.parquet")
    assert {"month", "metric", "p05", "p50", "p95"} <= set(monthly.columns)
    assert len(monthly[monthly.metric == "balance_usd"]) == 60


def test_run_refuses_to_overwrite_a_run_directory(tmp_path: Path, mini_path: Path, capsys) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["run", str(mini_path), "--reps", "2", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_missing_file_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_validate_the_shipped_scenarios(root: Path, capsys) -> None:
    files = sorted(str(p) for p in (root / "scenarios").glob("*.toml"))
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": ok (") == len(files)


def test_a_closed_pipe_stops_quietly_after_the_results_are_written(
    tmp_path: Path, mini_path: Path
) -> None:
    out = tmp_path / "run"
    proc = subprocess.run(
        f"{sys.executable} -m fundsim.cli run {mini_path} --reps 5 --out {out} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stdout.startswith("mini: 5 replications")
    assert (out / "summary.json").is_file()


def test_shares_table_is_titled_by_the_mechanism_mode():
    from fundsim.cli.run import shares_title

    # a siloed run applies no formula: each lead entity pays the posts it hosts
    assert "formula" not in shares_title("siloed", "weighted").replace("no formula", "")
    assert "siloed" in shares_title("siloed", "weighted")
    assert shares_title("pooled", "weighted").startswith("Cost shares (weighted formula)")
    assert "pooled reserve by the weighted formula" in shares_title("hybrid", "weighted")


def test_run_writes_the_report_and_ends_with_the_answer(
    tmp_path: Path, mini_path: Path, capsys
) -> None:
    out = tmp_path / "run"
    assert main(["run", str(mini_path), "--reps", "4", "--workers", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert (out / "report.html").is_file() and (out / "report.xlsx").is_file()
    last = text.strip().splitlines()[-2:]
    assert last[0].startswith("Answer: Over 4 replications") and "95 % interval" in last[0]
    assert last[1].startswith(f"Report: {out / 'report.html'}")


def test_no_report_skips_it_and_says_how_to_write_it(
    tmp_path: Path, mini_path: Path, capsys
) -> None:
    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                str(mini_path),
                "--reps",
                "2",
                "--workers",
                "1",
                "--out",
                str(out),
                "--no-report",
            ]
        )
        == 0
    )
    assert not (out / "report.html").exists()
    assert f"fundsim report {out}" in capsys.readouterr().out


def test_a_metric_zero_by_construction_reads_not_applicable() -> None:
    from types import SimpleNamespace

    from fundsim.cli.tables import summary_table

    summary = pd.DataFrame(
        {
            "mean": [0.0],
            "ci95_low": [0.0],
            "ci95_high": [0.0],
            "p05": [0.0],
            "p50": [0.0],
            "p95": [0.0],
        },
        index=pd.Index(["funded_ratio"], name="metric"),
    )
    paygo = SimpleNamespace(victims=SimpleNamespace(children=SimpleNamespace(funding="paygo")))
    prefund = SimpleNamespace(
        victims=SimpleNamespace(children=SimpleNamespace(funding="prefund_at_entry"))
    )
    assert "not applicable (pay-as-you-go)" in summary_table(summary, scenario=paygo)
    assert "0.0%" not in summary_table(summary, scenario=paygo)
    assert "not applicable" not in summary_table(summary, scenario=prefund)
