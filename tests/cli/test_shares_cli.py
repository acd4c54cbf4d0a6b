"""``fundsim shares``: the printed table, the long CSV, the workbook and the figure."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from xlsx_checks import formula_like_text, formulas, too_narrow, unformatted_numbers

from fundsim.cli import main

TINY = Path(__file__).parents[1] / "sharing" / "data" / "tiny.toml"


@pytest.fixture(scope="module")
def all_formulas(tmp_path_factory):
    out = tmp_path_factory.mktemp("shares") / "out"  # a new folder: an existing one needs --force
    code = main(["shares", str(TINY), "--out", str(out)])
    return code, out


def test_exit_code_and_files(all_formulas):
    code, out = all_formulas
    assert code == 0
    assert {p.name for p in out.iterdir()} == {
        "formula_shares.csv",
        "formula_shares.xlsx",
        "formula_shares.png",
    }
    assert (out / "formula_shares.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_long_csv_accounts_for_every_dollar(all_formulas):
    _, out = all_formulas
    table = pd.read_csv(out / "formula_shares.csv")
    assert list(table.columns) == ["formula", "entity", "share", "amount_usd", "burden_ratio"]
    assert len(table) == 11 * 4  # nine formulas and two precedent keys, four entities
    by_formula = table.groupby("formula")
    np.testing.assert_allclose(by_formula["share"].sum().to_numpy(), 1.0, rtol=1e-14)
    # 3 posts x USD 300,000, to the cent for every formula
    assert np.all(np.abs(by_formula["amount_usd"].sum().to_numpy() - 900_000.0) < 0.005)


def test_workbook_has_one_formatted_sheet_per_view(all_formulas):
    _, out = all_formulas
    wb = load_workbook(out / "formula_shares.xlsx")
    cached = load_workbook(out / "formula_shares.xlsx", data_only=True)
    assert wb.sheetnames == [
        "Read me",
        "Shares",
        "Amounts USD",
        "Burden ratios",
        "Fairness",
        "Long",
        "Notes",
        "Chart",
    ]
    shares = wb["Shares"]
    assert shares["A1"].font.bold and shares["B1"].value == "equal (%)"
    assert shares["B2"].number_format == "0.00%"
    # the total is a formula a reviewer can audit, and its value is cached for readers that do not
    # recalculate
    assert shares["A6"].value == "Total" and shares["B6"].value == "=SUM(B2:B5)"
    assert cached["Shares"]["B6"].value == pytest.approx(1.0)
    assert cached["Amounts USD"]["C6"].value == pytest.approx(900_000.0)
    # a native Excel chart over the Shares sheet's cells, not a picture
    assert wb["Chart"]._images == [] and len(wb["Chart"]._charts) == 1
    chart = wb["Chart"]._charts[0]
    assert (
        len(chart.series) == shares.max_column - 1
        and chart.series[0].val.numRef.f == "Shares!$B$2:$B$5"
    )
    readme = [c.value for row in wb["Read me"].iter_rows() for c in row if c.value]
    assert any("Shapley" in str(v) for v in readme) and "suits_index" in readme
    for ws in wb:
        if ws.title != "Chart":
            assert too_narrow(ws, cached[ws.title]) == [], ws.title
            assert unformatted_numbers(ws) == [] and formula_like_text(ws) == [], ws.title
            assert all(f.startswith("=SUM(") for f in formulas(ws))


def test_printed_table_shows_shares_side_by_side(capsys, tmp_path):
    assert (
        main(
            [
                "shares",
                str(TINY),
                "--formula",
                "equal",
                "shapley",
                "--out",
                str(tmp_path),
                "--force",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "annual network cost USD 900,000" in printed
    header = next(line for line in printed.splitlines() if line.startswith("entity"))
    assert header.split() == ["entity", "equal", "shapley"]
    delta = next(line for line in printed.splitlines() if line.startswith("Delta"))
    assert delta.split() == ["Delta", "25.00", "8.33"]  # Shapley: USD 75,000 of 900,000
    table = pd.read_csv(tmp_path / "formula_shares.csv")
    assert sorted(table["formula"].unique()) == ["equal", "shapley"]


def test_unknown_formula_is_bad_input(capsys, tmp_path):
    assert main(["shares", str(TINY), "--formula", "shaply", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "fundsim: --formula: unknown formula 'shaply' (did you mean 'shapley'?)"
    assert not any(tmp_path.iterdir())


def test_missing_scenario_is_bad_input(capsys, tmp_path):
    assert main(["shares", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "nope.toml" in err and "file not found" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
