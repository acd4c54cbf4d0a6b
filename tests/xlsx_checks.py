"""Checks every workbook of fundsim must pass, as a finance officer opens it: columns wide
enough for what they show, numbers with number formats, no input text read as a formula."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from fundsim.viz.workbook import displayed

FORMULA_STARTS = ("=", "+", "-", "@")


def width_of(ws: Worksheet, col: int) -> float:
    """The width of column ``col`` (1-based), whether set alone or as part of a range."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max and dim.width:
            return float(dim.width)
    return 8.43  # Excel's default


def too_narrow(ws: Worksheet, cached: Worksheet | None = None) -> list[str]:
    """Cells whose value as shown is wider than their column (a number would show ###,
    a name be cut); wrapped text and merged cells are exempt. ``cached`` is the same
    sheet loaded with ``data_only=True`` (the cached values of formula cells)."""
    merged = {c for r in ws.merged_cells.ranges for row in r.cells for c in [row]}
    bad = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in merged:
                continue
            if cell.alignment is not None and cell.alignment.wrap_text:
                continue
            value = cell.value
            if cell.data_type == "f" and cached is not None:
                value = cached.cell(cell.row, cell.column).value
            if isinstance(value, str) and cell.row == 1 and cell.font is not None and cell.font.b:
                continue
            shown = displayed(value, cell.number_format)
            if cell.font is not None and cell.font.b:
                shown += "  "  # bold is wider
            if len(shown) > width_of(ws, cell.column):
                bad.append(f"{ws.title}!{cell.coordinate} {shown!r} > {width_of(ws, cell.column)}")
    return bad


def unformatted_numbers(ws: Worksheet) -> list[str]:
    """Numbers (not booleans) left in the General format."""
    return [
        f"{ws.title}!{c.coordinate}"
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, int | float)
        and not isinstance(c.value, bool)
        and c.number_format == "General"
    ]


def formula_like_text(ws: Worksheet) -> list[str]:
    """String cells that a spreadsheet could read as a formula."""
    return [
        f"{ws.title}!{c.coordinate}"
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "s" and isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)
    ]


def formulas(ws: Worksheet) -> list[str]:
    """Every formula of the sheet (only those the writer made: sums)."""
    return [str(c.value) for row in ws.iter_rows() for c in row if c.data_type == "f"]
