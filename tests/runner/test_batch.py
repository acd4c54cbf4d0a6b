"""Batch runs: every scenario and sweep variant into its own run directory, an index,
one progress bar, and a resume that keeps what finished and redoes the rest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fundsim.results import is_run_dir, read_run
from fundsim.runner import run_scenario
from fundsim.runner.batch import BatchError, plan_batch, run_batch
from fundsim.scenario import ScenarioError

REPS = 6


def make_scenarios(folder: Path, mini_path: Path, names: list[str], sweep: str = "") -> Path:
    """Copies of mini.toml under other names (and the CSVs they read) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for csv in ("entities.csv", "countries.csv"):
        shutil.copy(mini_path.parent / csv, folder / csv)
    text = mini_path.read_text(encoding="utf-8")
    for name in names:
        body = text.replace('name = "mini"', f'name = "{name}"')
        (folder / f"{name}.toml").write_text(
            body + (f"\n[sweep]\n{sweep}\n" if sweep else ""), encoding="utf-8"
        )
    return folder


class CountingBar:
    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.closed = 0

    def update(self, n: int) -> None:
        self.count += n

    def close(self) -> None:
        self.closed += 1


def test_folder_and_sweep_expand_into_named_runs(tmp_path: Path, mini_path: Path) -> None:
    folder = make_scenarios(tmp_path / "s", mini_path, ["alpha", "beta"])
    make_scenarios(
        tmp_path / "w", mini_path, ["gamma"], sweep='"mechanism.reserve_target_months" = [1, 2]'
    )
    items = plan_batch([folder, tmp_path / "w" / "gamma.toml", folder / "alpha.toml"])
    assert [i.name for i in items] == [
        "alpha",
        "beta",
        "gamma__reserve_target_months=1",
        "gamma__reserve_target_months=2",
    ]
    assert items[3].parameters == {"mechanism.reserve_target_months": 2}


def test_two_files_with_one_run_name_are_refused(tmp_path: Path, mini_path: Path) -> None:
    make_scenarios(tmp_path / "a", mini_path, ["same"])
    make_scenarios(tmp_path / "b", mini_path, ["same"])
    with pytest.raises(BatchError, match="same"):
        plan_batch([tmp_path / "a", tmp_path / "b"])


def test_a_bad_file_stops_the_batch_before_anything_runs(tmp_path: Path, mini_path: Path) -> None:
    folder = make_scenarios(tmp_path / "s", mini_path, ["good"])
    (folder / "bad.toml").write_text(
        'extends = "good.toml"\n[mechanism]\nadmin_fe = 0.1\n', encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match="admin_fe"):
        plan_batch([folder])


def test_batch_writes_every_run_and_an_index_of_their_metrics(
    tmp_path: Path, mini_path: Path
) -> None:
    folder = make_scenarios(
        tmp_path / "s", mini_path, ["alpha"], sweep='"mechanism.reserve_target_months" = [0, 9]'
    )
    out = tmp_path / "out"
    bars: list[CountingBar] = []
    outcomes = run_batch(
        plan_batch([folder]),
        out,
        reps=REPS,
        progress=lambda t: bars.append(CountingBar(t)) or bars[-1],
    )
    assert [o.status for o in outcomes] == ["done", "done"]
    assert len(bars) == 1 and bars[0].total == bars[0].count == 2 * REPS and bars[0].closed == 1
    index = pd.read_csv(out / "batch.csv")
    assert list(index["run"]) == [
        "alpha__reserve_target_months=0",
        "alpha__reserve_target_months=9",
    ]
    assert list(index["sweep.mechanism.reserve_target_months"]) == [0, 9]
    for _, row in index.iterrows():
        run = read_run(out / row["run"])
        assert run.manifest["replications"] == REPS
        assert run.manifest["sweep"] == {
            "mechanism.reserve_target_months": row["sweep.mechanism.reserve_target_months"]
        }
        assert row["p_gap"] == run.summary.loc["p_gap", "mean"]
        assert row["coordinator_coverage_mean"] == run.summary.loc["coordinator_coverage", "mean"]
        assert row["closing_balance_usd_mean"] == run.summary.loc["closing_balance_usd", "mean"]
        assert row["wall_seconds"] == run.manifest["wall_seconds"]


def test_a_batch_run_equals_the_same_run_on_its_own(tmp_path: Path, mini_path: Path, mini) -> None:
    folder = make_scenarios(tmp_path / "s", mini_path, ["mini"])
    run_batch(plan_batch([folder]), tmp_path / "out", reps=REPS, seed=11)
    alone = run_scenario(mini, reps=REPS, seed=11)
    in_batch = read_run(tmp_path / "out" / "mini")
    pd.testing.assert_frame_equal(in_batch.replications, alone.replications, check_exact=True)


def test_existing_runs_are_not_overwritten_without_resume(tmp_path: Path, mini_path: Path) -> None:
    items = plan_batch([make_scenarios(tmp_path / "s", mini_path, ["alpha"])])
    run_batch(items, tmp_path / "out", reps=REPS)
    before = (tmp_path / "out" / "alpha" / "manifest.json").read_bytes()
    with pytest.raises(BatchError, match="--resume"):
        run_batch(items, tmp_path / "out", reps=REPS)
    assert (tmp_path / "out" / "alpha" / "manifest.json").read_bytes() == before


def test_resume_keeps_matching_runs_redoes_the_rest_and_clears_leftovers(
    tmp_path: Path, mini_path: Path
) -> None:
    items = plan_batch([make_scenarios(tmp_path / "s", mini_path, ["alpha", "beta", "gamma"])])
    out = tmp_path / "out"
    run_batch(items, out, reps=REPS)
    kept = (out / "alpha" / "manifest.json").read_bytes()
    # beta: finished with other settings (a stale run); gamma: interrupted mid-write.
    manifest = json.loads((out / "beta" / "manifest.json").read_text())
    manifest["seed"] += 1
    (out / "beta" / "manifest.json").write_text(json.dumps(manifest))
    shutil.move(out / "gamma", out / ".gamma.tmp-deadbeef")
    (out / ".gamma.tmp-deadbeef" / "summary.json").unlink()

    outcomes = run_batch(items, out, reps=REPS, resume=True)

    assert [o.status for o in outcomes] == ["kept", "done", "done"]
    assert (out / "alpha" / "manifest.json").read_bytes() == kept
    assert json.loads((out / "beta" / "manifest.json").read_text())["seed"] == manifest["seed"] - 1
    assert is_run_dir(out / "gamma")
    assert sorted(p.name for p in out.iterdir()) == ["alpha", "batch.csv", "beta", "gamma"]
    assert list(pd.read_csv(out / "batch.csv")["status"]) == ["kept", "done", "done"]


def test_resume_with_other_replications_redoes_the_run(tmp_path: Path, mini_path: Path) -> None:
    items = plan_batch([make_scenarios(tmp_path / "s", mini_path, ["alpha"])])
    run_batch(items, tmp_path / "out", reps=REPS)
    outcomes = run_batch(items, tmp_path / "out", reps=REPS + 2, resume=True)
    assert outcomes[0].status == "done"
    assert len(read_run(tmp_path / "out" / "alpha").replications) == REPS + 2
