"""``fundsim report`` shows the fund's statements of each window, from statements.parquet."""

from __future__ import annotations

from pathlib import Path

from fundsim.cli import main

MINI = Path(__file__).resolve().parents[1] / "data" / "mini.toml"


def test_the_report_shows_each_statement_with_its_lines(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                str(MINI),
                "--reps",
                "3",
                "--seed",
                "2",
                "--workers",
                "1",
                "--out",
                str(tmp_path / "run"),
            ]
        )
        == 0
    )
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "report")]) == 0
    capsys.readouterr()
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "Statement of cash flows: coordinators window" in page
    assert "Statement of financial position at 31 December: coordinators window" in page
    for line in (
        "opening cash",
        "payroll",
        "closing cash",
        "receivables",
        "commitments",
        "unencumbered balance",
        "· age 0",
    ):
        assert f'<td data-label="line">{line}</td>' in page, line
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "report" / "report.xlsx")
    sheet = book["Statements"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["window", "statement", "line", "detail", "2026 (USD)"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert ("coordinators", "cash flows", "closing cash") in {r[:3] for r in rows}
    # totals are formulas over the lines they add up (closing cash = opening cash + every flow)
    closing = next(r for r in rows if r[:3] == ("coordinators", "cash flows", "closing cash"))
    assert isinstance(closing[4], str) and closing[4].startswith("=E2+E3+")
    cached = openpyxl.load_workbook(tmp_path / "report" / "report.xlsx", data_only=True)[
        "Statements"
    ]
    values = list(cached.iter_rows(min_row=2, values_only=True))
    flows = [
        r[4]
        for r in values
        if r[:2] == ("coordinators", "cash flows") and r[3] in ("", None) and r[2] != "closing cash"
    ]
    total = next(r[4] for r in values if r[:3] == ("coordinators", "cash flows", "closing cash"))
    assert abs(sum(flows) - total) < 0.01
