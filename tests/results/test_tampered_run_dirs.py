"""Run directories are read defensively: a tampered or foreign run directory is refused by
``read_run``, ``compare`` and ``report`` in one line (exit 2), never used and never a
traceback; one left as written reads back identically. ``summary.json`` is strict JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundsim.cli import main
from fundsim.results import read_run
from fundsim.results.run_files import RunDirError
from tests.tampering import MUTATIONS

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def written(tmp_path_factory, request) -> Path:
    mini = HERE.parent / "data" / "mini.toml"
    out = tmp_path_factory.mktemp("written") / "run"
    assert (
        main(
            [
                "run",
                str(mini),
                "--reps",
                "3",
                "--seed",
                "2",
                "--workers",
                "1",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    return out


def _copy(written: Path, tmp_path: Path, checksums: bool = True) -> Path:
    run = tmp_path / "run"
    shutil.copytree(written, run)
    if not checksums:  # as a run written before the checksums: the content checks alone
        manifest = json.loads((run / "manifest.json").read_text())
        del manifest["sha256"]
        (run / "manifest.json").write_text(json.dumps(manifest))
    return run


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("checksums", [True, False], ids=["with checksums", "content checks alone"])
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_tampered_run_directory_is_refused(written, tmp_path, name, checksums) -> None:
    run = _copy(written, tmp_path, checksums)
    MUTATIONS[name](run)
    with pytest.raises(RunDirError) as info:
        read_run(run)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "name",
    [
        "p_gap text",
        "replications.csv truncated",
        "monthly foreign table",
        "summary linked to a system file",
        "shares.csv share -5",
        "replications 1e18",
    ],
)
def test_compare_and_report_refuse_it_in_one_line(written, tmp_path, capsys, name) -> None:
    run = _copy(written, tmp_path, checksums=False)
    MUTATIONS[name](run)
    assert main(["compare", str(written), str(run)]) == 2
    assert str(run) in _one_line(capsys)
    assert main(["report", str(run), "--out", str(tmp_path / "report")]) == 2
    _one_line(capsys)
    assert not (tmp_path / "report").exists() or not any((tmp_path / "report").iterdir())


def test_an_untouched_run_directory_reads_back_identically(written, tmp_path) -> None:
    a, b = read_run(written), read_run(_copy(written, tmp_path))
    pd.testing.assert_frame_equal(a.replications, b.replications)
    pd.testing.assert_frame_equal(a.summary, b.summary)


def test_summary_json_is_strict_json_with_null_for_no_data(written, tmp_path) -> None:
    """A metric no replication had (e.g. the median wait with no allegations) has NaN
    statistics: summary.json writes them null, and they read back as NaN."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    run = read_run(written)
    stats = ["mean", "p05", "p50", "p95", "ci95_low", "ci95_high"]
    run.summary.loc["lapses", stats] = float("nan")
    run.summary.loc["lapses", "n"] = 0
    out = run.save(tmp_path / "again")
    summary = json.loads((out / "summary.json").read_text(), parse_constant=refuse)
    json.loads((out / "manifest.json").read_text(), parse_constant=refuse)
    assert all(summary["lapses"][k] is None for k in stats) and summary["lapses"]["n"] == 0
    back = read_run(out)
    assert back.summary.loc["lapses", stats].isna().all()
    assert back.summary.loc["p_gap", "mean"] == run.summary.loc["p_gap", "mean"]


def test_report_and_compare_refuse_an_out_that_is_a_file(written, tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("mine")
    assert main(["report", str(written), "--out", str(blocker)]) == 2
    assert "not a folder" in _one_line(capsys)
    assert main(["compare", str(written), str(written), "--out", str(tmp_path)]) == 2
    _one_line(capsys)
    assert blocker.read_text() == "mine"


def test_report_refuses_a_stress_table_that_is_a_system_file(written, tmp_path, capsys) -> None:
    assert (
        main(["report", str(written), "--out", str(tmp_path / "r"), "--stress", "/etc/passwd"]) == 2
    )
    _one_line(capsys)


FILES = (
    "summary.json",
    "manifest.json",
    "replications.csv",
    "shares.csv",
    "monthly.parquet",
    "yearly.csv",
    "coverage.csv",
    "statements.parquet",
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    file=st.sampled_from(FILES),
    where=st.floats(0, 1, exclude_max=True),
    byte=st.integers(0, 255),
    cut=st.booleans(),
)
def test_any_change_to_a_run_directory_is_refused_or_changes_nothing(
    written, tmp_path_factory, file, where, byte, cut
) -> None:
    """Mutate one byte (or cut the file there): ``read_run`` either refuses the folder
    (RunDirError, one line) or reads exactly the numbers that were written."""
    run = _copy(written, tmp_path_factory.mktemp("mutated"))
    blob = bytearray((run / file).read_bytes())
    at = int(where * len(blob))
    if cut:
        blob = blob[:at]
    else:
        blob[at] = byte
    (run / file).write_bytes(bytes(blob))
    original = read_run(written)
    try:
        back = read_run(run)
    except RunDirError as exc:
        assert "\n" not in str(exc)
        return
    pd.testing.assert_frame_equal(back.replications, original.replications)
    pd.testing.assert_frame_equal(back.summary, original.summary)
    pd.testing.assert_frame_equal(back.monthly, original.monthly)
    pd.testing.assert_frame_equal(back.shares, original.shares)
    assert back.tables.keys() == original.tables.keys()
    for name, table in original.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], table)
    for key in ("seed", "replications", "scenario"):
        assert back.manifest[key] == original.manifest[key]
