"""The metric registry: every metric the model emits is registered, and each reads the
same way wherever it is shown (percent, percentage points, dollars, counts)."""

from __future__ import annotations

import math

import pytest

from fundsim.results.registry import (
    ALIASES,
    METRICS,
    REGISTRY,
    UnknownMetric,
    describe,
    drop_aliases,
    excel_format,
    format_difference,
    format_interval,
    format_value,
    lookup,
    metric_name,
    present,
)


@pytest.fixture(scope="module")
def emitted(request) -> set[str]:
    """Metric names emitted by the shipped baseline (with the victims' window), the
    siloed and hybrid modes, and the small test scenario (no victims' window)."""
    from fundsim.runner import run_scenario
    from fundsim.scenario import load_scenario

    root = request.config.rootpath
    names: set[str] = set()
    for path in (
        "scenarios/baseline.toml",
        "scenarios/siloed.toml",
        "scenarios/hybrid.toml",
        "tests/data/mini.toml",
    ):
        run = run_scenario(load_scenario(root / path), reps=2, seed=1, workers=1)
        names |= {metric_name(c) for c in run.replications.columns if c != "replication"}
    return names


def test_every_metric_the_model_emits_is_registered(emitted):
    assert sorted(emitted - set(REGISTRY)) == []


def test_every_record_is_complete():
    for m in METRICS:
        assert m.label and m.meaning.endswith("."), m.name
        assert m.good in ("higher", "lower", None), m.name
        assert m.fmt in ("percent", "usd", "count", "days", "decimal"), m.name
    assert len({m.name for m in METRICS}) == len(METRICS)


@pytest.mark.parametrize(
    ("name", "good"),
    [
        ("p_gap", "lower"),
        ("coordinator_coverage", "higher"),
        ("lapses", "lower"),
        ("median_wait_days", "lower"),
        ("victims_assisted_share", "higher"),
        ("funded_ratio", "higher"),
        ("closing_balance_usd", None),  # cash is neither good nor bad in itself
        ("inflows_usd", None),
        ("funding_lost_share", "lower"),
        ("p_tier1_interrupted", "lower"),
        ("dropped_cases", "lower"),  # an alias of victims_dropped
        ("caseworker_utilisation", None),
    ],
)
def test_good_directions(name, good):
    assert lookup(name).good == good


def test_an_unknown_name_fails_with_a_suggestion():
    with pytest.raises(UnknownMetric, match=r"unknown metric 'p_gapp'; did you mean 'p_gap'\?"):
        lookup("p_gapp")
    with pytest.raises(UnknownMetric, match="coordinator_coverage"):
        lookup("coordinator_coverge")
    with pytest.raises(UnknownMetric, match="unknown metric 'zzz'"):
        lookup("zzz")


def test_the_column_name_of_a_probability_finds_it():
    assert lookup("gap").name == "p_gap"
    assert metric_name("gap") == "p_gap"


def test_fractions_read_in_percent_and_their_differences_in_points():
    assert format_value("p_gap", 0.23) == "23.0%"
    assert format_difference("p_gap", -0.8) == "-80.0 pp"
    assert format_interval("p_gap", 0.159, 0.321) == "[15.9%, 32.1%]"
    assert (
        format_interval("coordinator_coverage", -0.076, -0.067, difference=True)
        == "[-7.6, -6.7] pp"
    )
    # income_cv reads the same everywhere: as a percentage (it was 0.213 in the terminal)
    assert format_value("income_cv", 0.213) == "21.3%"
    assert excel_format("income_cv") == "0.0%"


def test_money_and_counts():
    assert format_value("closing_balance_usd", 4341721.4) == "4,341,721"
    assert format_difference("closing_balance_usd", -406344.2) == "-406,344"
    assert format_difference("closing_balance_usd", 1250000) == "+1,250,000"
    assert format_value("lapses", 51.1) == "51.1"
    assert format_value("children_supported", 1139.2) == "1,139"
    assert format_difference("lapses", 22.64) == "+22.6"
    assert excel_format("closing_balance_usd") == "#,##0"


def test_zero_differences_carry_no_sign_and_missing_values_a_dash():
    assert format_difference("p_gap", 0.0) == "0.0 pp"
    assert format_difference("p_gap", -1e-9) == "0.0 pp"
    assert format_difference("closing_balance_usd", -0.2) == "0"
    assert format_value("p_gap", math.nan) == "-"
    assert format_interval("p_gap", math.nan, 0.1) == "-"


def test_unregistered_names_are_shown_plainly_not_refused():
    assert describe("something_new").good is None
    assert format_value("something_new", 0.5) == "0.5"


def test_present_keeps_registry_order_and_only_what_a_run_has():
    assert [m.name for m in present(["lapses", "gap", "closing_balance_usd"])] == [
        "p_gap",
        "lapses",
        "closing_balance_usd",
    ]


def test_headings_carry_the_unit():
    assert lookup("closing_balance_usd").heading == "closing cash (USD)"
    assert lookup("p_gap").heading == "probability of a funding interruption (%)"
    assert lookup("median_wait_days").heading == "median wait (days)"


def test_dropped_cases_is_another_name_for_victims_dropped_not_a_second_column():
    assert lookup("dropped_cases") is REGISTRY["victims_dropped"]
    assert metric_name("dropped_cases") == "victims_dropped"
    assert "dropped_cases" not in REGISTRY and ALIASES == {"dropped_cases": "victims_dropped"}
    assert drop_aliases(["victims_dropped", "dropped_cases", "p_gap"]) == ["dropped_cases"]
    assert drop_aliases(["dropped_cases"]) == []  # alone, it is the only copy: kept
