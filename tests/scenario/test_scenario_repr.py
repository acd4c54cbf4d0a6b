"""A scenario shows itself in one line in a terminal and as a short paragraph in a notebook."""

from __future__ import annotations

from pathlib import Path

from fundsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_repr_is_one_short_line_and_the_notebook_view_counts_the_assumptions():
    s = load_scenario(ROOT / "scenarios" / "baseline.toml")
    text = repr(s)
    assert "\n" not in text and len(text) < 300
    assert text.startswith("<Scenario baseline: pooled")
    view = s._repr_html_()
    assert "ASSUMPTION" in view and "sourced" in view
    assert len(view) < 3000
