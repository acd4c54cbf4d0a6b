"""The options brief: brief.docx opens with python-docx and says what brief.html says; brief.html
renders in a headless browser and fits a phone's screen (skipped without Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"
BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
OPTIONS = """
[options]
reference = "3 months"
[options.named]
"no reserve" = { "mechanism.reserve_target_months" = 0 }
"3 months" = {}
"6 months" = { "mechanism.reserve_target_months" = 6 }
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("brief")
    for name in ("entities.csv", "countries.csv"):
        shutil.copy(MINI.parent / name, base / name)
    scenario = base / "mini_options.toml"
    scenario.write_text(MINI.read_text(encoding="utf-8") + OPTIONS, encoding="utf-8")
    out = base / "out"
    assert (
        main(
            [
                "options",
                str(scenario),
                "--reps",
                "6",
                "--seed",
                "4",
                "--out",
                str(out),
                "--workers",
                "1",
                "--stress",
            ]
        )
        == 0
    )
    return out


def test_the_command_writes_every_output(folder):
    for name in (
        "options.csv",
        "entity_costs.csv",
        "options.png",
        "options.xlsx",
        "brief.html",
        "brief.docx",
    ):
        assert (folder / name).stat().st_size > 0, name
    import openpyxl

    book = openpyxl.load_workbook(folder / "options.xlsx")
    assert book.sheetnames[:4] == ["Read me", "Options", "Bills", "Entity costs"]
    assert book["Options"].tables and book["Entity costs"].auto_filter is not None


def test_the_docx_opens_and_says_what_the_html_says(folder):
    import docx

    doc = docx.Document(str(folder / "brief.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    html = (folder / "brief.html").read_text(encoding="utf-8")
    answer = doc.paragraphs[1].text
    assert answer.startswith("3 options, each run 6 times with the same random draws (seed 4).")
    assert answer.replace("'", "&#39;") in html or answer in html
    options_table = doc.tables[0]
    assert [c.text for c in options_table.rows[0].cells][:2] == ["option", "what it changes"]
    assert [r.cells[0].text for r in options_table.rows[1:]] == [
        "no reserve",
        "3 months",
        "6 months",
    ]
    assert "fundsim options" in text and "Reproduce every number" in text
    # the stress battery on the two leading options: its verdicts are in the brief
    import pandas as pd

    stress = pd.read_csv(folder / "stress_ranking.csv")
    assert {"none", "all_-15%", "payments_6m_late"} <= set(stress["shock"])
    assert set(stress.loc[stress["shock"] != "none", "verdict"]) <= {
        "holds",
        "reverses",
        "not distinguishable",
        "distinguishable",
    }
    assert "stress battery" in text or "Under " in text


@pytest.mark.skipif(BROWSER is None, reason="no headless browser (chromium) on this machine")
@pytest.mark.parametrize("width", [390, 1280])
def test_the_html_brief_renders_in_a_browser_and_fits_the_screen(folder, width, tmp_path):
    probe = tmp_path / "probe.html"
    script = (
        "<script>window.addEventListener('load',function(){var "
        "p=document.createElement('pre');p.id='probe';"
        "p.textContent='scrollWidth='+document.documentElement.scrollWidth+' "
        "innerWidth='+window.innerWidth+"
        "' images='+Array.prototype.filter.call(document.images,function(i){return "
        "i.naturalWidth>0;}).length;"
        "document.body.appendChild(p);});</script>"
    )
    probe.write_text(
        (folder / "brief.html").read_text(encoding="utf-8").replace("</body>", script + "</body>"),
        encoding="utf-8",
    )
    shot = tmp_path / f"brief-{width}.png"
    cmd = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--window-size={width},900",
        "--virtual-time-budget=5000",
        "--dump-dom",
        probe.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    m = re.search(r"scrollWidth=(\d+) innerWidth=(\d+) images=(\d+)", done.stdout)
    assert m, done.stdout[-2000:]
    scroll, inner, images = map(int, m.groups())
    assert images == 1  # the trade-off figure
    assert scroll <= inner
    assert 'id="answer"' in done.stdout
    subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={width},1400",
            f"--screenshot={shot}",
            (folder / "brief.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    if Path("/tmp").is_dir() and shot.is_file():
        shutil.copy(shot, Path("/tmp") / f"b28-brief-{width}.png")
