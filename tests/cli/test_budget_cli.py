"""``fundsim budget``: the annex workbook and page a finance officer opens as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from xlsx_checks import formula_like_text, formulas, too_narrow, unformatted_numbers

from fundsim.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SHEETS = [
    "Read me",
    "budget",
    "staffing",
    "costs",
    "secretariat",
    "fees",
    "reserve",
    "invoices",
    "instalments",
    "formulas",
    "victims_budget",
    "victims_advocates",
    "victims_invoices",
]


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    out = tmp_path_factory.mktemp("budget") / "out"
    code = main(
        [
            "budget",
            str(SCENARIOS / "graded_posts.toml"),
            "--out",
            str(out),
            "--compare-formula",
            "jiu",
        ]
    )
    return code, out


def test_writes_the_workbook_and_the_page(annex):
    code, out = annex
    assert code == 0
    assert {p.name for p in out.iterdir()} == {"budget_annex.xlsx", "budget_annex.html"}
    page = (out / "budget_annex.html").read_text(encoding="utf-8")
    assert "Gross and net budget by year" in page and "compared jiu" in page


TOTAL = re.compile(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)|=[A-Z]+\d+(\+[A-Z]+\d+)+")


def test_workbook_has_named_filtered_tables_and_every_number_formatted(annex):
    _, out = annex
    book = load_workbook(out / "budget_annex.xlsx")
    cached = load_workbook(out / "budget_annex.xlsx", data_only=True)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert all(TOTAL.fullmatch(f) for f in formulas(ws)), (
            ws.title
        )  # only the totals fundsim writes
        assert formula_like_text(ws) == [], ws.title
        assert unformatted_numbers(ws) == [], ws.title
        assert too_narrow(ws, cached[ws.title]) == [], ws.title
    for name in SHEETS[1:]:
        ws = book[name]
        assert ws.freeze_panes == "B3", name  # the header row stays in view
        assert any("(" in str(c.value) for c in ws[2]), name  # units in the headers
        assert len(ws.tables) == 1, name  # a named table, with filter buttons
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A2:") and table.autoFilter is not None, name


def _formula_values(out: Path, sheet: str) -> tuple[list[tuple], list[tuple]]:
    book = load_workbook(out / "budget_annex.xlsx")
    cached = load_workbook(out / "budget_annex.xlsx", data_only=True)
    return (
        list(book[sheet].iter_rows(min_row=3, values_only=True)),
        list(cached[sheet].iter_rows(min_row=3, values_only=True)),
    )


def test_totals_are_formulas_over_what_they_add_up(annex):
    _, out = annex
    rows, values = _formula_values(out, "invoices")
    body, total = values[:-1], values[-1]
    assert total[0] == "total"
    first, last = 3, 2 + len(body)
    assert rows[-1][2] == f"=SUM(C{first}:C{last})"  # a reviewer sees what is added
    assert abs(sum(r[2] for r in body) - total[2]) < 0.005  # and the cached value is that sum
    # the gross budget is the net requirement plus the host's fees; the net requirement the
    # lines above it; each line's period total its years
    rows, values = _formula_values(out, "budget")
    labels = [r[0] for r in rows]
    net, gross = (
        labels.index(next(x for x in labels if x.startswith("net requirement"))),
        len(labels) - 1,
    )
    assert rows[net][1] == f"=SUM(B3:B{2 + net})"
    assert rows[gross][1] == f"=SUM(B{3 + net}:B{2 + gross})"
    assert abs(values[net][1] + values[net + 1][1] - values[gross][1]) < 0.005
    assert all(str(r[3]).startswith("=SUM(") for r in rows)


def test_a_formula_the_data_lack_is_one_line_exit_2(tmp_path, capsys):
    code = main(
        [
            "budget",
            str(SCENARIOS / "baseline.toml"),
            "--out",
            str(tmp_path / "x"),
            "--compare-formula",
            "icsc",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "professional_posts" in err[0]
    assert not (tmp_path / "x").exists()
