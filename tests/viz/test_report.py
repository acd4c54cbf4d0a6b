"""The report: an HTML page that answers first and a workbook a finance officer can use as
it is, whose numbers are those of the run directory."""

from __future__ import annotations

import base64
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from xlsx_checks import formula_like_text, formulas, too_narrow, unformatted_numbers, width_of

from fundsim.results import read_run
from fundsim.viz.narrative import ScenarioText
from fundsim.viz.report import build_xlsx, write_report

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"
VOID = {"meta", "img", "br", "hr", "link", "input", "col", "wbr", "source"}


class _Page(HTMLParser):
    """The page's images, summary rows, scripts, and whether its tags are balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.scripts: list[dict] = []
        self.rows: dict[str, list[float]] = {}
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.text: list[str] = []
        self._table = ""
        self._key = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "table":
            self._table = a.get("class", "").split()[0] if a.get("class") else ""
        elif tag == "tr" and self._table == "summary" and "data-key" in a:
            self._key = a["data-key"]
            self.rows[self._key] = []
        elif tag == "td" and self._table == "summary" and "data-value" in a:
            self.rows[self._key].append(float(a["data-value"]))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
        else:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and "body" in self.stack:
            self.text.append(data.strip())


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    try:  # a real HTML5 parser where installed: the page must parse without errors
        import html5lib
    except ImportError:
        pass
    else:
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(page)
    return p


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from fundsim.runner import run_scenario

    out = tmp_path_factory.mktemp("report") / "run"
    run_scenario(MINI, reps=6, seed=9, workers=1, out=out)
    return out


@pytest.fixture(scope="module")
def scenario():
    from fundsim.scenario import load_scenario

    return load_scenario(MINI)


def test_html_opens_with_its_answer_and_embeds_figures_and_summary_numbers(run_dir, tmp_path):
    html_path, _, skipped = write_report(read_run(run_dir), tmp_path)
    text = html_path.read_text(encoding="utf-8")
    page = parse(text)
    assert not page.unbalanced and not page.stack
    # the first thing after the title is a sentence with numbers and their intervals
    assert page.text[0].startswith("fundsim report:")
    assert page.text[1].startswith("Over 6 replications of 5 years (2026–2030)")
    assert re.search(r"\(95 % interval \d+\.\d%–\d+\.\d%\)", page.text[1])
    assert len(page.images) >= 3
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:4] == b"\x89PNG"
    assert not page.scripts and "http://" not in text and "https://" not in text  # self-contained
    assert 'name="viewport"' in text and 'class="scroll"' in text  # readable on a phone
    summary = json.loads((run_dir / "summary.json").read_text())
    assert set(page.rows) == set(summary)
    for metric, values in page.rows.items():
        s = summary[metric]
        assert values[0] == pytest.approx(s["mean"], rel=1e-12, abs=1e-12)
        assert values[1:3] == pytest.approx([s["ci95_low"], s["ci95_high"]], rel=1e-12, abs=1e-12)
    assert "Stress tests" in skipped  # no stress.csv in this run directory
    assert "Median wait per replication" not in skipped or "median_wait_days" not in summary
    assert "the scenario file is not at hand" in text  # a run read back without its scenario


def test_html_shows_the_scenario_and_its_assumptions_escaped(run_dir, tmp_path):
    text = ScenarioText(
        "mini",
        "A test <script>alert(1)</script> world",
        {
            "posts.annual_cost_usd": "ASSUMPTION: round number",
            "entities": "CEB 2024 (H)",
            "payments.delay_months": "PLAUSIBLE: two months late",
        },
        "mini.toml",
    )
    html_path, _, _ = write_report(read_run(run_dir), tmp_path, scenario=text)
    page = html_path.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parse(page).scripts == []
    for kind in ("ASSUMPTION", "PLAUSIBLE", "SOURCED"):
        assert f'<span class="basis basis-{kind}">{kind}</span>' in page
    assert "round number" in page and "two months late" in page


def test_workbook_holds_the_summary_and_every_dollar_as_auditable_sums(run_dir, tmp_path):
    _, xlsx_path, _ = write_report(read_run(run_dir), tmp_path)
    wb, cached = load_workbook(xlsx_path), load_workbook(xlsx_path, data_only=True)
    summary = json.loads((run_dir / "summary.json").read_text())
    ws = wb["Summary"]
    header = [c.value for c in ws[1]]
    got = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert set(got) == set(summary)
    for metric, s in summary.items():
        for k, h in (
            ("mean", "mean"),
            ("p05", "5th percentile"),
            ("p50", "median"),
            ("p95", "95th percentile"),
            ("ci95_low", "95 % interval of the mean: low"),
            ("ci95_high", "95 % interval of the mean: high"),
        ):
            assert got[metric][h] == pytest.approx(s[k], rel=1e-12, abs=1e-12)
    shares = pd.read_csv(run_dir / "shares.csv")
    sheet, values = wb["Assessed by year"], cached["Assessed by year"]
    rows = list(sheet.iter_rows(values_only=True))
    header, total = rows[0], rows[-1]
    assert total[0] == "TOTAL"
    n = len(rows) - 2
    # every total is a SUM over the cells it adds up, and its cached value is the right number
    assert total[1] == f"=SUM(B2:B{n + 1})"
    assert rows[1][-1] == f"=SUM(B2:{chr(ord('A') + len(header) - 2)}2)"
    cached_total = list(values.iter_rows(values_only=True))[-1]
    assert cached_total[-1] == pytest.approx(shares["assessed_usd"].sum(), rel=1e-12)
    for j, (year, amount) in enumerate(
        shares.groupby("year")["assessed_usd"].sum().items(), start=1
    ):
        assert header[j] == f"assessed {year} (USD)"
        assert cached_total[j] == pytest.approx(amount, rel=1e-12)
    assert {"Read me", "Shares", "Yearly", "Coverage", "Manifest"} <= set(wb.sheetnames)
    assert wb.sheetnames[0] == "Read me"
    # years are numbers, in a filterable named table, under a frozen header
    years = [r[1] for r in wb["Shares"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(y, int) for y in years)
    for name in ("Summary", "Assessed by year", "Shares", "Yearly", "Coverage"):
        assert wb[name].tables, name
        assert wb[name].freeze_panes == "B2", name


def test_every_sheet_fits_its_content_has_formats_and_no_formula_from_text(
    run_dir, tmp_path, scenario
):
    run = read_run(run_dir)
    stress = pd.DataFrame(
        [
            {
                "shock": "all_-15%",
                "label": "x",
                "metric": "closing_balance_usd",
                "baseline_mean": 7.0e6,
                "shocked_mean": 6.0e6,
                "diff": -1.0e6,
                "ci95_low": -1.2e6,
                "ci95_high": -0.8e6,
                "relative_change": -0.1429,
                "significant": True,
                "paired": True,
                "note": "n",
            }
        ]
    )
    xlsx = build_xlsx(run, tmp_path / "r.xlsx", stress, ScenarioText.of(scenario, str(MINI)))
    wb, cached = load_workbook(xlsx), load_workbook(xlsx, data_only=True)
    for ws in wb:
        assert too_narrow(ws, cached[ws.title]) == []
        assert unformatted_numbers(ws) == []
        assert formula_like_text(ws) == []
        # totals: a SUM over the cells above, or (statements) the lines a total adds up
        assert all(
            re.fullmatch(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)|=[A-Z]+\d+([+-][A-Z]+\d+)+", f)
            for f in formulas(ws)
        ), ws.title
        for cell in ws[1]:  # a header wraps between words, never within one
            if isinstance(cell.value, str) and ws.title != "Read me":
                longest = max(len(w) for w in cell.value.split())
                assert width_of(ws, cell.column) >= longest, (ws.title, cell.value)


def test_read_me_has_the_glossary_the_description_and_the_assumptions(run_dir, tmp_path, scenario):
    run = read_run(run_dir)
    text = ScenarioText(
        scenario.name,
        "A small world for tests.",
        {"posts.annual_cost_usd": "ASSUMPTION: round", "entities": "CEB 2024 (H)"},
        str(MINI),
    )
    xlsx = build_xlsx(run, tmp_path / "r.xlsx", None, text)
    ws = load_workbook(xlsx)["Read me"]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert set(ws.tables) == {"Glossary", "Assumptions"}
    for metric in run.summary.index:
        assert metric in cells, metric
    assert "A small world for tests." in cells
    assert {"ASSUMPTION", "SOURCED", "round", "posts.annual_cost_usd"} <= set(cells)
    assert any(isinstance(c, str) and c.startswith("Over 6 replications") for c in cells)


def test_input_text_that_looks_like_a_formula_stays_text(run_dir, tmp_path):
    run = read_run(run_dir)
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)"]
    names = dict(zip(run.shares["entity"].unique(), hostile, strict=False))
    run.shares["entity"] = run.shares["entity"].map(lambda e: names.get(e, e))
    xlsx = build_xlsx(run, tmp_path / "r.xlsx", None, ScenarioText("=evil", "@desc", {"=k": "-v"}))
    wb = load_workbook(xlsx)
    for ws in wb:
        assert formula_like_text(ws) == [], ws.title
        assert all(re.fullmatch(r"=SUM\(.*\)|=[A-Z]+\d+([+-][A-Z]+\d+)+", f) for f in formulas(ws))
    entities = {r[0] for r in wb["Assessed by year"].iter_rows(min_row=2, values_only=True)}
    assert '\'=HYPERLINK("http://x")' in entities and "'@SUM(A1)" in entities


def test_stress_table_in_the_run_directory_is_included(run_dir, tmp_path):
    stress = pd.DataFrame(
        [
            {
                "shock": "all_-15%",
                "label": "x",
                "metric": "coordinator_coverage",
                "baseline_mean": 0.7,
                "shocked_mean": 0.6,
                "diff": -0.1,
                "ci95_low": -0.12,
                "ci95_high": -0.08,
                "relative_change": -0.1429,
                "significant": True,
                "paired": True,
                "note": "n",
            }
        ]
    )
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    stress.to_csv(copy / "stress.csv", index=False)
    html_path, xlsx_path, skipped = write_report(read_run(copy))
    assert html_path.parent == copy
    assert "Stress tests" not in skipped
    page = html_path.read_text(encoding="utf-8")
    assert '<table class="stress reflow">' in page
    # a fall of coverage from 70 % to 60 % is -10 percentage points, never "-10.0%"
    assert ">-10.0 pp<" in page
    ws = load_workbook(xlsx_path)["Stress"]
    header = [c.value for c in ws[1]]
    cells = dict(zip(header, ws[2], strict=True))
    # one convention everywhere: differences stored as fractions like the means beside them,
    # the unit (percentage points) in the header
    diff = cells["change (shocked − baseline; metrics in %: percentage points)"]
    assert diff.value == pytest.approx(-0.1) and "%" in diff.number_format
    assert cells["change: 95 % interval, low"].value == pytest.approx(-0.12)
    base = cells["baseline mean"]
    assert base.value == pytest.approx(0.7) and base.number_format == "0.0%"


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
    assert (
        gap["what it is"].value == "probability of a funding interruption"
        and gap["better when"].value == "lower"
    )
    assert gap["mean"].number_format == "0.0%" and cash["mean"].number_format == "#,##0"
    assert cash["better when"].value == "neither" and cash["unit"].value == "USD"
    assert rows["coordinator_coverage"]["replications"].number_format == "0"
    assert rows["lapses"]["95 % interval of the mean: low"].number_format == "#,##0.0"
