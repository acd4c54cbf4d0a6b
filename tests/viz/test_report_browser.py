"""The HTML report and the budget annex in a real headless browser, at a phone's width
(390 px) and a desktop's (1280 px): each renders, the report opens with its answer and
shows its first chart within the first two screens at 1280 px, and no element reaches
past the right edge of the screen. Screenshots of both pages at both widths are saved
(in ``$FUNDSIM_SCREENSHOTS`` when set, else in the test's temporary folder) for a person
to look at.

Where no Chromium or Chrome is installed the tests are skipped with the reason, except
under ``CI=true``: there they fail, so that the check cannot silently stop running
(``.ci/run`` installs Debian's ``chromium`` when it is missing).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fundsim.results import read_run
from fundsim.viz.report import write_report

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"
BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
IN_CI = os.environ.get("CI", "").lower() == "true"
WIDTHS = (390, 1280)
#: Height of one screen in the checks (a laptop's window).
SCREEN_PX = 900


@pytest.fixture(scope="module", autouse=True)
def _browser() -> None:
    if BROWSER is None:
        why = "no headless browser (chromium, chromium-browser or google-chrome) on this machine"
        if IN_CI:
            pytest.fail(
                f"{why}: CI must run the browser check (.ci/run installs Debian's chromium)"
            )
        pytest.skip(f"{why}; the HTML is still parsed in test_report.py")


#: Appended to a copy of the page: writes what the browser measured into the DOM. An
#: element overflows when its box reaches past the screen's right edge (hidden elements,
#: such as the rows of a closed <details>, have no box and are not counted).
PROBE = """<script>
window.addEventListener('load', function () {
  var w = window.innerWidth, over = [];
  Array.prototype.forEach.call(document.body.querySelectorAll('*'), function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > w + 1 || r.left < -1)) {
      over.push(e.tagName + (e.className ? '.' + String(e.className).split(' ')[0] : '') +
        ':' + Math.round(r.right));
    }
  });
  var fig = document.querySelector('figure');
  var p = document.createElement('pre'); p.id = 'probe';
  p.textContent = 'scrollWidth=' + document.documentElement.scrollWidth + ' innerWidth=' + w +
    ' images=' + Array.prototype.filter.call(document.images,
      function (i) { return i.naturalWidth > 0; }).length +
    ' first=' + (document.querySelector('body > p') || {id: 'none'}).id +
    ' figureTop=' + (fig ? Math.round(fig.getBoundingClientRect().top + window.scrollY) : -1) +
    ' overflow=[' + over.slice(0, 8).join(',') + '] count=' + over.length;
  document.body.appendChild(p);
  if (window.parent !== window) { window.parent.postMessage(p.textContent, '*'); }
});
</script>"""

#: Headless Chromium opens no window narrower than 500 px: a phone's width is measured (and
#: shot) in an iframe of that width, whose page reports what it measured to this wrapper.
FRAME = """<!DOCTYPE html><html><head>
<style>body{margin:0}iframe{border:0;display:block}</style></head><body>
<iframe src="{src}" style="width:{width}px;height:{height}px"></iframe>
<script>window.addEventListener('message', function (e) {{
  var p = document.createElement('pre'); p.id = 'probe'; p.textContent = e.data;
  document.body.appendChild(p); }});
</script></body></html>"""
#: The narrowest window headless Chromium opens (px).
MIN_WINDOW = 500


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [
        str(BROWSER),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _framed(page: Path, width: int, height: int, tmp: Path) -> tuple[Path, int]:
    """``page`` itself, or below :data:`MIN_WINDOW` a wrapper holding it in an iframe
    ``width`` px wide; with the window width to open."""
    if width >= MIN_WINDOW:
        return page, width
    wrapper = tmp / f"{page.stem}-frame-{width}.html"
    wrapper.write_text(
        FRAME.replace("{src}", page.name)
        .replace("{width}", str(width))
        .replace("{height}", str(height))
        .replace("{{", "{")
        .replace("}}", "}"),
        encoding="utf-8",
    )
    return wrapper, MIN_WINDOW


def _measure(page: Path, width: int, tmp: Path) -> dict[str, str]:
    probe = page.parent / f"{page.stem}-probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    target, window = _framed(probe, width, SCREEN_PX, page.parent)
    dom = _chromium(
        f"--window-size={window},{SCREEN_PX}",
        "--dump-dom",
        target.as_uri(),
        profile=tmp / f"profile-{page.stem}-{width}",
    ).stdout
    m = re.search(
        r"scrollWidth=(\d+) innerWidth=(\d+) images=(\d+) first=(\w*) figureTop=(-?\d+) "
        r"overflow=\[(.*?)\] count=(\d+)",
        dom,
    )
    assert m, dom[-2000:]
    keys = ("scroll", "inner", "images", "first", "figure_top", "overflow", "count")
    return dict(zip(keys, m.groups(), strict=True))


def _screenshot(page: Path, width: int, tmp: Path) -> Path:
    folder = Path(os.environ.get("FUNDSIM_SCREENSHOTS") or tmp / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"{page.stem}-{width}.png"
    target, window = _framed(page, width, 3 * SCREEN_PX, page.parent)
    _chromium(
        f"--window-size={window},{3 * SCREEN_PX}",
        f"--screenshot={shot}",
        target.as_uri(),
        profile=tmp / f"profile-shot-{page.stem}-{width}",
    )
    assert shot.read_bytes()[:4] == b"\x89PNG"
    if window != width:  # keep the phone's width only
        from PIL import Image

        with Image.open(shot) as image:
            image.crop((0, 0, width, image.height)).save(shot)
    return shot


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    from fundsim.cli import main
    from fundsim.runner import run_scenario
    from fundsim.scenario import load_scenario

    base = tmp_path_factory.mktemp("browser")
    run_scenario(MINI, reps=6, seed=9, workers=1, out=base / "run")
    html_path, _, _ = write_report(
        read_run(base / "run"), base / "out", scenario=load_scenario(MINI)
    )
    # the shipped baseline's annex, as `fundsim budget` writes it (its long formula string included)
    assert main(["budget", str(BASELINE), "--out", str(base / "budget")]) == 0
    return {"report": html_path, "annex": base / "budget" / "budget_annex.html"}


@pytest.mark.parametrize("width", WIDTHS)
def test_report_renders_opens_with_the_answer_and_nothing_overflows(pages, width, tmp_path):
    got = _measure(pages["report"], width, tmp_path)
    assert int(got["inner"]) == width  # measured at the width asked for (in a frame below 500 px)
    assert int(got["scroll"]) <= int(got["inner"]), (
        f"the page is {got['scroll']} px wide on {got['inner']} px"
    )
    assert got["count"] == "0", f"elements past the screen's edge: {got['overflow']}"
    assert int(got["images"]) >= 3  # the embedded figures decode
    assert got["first"] == "answer"  # the first paragraph is the answer
    if width == 1280:  # the first chart starts within the first two screens
        assert 0 < int(got["figure_top"]) < 2 * SCREEN_PX, got["figure_top"]
    _screenshot(pages["report"], width, tmp_path)


@pytest.mark.parametrize("width", WIDTHS)
def test_budget_annex_renders_and_nothing_overflows(pages, width, tmp_path):
    got = _measure(pages["annex"], width, tmp_path)
    assert int(got["inner"]) == width
    assert int(got["scroll"]) <= int(got["inner"]), (
        f"the page is {got['scroll']} px wide on {got['inner']} px"
    )
    assert got["count"] == "0", f"elements past the screen's edge: {got['overflow']}"
    _screenshot(pages["annex"], width, tmp_path)
