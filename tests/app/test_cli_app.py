"""``fundsim app`` at the command line: listed, the install hint when Panel is missing, bad
flags in one line (exit 2), a warning before serving beyond this machine."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import fundsim.app
from fundsim.cli import build_parser, main

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"


def test_app_is_a_command_with_loopback_by_default() -> None:
    args = build_parser().parse_args(["app"])
    assert args.host == "127.0.0.1" and args.file.endswith("baseline.toml") and args.port == 5006


def test_without_panel_one_line_says_how_to_install_it(monkeypatch, capsys) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "panel" else real(name, *a)
    )
    assert main(["app", str(BASELINE)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "pip install -e '.[app]'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--port", "0"], "--port"),
        (["--workers", "0"], "--workers"),
        (["--reps", "0"], "--reps"),
        (["--timeout", "0"], "--timeout"),
    ],
)
def test_bad_flags_are_one_line(flags, words, capsys) -> None:
    assert main(["app", str(BASELINE), *flags]) == 2
    assert words in capsys.readouterr().err


def test_a_bad_scenario_is_one_line_before_any_server(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "nowhere.toml"\n')
    assert main(["app", str(bad), "--port", "5999"]) == 2
    assert "nowhere.toml" in capsys.readouterr().err


def test_another_address_warns(monkeypatch, capsys) -> None:
    seen = {}
    monkeypatch.setattr(fundsim.app, "serve", lambda *a, **k: seen.update(args=a))
    assert main(["app", str(BASELINE), "--host", "0.0.0.0", "--port", "5999"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "0.0.0.0" in err and seen["args"][2] == "0.0.0.0"


def test_the_websocket_accepts_this_machine_unless_every_address_was_asked_for() -> None:
    from fundsim.app import _origins

    assert _origins("127.0.0.1", 5006) == ["127.0.0.1:5006", "localhost:5006"]
    assert _origins("10.0.0.5", 80) == ["10.0.0.5:80", "localhost:80", "127.0.0.1:80"]
    assert _origins("0.0.0.0", 80) == ["*"]
