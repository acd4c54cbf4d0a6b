"""The stress battery: every shock changes what it says, paired with the baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundsim.analysis.stress import BATTERY, effect, shifted_delay, stress_test
from fundsim.analysis.variants import with_overrides
from fundsim.results.registry import UnknownMetric

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


@pytest.fixture(scope="module")
def stressed():
    from fundsim.scenario import load_scenario

    mini = load_scenario(MINI)
    return stress_test(
        mini,
        reps=6,
        seed=5,
        workers=1,
        metrics=("coordinator_coverage", "paid_usd", "assessed_usd"),
    )


def test_every_shock_has_rows_and_runs_are_paired(stressed):
    t = stressed.table
    assert list(dict.fromkeys(t["shock"])) == [s.name for s in BATTERY]
    ran = t[t["metric"] != ""]
    assert ran["paired"].all()
    assert (ran["ci95_low"] <= ran["ci95_high"]).all()


def test_allegation_shock_says_it_has_nothing_to_apply_to(stressed, mini):
    row = stressed.table[stressed.table["shock"] == "allegations_+50%"]
    if getattr(mini, "victims", None) is None:
        assert len(row) == 1
        assert "no victim-assistance window" in row["note"].iloc[0]
    else:
        assert (row["metric"] != "").all()


def test_cuts_reduce_what_entities_pay(stressed):
    t = stressed.table.set_index(["shock", "metric"])
    for shock in ("all_-15%", "voluntary_-25%_2y", "combined"):
        r = t.loc[(shock, "paid_usd")]
        assert r["diff"] < 0 and r["significant"]


def test_a_cut_that_lowers_coverage_is_marked_worse_and_money_flows_are_undirected(stressed):
    t = stressed.table.set_index(["shock", "metric"])
    cov = t.loc[("all_-15%", "coordinator_coverage")]
    assert cov["good"] == "higher" and cov["unit"] == "share"
    if cov["significant"] and cov["diff"] < 0:
        assert cov["effect"] == "worse"
    paid = t.loc[("all_-15%", "paid_usd")]
    assert (
        paid["good"] == "" and paid["effect"] == ""
    )  # less money in is neither better nor worse in itself


@pytest.mark.parametrize(
    ("good", "diff", "significant", "expected"),
    [
        ("lower", -0.2, True, "better"),  # p_gap falls
        ("lower", 0.2, True, "worse"),
        ("higher", -0.1, True, "worse"),  # coverage falls
        ("higher", 0.1, True, "better"),
        ("lower", -0.2, False, ""),  # within the noise
        (None, -1e6, True, ""),  # closing cash: no direction
    ],
)
def test_effect_follows_the_good_direction(good, diff, significant, expected):
    assert effect(good, diff, significant) == expected


def test_an_unknown_metric_is_refused_before_any_run(mini):
    with pytest.raises(UnknownMetric, match="did you mean 'p_gap'"):
        stress_test(mini, reps=2, seed=1, workers=1, metrics=("p_gapp",))


def test_the_battery_shows_both_ends_of_an_exit(stressed):
    # Absorbed, the others pick up the leaver's bill: what is invoiced does not fall; not
    # absorbed, the leaver's bill is lost and the fund invoices (and receives) less.
    t = stressed.table.set_index(["shock", "metric"])
    absorbed = t.loc[("largest_leaves", "assessed_usd")]
    unabsorbed = t.loc[("largest_leaves_unabsorbed", "assessed_usd")]
    assert unabsorbed["diff"] < 0 and unabsorbed["significant"]
    assert unabsorbed["diff"] < absorbed["diff"]
    assert (
        t.loc[("largest_leaves_unabsorbed", "paid_usd")]["diff"]
        < t.loc[("largest_leaves", "paid_usd")]["diff"]
    )


def test_cost_shock_raises_the_assessments(stressed):
    r = stressed.table.set_index(["shock", "metric"]).loc[("post_costs_+10%", "assessed_usd")]
    assert r["diff"] > 0 and r["significant"]


def test_no_voluntary_group_means_the_shock_is_not_run(mini):
    ents = [e.model_dump() | {"groups": ()} for e in mini.entities]
    plain = with_overrides(mini, {"entities": ents, "shocks.group": None})
    res = stress_test(plain, reps=2, seed=1, workers=1, shocks=BATTERY[:1], metrics=("paid_usd",))
    assert "no entity is tagged 'voluntary'" in res.table["note"].iloc[0]
    assert not res.runs


@pytest.mark.parametrize(
    ("delay", "expected"),
    [
        ({"dist": "fixed", "value": 1.0}, {"value": 7.0}),
        ({"dist": "uniform", "low": 0.0, "high": 2.0}, {"low": 6.0, "high": 8.0}),
        (
            {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 4.0},
            {"low": 7.0, "mode": 8.0, "high": 10.0},
        ),
        ({"dist": "exponential", "mean": 2.0}, {"dist": "normal", "mean": 8.0, "sd": 2.0}),
    ],
)
def test_delays_move_six_months_later(delay, expected):
    shifted, how = shifted_delay(delay, 6.0)
    for k, v in expected.items():
        assert shifted[k] == v
    assert how


def test_allegation_shock_scales_victim_arrivals_by_half(baseline_path):
    from fundsim.scenario import load_scenario

    base = load_scenario(baseline_path)
    assert base.victims is not None  # the shipped baseline has a victim-assistance window
    shock = next(s for s in BATTERY if s.name == "allegations_+50%")
    shocked, note = shock.apply(base)
    assert shocked.victims.allegations.scale == pytest.approx(1.5 * base.victims.allegations.scale)
    assert shocked.countries == base.countries  # not scaled twice
    assert "1.5" in note
