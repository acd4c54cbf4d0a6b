"""The levels of a varied key, as the [options] and [explore] tables write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.scenario.errors import ScenarioError
from fundsim.scenario.levels import level_label, levels_and_labels

FILE = Path("scenario.toml")


def test_a_list_of_scalars_is_labelled_by_its_values() -> None:
    levels, labels = levels_and_labels(FILE, "explore.levers.x", [0.5, 2, True, "need"])
    assert levels == (0.5, 2, True, "need")
    assert labels == ("0.5", "2", "true", "need")


def test_written_labels_name_tables_and_arrays() -> None:
    spec = {"levels": [{"kind": "jiu"}, [1, 2]], "labels": ["JIU", "pair"]}
    assert levels_and_labels(FILE, "options.cross.k", spec)[1] == ("JIU", "pair")


def test_an_absent_level_is_named_only_where_the_table_allows_one() -> None:
    assert levels_and_labels(FILE, "options.cross.k", [None, 3], none_label="as is")[1] == (
        "as is",
        "3",
    )
    assert level_label(None) is None
    with pytest.raises(ScenarioError, match="needs a label"):
        levels_and_labels(FILE, "explore.levers.k", [None, 3])


@pytest.mark.parametrize(
    ("spec", "where", "message"),
    [
        ([], "explore.levers.k", "non-empty list of levels"),
        ({"levels": [1], "labls": ["a"]}, "explore.levers.k.labls", "unknown key"),
        ([{"a": 1}], "explore.levers.k", "needs a label"),
        ({"levels": [1, 2], "labels": ["a"]}, "explore.levers.k.labels", "one non-empty"),
        ({"levels": [1, 2], "labels": ["a", "  "]}, "explore.levers.k.labels", "one non-empty"),
        ({"levels": [1, 2], "labels": ["a", "a"]}, "explore.levers.k.labels", "must differ"),
    ],
)
def test_malformed_levels_are_refused_where_they_stand(spec, where, message) -> None:
    with pytest.raises(ScenarioError, match=message) as err:
        levels_and_labels(FILE, "explore.levers.k", spec)
    assert where in str(err.value)
