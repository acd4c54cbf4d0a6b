"""The page's object without a browser: a change streams to a final answer, an error is one
line beside its field, the downloads are the what-if file and the report of the run."""

from __future__ import annotations

import io
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("panel")

from fundsim.app.engine import Simulator
from fundsim.app.page import WhatIfPage

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"


def _wait_final(page: WhatIfPage, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not (
        page.last is not None and page.last.final and page.last.whatif.scenario == page.whatif
    ):
        assert time.monotonic() < deadline, "no final answer"
        time.sleep(0.1)


def test_a_change_an_error_beside_its_field_and_the_downloads() -> None:
    sim = Simulator(workers=1)
    page = WhatIfPage(BASELINE, sim, reps=4, sync_url=False)
    page.widgets["formula"].value = "jiu"
    assert "pays more" in page.pays.object  # the bills at once, before the simulation
    _wait_final(page)
    assert (
        "coordinator coverage" in page.words.object and "4 of 4 replications" in page.status.object
    )

    page.widgets["advanced"].value = "mechanism.reserve_target_months = 99"
    shown = {name: pane.object for name, pane in page.errors.items() if pane.visible}
    assert (
        list(shown) == ["reserve_months"] and "less than or equal to 60" in shown["reserve_months"]
    )
    assert "\n" not in shown["reserve_months"]
    page.widgets["advanced"].value = ""
    assert not any(pane.visible for pane in page.errors.values())
    _wait_final(page)

    data = tomllib.loads(page._scenario_file().getvalue().decode())
    assert data["mechanism"]["formula"]["kind"] == "jiu" and data["simulation"]["replications"] == 4
    html = page._report("html").getvalue()
    assert html.lstrip().lower().startswith(b"<!doctype html")
    assert (
        "[Content_Types].xml"
        in zipfile.ZipFile(io.BytesIO(page._report("xlsx").getvalue())).namelist()
    )
    page.close()
    sim.close()
