"""fundsim options at the command line: bad input is one line and exit 2 with nothing
written; a second run into the same folder keeps every finished option."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def _scenario(tmp_path: Path, options: str) -> Path:
    for name in ("entities.csv", "countries.csv"):
        shutil.copy(MINI.parent / name, tmp_path / name)
    path = tmp_path / "mini_options.toml"
    path.write_text(MINI.read_text(encoding="utf-8") + options, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "options, message",
    [
        (
            '\n[options]\nrefrence = "a"\n',
            "options.refrence: unknown key (did you mean 'reference'?)",
        ),
        ('\n[options.named]\na = {}\nb = { "mechanism.reserve_months" = 3 }\n', "'b'"),
        (
            '\n[options.named]\na = { scenario = "nowhere.toml" }\nb = {}\n',
            "no such file 'nowhere.toml'",
        ),
    ],
)
def test_bad_options_are_one_line_and_exit_2(tmp_path, capsys, options, message):
    scenario = _scenario(tmp_path, options)
    out = tmp_path / "out"
    assert main(["options", str(scenario), "--reps", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not out.exists()


def test_running_again_resumes(tmp_path, capsys):
    scenario = _scenario(
        tmp_path, '\n[options.named]\na = {}\nb = { "mechanism.reserve_target_months" = 0 }\n'
    )
    out = tmp_path / "out"
    args = [
        "options",
        str(scenario),
        "--reps",
        "3",
        "--seed",
        "5",
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    assert main(args) == 0
    first = (out / "options.csv").read_bytes()
    capsys.readouterr()
    assert main(args) == 0
    assert "2 kept from before" in capsys.readouterr().out
    assert (out / "options.csv").read_bytes() == first
    assert (
        main([*args[:3], "4", *args[4:]]) == 2
    )  # other replications: another set, refused without --force
