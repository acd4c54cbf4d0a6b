"""The notebooks' shared helpers: page-sized figures at >= 100 dpi whose caption becomes the
image's alt text in the HTML annex, check cells that state their claim with the evidence,
and runs cached on the scenario's hash and the code version."""

from __future__ import annotations

import base64
import importlib.util
import io
from pathlib import Path

import nbformat
import pytest
from PIL import Image

import fundsim
from fundsim.analysis.run_cache import cached_run, code_version, run_key
from fundsim.viz.notebook import ClaimFailed, check, enough, figure_png, page_figure, row_interval
from fundsim.viz.style import styled

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini.toml"


def _figure():
    with styled():
        fig = page_figure(3.0)
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1], label="line")
    return fig


def test_figures_are_page_sized_at_least_100_dpi():
    png = figure_png(_figure(), dpi=80)  # a lower request is raised to 100
    with Image.open(io.BytesIO(png)) as image:
        assert image.width >= 7.0 * 100 * 0.9  # 7 in wide, tight box


def test_the_caption_is_the_alt_text_of_the_exported_image(tmp_path):
    spec = importlib.util.spec_from_file_location("execute", ROOT / "notebooks" / "execute.py")
    assert spec and spec.loader
    execute = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(execute)
    png = base64.b64encode(figure_png(_figure())).decode()
    cell = nbformat.v4.new_code_cell("show(fig, caption)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": png},
            metadata={"image/png": {"alt": "Coverage by year, 10 replications"}},
        )
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    out = tmp_path / "nb.html"
    execute.export_html(nb, out)
    page = out.read_text(encoding="utf-8")
    assert 'alt="Coverage by year, 10 replications"' in page
    assert "No description has been provided" not in page


def test_a_claim_that_fails_says_what_and_at_which_count():
    row = {"diff": -0.02, "ci95_low": -0.03, "ci95_high": 0.001}
    check("the cut lowers coverage", True, row_interval(row, "points", 100), 10)
    with pytest.raises(
        ClaimFailed,
        match=r"at 10 replications .* the cut lowers coverage.*-2.00 \[-3.00, 0.10\] points",
    ):
        check("the cut lowers coverage", row["ci95_high"] < 0, row_interval(row, "points", 100), 10)


def test_a_check_below_its_minimum_is_skipped_with_the_reason(capsys):
    assert not enough(10, 50, "the median path needs many replications")
    assert "check skipped at 10 replications (needs at least 50)" in capsys.readouterr().out
    assert enough(60, 50, "x")


def test_a_cached_run_is_read_back_and_keyed_on_scenario_and_code(tmp_path):
    scenario = fundsim.load_scenario(MINI)
    first = cached_run(scenario, 2, 5, cache_dir=tmp_path)
    again = cached_run(scenario, 2, 5, cache_dir=tmp_path)
    assert first.path == again.path and again.scenario is scenario
    assert again.replications.equals(first.replications)
    assert len(list(tmp_path.iterdir())) == 1
    assert run_key(scenario, 2, 5) != run_key(scenario, 3, 5) != run_key(scenario, 2, 6)
    assert len(code_version()) == 16
