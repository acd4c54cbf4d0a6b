"""Limits on money, rate and count keys, and one check for every entry point.

Each key that takes a number has a documented limit, refused in one line naming the key
(fees below 50 %, no negative money, months 1-12, ages 0-18, no boolean for a number...).
``validate``, ``run``, ``batch``, ``explore`` and the Python API check a file through one
function (:func:`fundsim.runner.checks.check_file`): on generated ``[sweep]`` and
``[explore]`` tables they refuse the same files with the same line, and what ``validate``
accepts, ``run`` and ``batch`` run.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundsim.cli import main
from fundsim.errors import BadInput
from fundsim.runner.checks import check_file

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
MINI = ROOT / "tests" / "data" / "mini.toml"


def _cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(args))
    return code, err.getvalue()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shipped") / "scenarios"
    shutil.copytree(SCENARIOS, folder, ignore=shutil.ignore_patterns("sweeps"))
    return folder


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[mechanism]\nadmin_fee = 0.9999999\n", "mechanism.admin_fee"),
        ("[mechanism]\nadmin_fee = 1.0\n", "mechanism.admin_fee"),
        ("[mechanism]\nadmin_fee = 0.5\n", "mechanism.admin_fee"),
        ("[mechanism]\nprefinancing_limit_usd = 1e308\n", "mechanism.prefinancing_limit_usd"),
        ("[mechanism.budget]\nusd_per_year = 1e308\n", "mechanism.budget"),
        ("[posts]\nannual_cost_usd = -1e6\n", "posts.annual_cost_usd"),
        ("[victims.children]\nsupport_usd_year = -500\n", "victims.children.support_usd_year"),
        (
            '[victims.children]\nstock_age_years = { dist = "uniform", low = -5, high = 30 }\n',
            "victims.children.stock_age_years",
        ),
        (
            '[victims.children]\nstock_age_years = { dist = "uniform", low = -5, high = 10 }\n',
            "victims.children.stock_age_years",
        ),
        ("[payments]\ninstalments_per_year = true\n", "payments.instalments_per_year"),
        ("[victims.funding]\nadmin_fee = 0.7\n", "victims.funding.admin_fee"),
    ],
)
def test_a_value_beyond_its_limit_is_refused_naming_the_key(shipped, body, key) -> None:
    file = shipped / "limit_case.toml"
    file.write_text(f'extends = "baseline.toml"\nname = "limit_case"\n{body}', encoding="utf-8")
    code, err = _cli("validate", str(file))
    assert code == 2 and key in err and err.strip().count("\n") == 0, err


def test_host_fee_layers_on_one_basis_add_up_below_the_ceiling(shipped) -> None:
    file = shipped / "stack.toml"
    file.write_text(
        'extends = "host_mptf.toml"\nname = "stack"\n[host]\nkind = "mptf"\nfees = [\n'
        '  { name = "a", rate = 0.3, basis = "receipts" },\n  { name = "b", rate = 0.3, basis = '
        '"receipts" },\n]\n',
        encoding="utf-8",
    )
    code, err = _cli("validate", str(file))
    assert code == 2 and "host.fees" in err and "add up to 0.6" in err, err


def test_contract_end_month_is_a_month(shipped, tmp_path) -> None:
    folder = tmp_path / "scenarios"
    shutil.copytree(shipped, folder)
    table = folder / "data" / "today_posts.csv"
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    col = rows[0].index("contract_end_month")
    row = next(i for i, r in enumerate(rows) if i and r[col])
    rows[row][col] = "13"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    table.write_text(out.getvalue(), encoding="utf-8")
    code, err = _cli("validate", str(folder / "today.toml"))
    assert code == 2 and "today_posts.csv" in err and "contract_end_month" in err, err


def test_a_fee_just_below_the_ceiling_is_valid(shipped) -> None:
    file = shipped / "high_fee.toml"
    file.write_text(
        'extends = "baseline.toml"\nname = "high_fee"\n[mechanism]\nadmin_fee = 0.49\n',
        encoding="utf-8",
    )
    assert _cli("validate", str(file))[0] == 0


def test_an_explore_range_beyond_the_horizon_is_refused(tmp_path) -> None:
    from tests.explore_builders import MINI_EXPLORE, write_mini_explore

    text = MINI_EXPLORE.replace(
        '"cuts.0.year" = {{ low = 2026, high = 2028', '"cuts.0.year" = {{ low = 2026, high = 2099'
    )
    path = write_mini_explore(tmp_path, text)
    for command in (
        ["validate", str(path)],
        ["explore", str(path), "--out", str(tmp_path / "x")],
        ["run", str(path), "--out", str(tmp_path / "r"), "--reps", "2", "--no-progress"],
    ):
        code, err = _cli(*command)
        assert code == 2 and "explore.uncertainties.cuts.0.year" in err and "outside" in err, (
            command,
            err,
        )
    assert not (tmp_path / "x").exists() and not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- one check, generated
# cases

SWEEP_KEYS = [
    "mechanism.reserve_target_months",
    "mechanism.admin_fee",
    "posts.contract_months",
    "mechanism.reserve_target_month",
    "simulation.years",
    "name",
    "cuts.0.year",
    "payments.instalments_per_year",
]
VALUES: list[Any] = [0, 3, 6, 0.08, 0.6, -1, 1e308, True, "x", [], 12, 2099]
EXPLORE_KEYS = [
    "cuts.0.fraction",
    "cuts.0.year",
    "mechanism.admin_fee",
    "mechanism.reserve_target_months",
    "bogus.key",
]
OUTCOMES = [
    "funding_lost_share",
    "coordinator_coverage",
    "p_gap",
    "no_such_metric",
    "median_wait_days",
]


def _toml(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


@st.composite
def sweep_file(draw: st.DrawFn) -> str:
    keys = draw(st.lists(st.sampled_from(SWEEP_KEYS), min_size=1, max_size=2, unique=True))
    lines = []
    for k in keys:
        values = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=2))
        lines.append(f'"{k}" = [{", ".join(_toml(v) for v in values)}]')
    if draw(st.booleans()):
        lines.insert(0, 'method = "bogus"' if draw(st.booleans()) else 'method = "factorial"')
    return "[[cuts]]\nyear = 2027\nfraction = 0.2\n\n[sweep]\n" + "\n".join(lines) + "\n"


@st.composite
def explore_file(draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(EXPLORE_KEYS))
    low = draw(st.sampled_from([0, 0.1, 2026, -1]))
    high = draw(st.sampled_from([0.4, 2027, 2099, 1e308]))
    outcomes = draw(st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=2, unique=True))
    return (
        "[[cuts]]\nyear = 2027\nfraction = 0.2\n\n[explore]\nfutures = 2\nreps = 2\n"
        f'outcomes = {json.dumps(outcomes)}\nfails_when = ["coordinator_coverage < 0.5"]\n'
        f'[explore.uncertainties]\n"{key}" = {{ low = {_toml(low)}, high = {_toml(high)} }}\n'
        '[explore.levers]\n"mechanism.reserve_target_months" = [0.0, 6.0]\n'
        "[explore.policies]\nlean = {}\n"
    )


def _agree(tmp_path: Path, body: str) -> None:
    folder = tmp_path / "case"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    file = folder / "case.toml"
    file.write_text(f'extends = "{MINI.as_posix()}"\nname = "case"\n{body}', encoding="utf-8")
    try:
        check_file(file)
        api = None
    except BadInput as exc:
        api = " ".join(str(exc).split())
    code, err = _cli("validate", str(file))
    assert (code == 2) == (api is not None), (err, api)
    commands = {
        "run": ["run", str(file), "--reps", "2", "--out", str(folder / "run"), "--no-progress"],
        "batch": [
            "batch",
            str(file),
            "--reps",
            "2",
            "--out",
            str(folder / "batch"),
            "--no-progress",
        ],
    }
    if "[explore]" in body:
        commands["explore"] = [
            "explore",
            str(file),
            "--out",
            str(folder / "explore"),
            "--no-progress",
        ]
    if api is not None:
        line = err.strip()
        assert line.count("\n") == 0 and api in line, (line, api)
        for name, command in commands.items():
            got, got_err = _cli(*command)
            assert got == 2 and got_err.strip() == line, (name, got_err, line)
        assert sorted(p.name for p in folder.iterdir()) == ["case.toml"]  # nothing written
    else:
        for name in ("run", "batch"):
            got, got_err = _cli(*commands[name])
            assert got == 0, (name, got_err)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(sweep_file(), explore_file()))
def test_validate_run_batch_explore_and_the_api_agree(tmp_path, body) -> None:
    _agree(tmp_path, body)


@pytest.mark.parametrize(
    "body",
    [
        '[sweep]\n"mechanism.reserve_target_months" = [0, 6]\n',
        '[sweep]\n"mechanism.reserve_target_months" = [0, -6]\n',
        '[sweep]\nmethod = "bogus"\n"mechanism.reserve_target_months" = [0, 6]\n',
        '[sweep]\n"mechanism.admin_fee" = [0.08, 0.6]\n',
        '[explore]\noutcomes = ["no_such_metric"]\nfails_when = ["p_gap > 0.5"]\n'
        '[explore.uncertainties]\n"mechanism.admin_fee" = { low = 0.0, high = 0.1 }\n',
    ],
)
def test_the_entry_points_agree_on_these_cases(tmp_path, body) -> None:
    _agree(tmp_path, body)


def test_a_bad_sweep_stops_run_as_it_stops_validate(tmp_path) -> None:
    file = tmp_path / "swept.toml"
    file.write_text(
        f'extends = "{MINI.as_posix()}"\nname = '
        '"swept"\n[sweep]\n"mechanism.reserve_target_months" = [0, -6]\n',
        encoding="utf-8",
    )
    assert _cli("validate", str(file))[0] == 2
    assert (
        _cli("run", str(file), "--reps", "2", "--out", str(tmp_path / "out"), "--no-progress")[0]
        == 2
    )
    assert not (tmp_path / "out").exists()
