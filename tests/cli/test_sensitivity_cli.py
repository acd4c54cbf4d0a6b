"""``fundsim sensitivity``: indices table and bars; a clear refusal without uncertain inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def test_morris_with_ranges_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "sens"
    code = main(
        [
            "sensitivity",
            str(MINI),
            "--method",
            "morris",
            "--samples",
            "2",
            "--reps",
            "2",
            "--workers",
            "1",
            "--range",
            "mechanism.reserve_target_months=0:12",
            "--range",
            "posts.annual_cost_usd=230000:330000",
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    table = pd.read_csv(out / "sensitivity.csv")
    assert list(table["input"]) == ["mechanism.reserve_target_months", "posts.annual_cost_usd"]
    assert (table["mu_star"] >= 0).all()
    assert len(pd.read_csv(out / "sensitivity_samples.csv")) == 2 * 3
    assert (out / "sensitivity.png").is_file()
    text = capsys.readouterr().out
    assert (
        "(mu*)" in text
        and " pp" in text
        and "What moves coordinator coverage most, in order: mechanism.reserve_target_months"
        in text
    )


def test_no_uncertainties_exits_2(tmp_path, capsys):
    assert main(["sensitivity", str(MINI), "--out", str(tmp_path / "x")]) == 2
    assert "[uncertainties]" in capsys.readouterr().err


def test_malformed_range_is_a_usage_error(tmp_path, capsys):
    try:
        main(["sensitivity", str(MINI), "--range", "posts.annual_cost_usd=1-2"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "KEY=LOW:HIGH" in capsys.readouterr().err


def test_a_misspelt_metric_exits_2_before_any_replication(tmp_path, capsys, monkeypatch):
    import fundsim.analysis.sensitivity as sens

    monkeypatch.setattr(
        sens,
        "run_scenario",
        lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")),
        raising=False,
    )
    code = main(
        [
            "sensitivity",
            str(MINI),
            "--metric",
            "p_gapp",
            "--range",
            "mechanism.reserve_target_months=0:12",
            "--out",
            str(tmp_path / "x"),
            "--no-progress",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert (
        "unknown metric 'p_gapp'; did you mean 'p_gap'?" in err
        and len(err.strip().splitlines()) == 1
    )
    assert not (tmp_path / "x").exists()
