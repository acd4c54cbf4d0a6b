"""``fundsim budget``: the annex workbook and page a finance officer opens as they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from xlsx_checks import formula_like_text, formulas, too_narrow, unformatted_numbers

from fundsim.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHEETS = ["Read me", "budget", "staffing", "costs", "secretariat", "fees", "reserve", "invoices",
          "instalments", "formulas", "victims_budget", "victims_advocates", "victims_invoices"]


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    out = tmp_path_factory.mktemp("budget") / "out"
    code = main(["budget", str(SCENARIOS / "graded_posts.toml"), "--out", str(out), "--compare-formula", "jiu"])
    return code, out


def test_writes_the_workbook_and_the_page(annex):
    code, out = annex
    assert code == 0
    assert {p.name for p in out.iterdir()} == {"budget_annex.xlsx", "budget_annex.html"}
    page = (out / "budget_annex.html").read_text(encoding="utf-8")
    assert "Gross and net budget by year" in page and "compared jiu" in page


def test_workbook_has_no_formula_and_every_number_formatted(annex):
    _, out = annex
    book = load_workbook(out / "budget_annex.xlsx")
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert formulas(ws) == [], ws.title
        assert formula_like_text(ws) == [], ws.title
        assert unformatted_numbers(ws) == [], ws.title
        assert too_narrow(ws) == [], ws.title
    for name in SHEETS[1:]:
        ws = book[name]
        assert ws.freeze_panes == "B3", name  # the header row stays in view
        assert any("(" in str(c.value) for c in ws[2]), name  # units in the headers


def test_totals_are_numbers_that_add_up(annex):
    _, out = annex
    ws = load_workbook(out / "budget_annex.xlsx")["invoices"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert total[0] == "total"
    assert isinstance(total[2], float)
    assert abs(sum(r[2] for r in body) - total[2]) < 0.005


def test_a_formula_the_data_lack_is_one_line_exit_2(tmp_path, capsys):
    code = main(["budget", str(SCENARIOS / "baseline.toml"), "--out", str(tmp_path / "x"), "--compare-formula", "icsc"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "professional_posts" in err[0]
    assert not (tmp_path / "x").exists()
