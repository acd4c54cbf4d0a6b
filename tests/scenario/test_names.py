"""A scenario's name is text, never a path: what ``folder_name`` makes of hostile names."""

from __future__ import annotations

import pytest

from fundsim.scenario.names import MAX_FOLDER_NAME, folder_name


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("baseline", "baseline"),
        ("swept__mechanism.reserve_target_months=6", "swept__mechanism.reserve_target_months=6"),
        ("../victim", "victim"),
        ("../../etc", "etc"),
        (".", "scenario"),
        ("..", "scenario"),
        ("/abs/path", "abs-path"),
        ("a\\b", "a-b"),
        ("-rf", "rf"),
        (".hidden", "hidden"),
        ("name with spaces\n", "name-with-spaces-"),
    ],
)
def test_a_hostile_name_becomes_one_harmless_folder(name: str, folder: str) -> None:
    got = folder_name(name)
    assert got == folder
    assert "/" not in got and "\\" not in got
    assert got not in (".", "..") and not got.startswith((".", "-"))


def test_long_names_are_cut_to_a_file_system_safe_length() -> None:
    assert len(folder_name("x" * 10_000)) == MAX_FOLDER_NAME
