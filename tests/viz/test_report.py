"""The report: an HTML page and a workbook whose numbers are those of the run directory."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from fundsim.results import read_run
from fundsim.viz.report import write_report

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.rows: dict[str, list[float]] = {}
        self._table = ""
        self._key = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "table":
            self._table = a.get("class", "")
        elif tag == "tr" and self._table == "summary" and "data-key" in a:
            self._key = a["data-key"]
            self.rows[self._key] = []
        elif tag == "td" and self._table == "summary" and "data-value" in a:
            self.rows[self._key].append(float(a["data-value"]))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from fundsim.runner import run_scenario

    out = tmp_path_factory.mktemp("report") / "run"
    run_scenario(MINI, reps=6, seed=9, workers=1, out=out)
    return out


def test_html_embeds_the_figures_and_the_summary_numbers(run_dir, tmp_path):
    html_path, _, skipped = write_report(read_run(run_dir), tmp_path)
    page = _Page()
    page.feed(html_path.read_text(encoding="utf-8"))
    assert len(page.images) >= 3
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:4] == b"\x89PNG"
    summary = json.loads((run_dir / "summary.json").read_text())
    assert set(page.rows) == set(summary)
    for metric, values in page.rows.items():
        s = summary[metric]
        assert values[0] == pytest.approx(s["mean"], rel=1e-12, abs=1e-12)
        assert values[1:3] == pytest.approx([s["ci95_low"], s["ci95_high"]], rel=1e-12, abs=1e-12)
    assert "Stress tests" in skipped  # no stress.csv in this run directory


def test_workbook_holds_the_summary_and_every_dollar(run_dir, tmp_path):
    _, xlsx_path, _ = write_report(read_run(run_dir), tmp_path)
    wb = load_workbook(xlsx_path)
    summary = json.loads((run_dir / "summary.json").read_text())
    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    got = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(got) == set(summary)
    for metric, s in summary.items():
        for k in ("mean", "p05", "p50", "p95", "ci95_low", "ci95_high"):
            assert got[metric][k] == pytest.approx(s[k], rel=1e-12, abs=1e-12)
    shares = pd.read_csv(run_dir / "shares.csv")
    rows = list(wb["Assessed by year"].iter_rows(values_only=True))
    total = dict(zip(rows[0], rows[-1], strict=True))
    assert total["entity"] == "TOTAL"
    assert total["total"] == pytest.approx(shares["assessed_usd"].sum(), rel=1e-12)
    for year, amount in shares.groupby("year")["assessed_usd"].sum().items():
        assert total[str(year)] == pytest.approx(amount, rel=1e-12)
    assert {"Shares", "Yearly", "Coverage", "Manifest"} <= set(wb.sheetnames)


def test_stress_table_in_the_run_directory_is_included(run_dir, tmp_path):
    stress = pd.DataFrame(
        [{"shock": "all_-15%", "label": "x", "metric": "coordinator_coverage", "baseline_mean": 0.7,
          "shocked_mean": 0.6, "diff": -0.1, "ci95_low": -0.12, "ci95_high": -0.08, "relative_change": -0.1429,
          "significant": True, "paired": True, "note": "n"}]
    )
    copy = tmp_path / "run"
    import shutil

    shutil.copytree(run_dir, copy)
    stress.to_csv(copy / "stress.csv", index=False)
    html_path, xlsx_path, skipped = write_report(read_run(copy))
    assert html_path.parent == copy
    assert "Stress tests" not in skipped
    assert '<table class="stress">' in html_path.read_text(encoding="utf-8")
    page = html_path.read_text(encoding="utf-8")
    # a fall of coverage from 70 % to 60 % is -10 percentage points, never "-10.0%"
    assert ">-10.0 pp<" in page
    ws = load_workbook(xlsx_path)["Stress"]
    header = [c.value for c in ws[1]]
    cells = dict(zip(header, ws[2], strict=True))
    assert cells["diff"].value == pytest.approx(-10.0) and "pp" in cells["diff"].number_format
    assert cells["ci95_low"].value == pytest.approx(-12.0)
    assert cells["baseline_mean"].value == pytest.approx(0.7) and cells["baseline_mean"].number_format == "0.0%"


def test_summary_rows_carry_label_unit_and_direction_and_the_page_a_glossary(run_dir, tmp_path):
    html_path, xlsx_path, _ = write_report(read_run(run_dir), tmp_path)
    page = html_path.read_text(encoding="utf-8")
    assert "What the metrics mean" in page
    assert "probability of a funding interruption (probability; better lower)" in page
    assert "2,026" not in page  # years are not thousands
    ws = load_workbook(xlsx_path)["Summary"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2)}
    gap, cash = rows["p_gap"], rows["closing_balance_usd"]
    assert gap["what it is"].value == "probability of a funding interruption" and gap["better when"].value == "lower"
    assert gap["mean"].number_format == "0.0%" and cash["mean"].number_format == "#,##0"
    assert cash["better when"].value == "-" and cash["unit"].value == "USD"
    assert rows["coordinator_coverage"]["n"].number_format == "0"


def test_summary_columns_are_wide_enough_for_labels_and_money(run_dir, tmp_path):
    _, xlsx_path, _ = write_report(read_run(run_dir), tmp_path)
    ws = load_workbook(xlsx_path)["Summary"]
    header = [c.value for c in ws[1]]
    for j, name in enumerate(header, start=1):
        letter = ws.cell(1, j).column_letter
        longest = max(len(str(ws.cell(r, j).value or "")) for r in range(1, ws.max_row + 1))
        if name in ("metric", "what it is"):
            assert ws.column_dimensions[letter].width >= longest, name
