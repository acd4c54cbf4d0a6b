"""The HTML report in a real headless browser, at a phone's width (or the narrowest window
headless Chromium opens, about 500 px) and a desktop's: it renders, opens with
its answer, and nothing makes the page wider than the screen (wide tables scroll inside
their own box). Skipped, with the reason, where no Chromium or Chrome is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fundsim.results import read_run
from fundsim.viz.report import write_report

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless browser (chromium, chromium-browser or "
                                "google-chrome) on this machine; the HTML is still parsed in test_report.py")

#: Appended to a copy of the page: writes what the browser measured into the DOM.
PROBE = """<script>
window.addEventListener('load', function () {
  var p = document.createElement('pre'); p.id = 'probe';
  p.textContent = 'scrollWidth=' + document.documentElement.scrollWidth + ' innerWidth=' + window.innerWidth +
    ' images=' + Array.prototype.filter.call(document.images, function (i) { return i.naturalWidth > 0; }).length +
    ' first=' + document.querySelector('body > p').id;
  document.body.appendChild(p);
});
</script>"""


def _dump_dom(page: Path, width: int) -> str:
    cmd = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},900",
           "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from fundsim.runner import run_scenario

    base = tmp_path_factory.mktemp("browser")
    run_scenario(MINI, reps=6, seed=9, workers=1, out=base / "run")
    html_path, _, _ = write_report(read_run(base / "run"), base / "out")
    probe = base / "probe.html"
    probe.write_text(html_path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return probe


@pytest.mark.parametrize("width", [390, 1280])
def test_report_renders_in_a_browser_and_fits_the_screen(report, width):
    dom = _dump_dom(report, width)
    m = re.search(r"scrollWidth=(\d+) innerWidth=(\d+) images=(\d+) first=(\w+)", dom)
    assert m, dom[-2000:]
    scroll, inner, images, first = int(m[1]), int(m[2]), int(m[3]), m[4]
    assert scroll <= inner, f"the page is {scroll} px wide on a {inner} px screen"
    assert images >= 3  # the embedded figures decode
    assert first == "answer"  # the first paragraph is the answer
