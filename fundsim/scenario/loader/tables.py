"""The CSV data tables a scenario names: entities, countries, today's posts and standard
costs, parsed strictly: one delimiter (the comma), unique non-empty column names, every row
as long as the header, cells of at most :data:`MAX_CELL_CHARS` characters, at most
:data:`MAX_TABLE_ROWS` rows, files of at most :data:`MAX_TABLE_BYTES` bytes. A file without
a table's required columns is not taken for that table, and none of its content is quoted."""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fundsim.scenario.errors import ScenarioError, did_you_mean
from fundsim.scenario.loader.merging import file_for
from fundsim.scenario.loader.reading import read_text_file
from fundsim.scenario.overrides import validation_problem
from fundsim.scenario.schema import (
    Country,
    Entity,
    ServiceAvailability,
    StandardCost,
    TodayPost,
)

#: Largest CSV data table (bytes).
MAX_TABLE_BYTES = 16 << 20
#: Rows of a CSV table and characters of one cell.
MAX_TABLE_ROWS = 10_000
MAX_CELL_CHARS = 10_000
#: Entity CSV columns that are not numeric keys.
_ENTITY_TEXT_COLUMNS = {
    "name",
    "full_name",
    "groups",
    "source",
    "voluntary_share",
    "fiscal_year_start_month",
}


def _read_csv(
    file: Path, ref_file: Path, key: str, required: tuple[str, ...], what: str
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV table as ``(line number, row)``, strictly parsed (see the
    module docstring).

    ``required`` columns must all be in the header, or the file is not taken for a
    table of ``what`` at all (and none of its content is quoted back)."""
    text = read_text_file(file, MAX_TABLE_BYTES, ref=ref_file, key=key, what="data file")
    reader = csv.reader(text.splitlines(), strict=True)
    try:
        header = _checked_header(file, next(reader, None), required, what)
        rows = []
        for cells in reader:
            if not cells or (all(not c.strip() for c in cells) and len(cells) <= 1):
                continue  # a blank line
            rows.append((reader.line_num, _checked_row(file, reader.line_num, cells, header)))
            if len(rows) > MAX_TABLE_ROWS:
                raise ScenarioError(file, "", f"more than {MAX_TABLE_ROWS:,} rows (the limit)")
    except csv.Error as exc:
        raise ScenarioError(file, f"row {reader.line_num}", f"malformed CSV ({exc})") from None
    if not rows:
        raise ScenarioError(file, "", "the table has no rows")
    return rows


def _checked_header(
    file: Path, header: list[str] | None, required: tuple[str, ...], what: str
) -> list[str]:
    """The header row's column names, stripped: present, holding every ``required`` column
    (else the file is not a table of ``what``), each named, short and named once."""
    if header is None:
        raise ScenarioError(file, "", "is empty (a header row and at least one row are needed)")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        hint = ""
        if len(header) == 1 and any(d in header[0] for d in ";\t|"):
            hint = " (columns must be separated by commas)"
        raise ScenarioError(
            file,
            "",
            f"not a table of {what}: no column {', '.join(repr(m) for m in missing)}{hint}",
        )
    for j, name in enumerate(header, start=1):
        if not name:
            raise ScenarioError(file, f"column {j}", "has no name in the header")
        if len(name) > 100:
            raise ScenarioError(file, f"column {j}", "name longer than 100 characters")
        if header.index(name) != j - 1:
            raise ScenarioError(file, f"column {j}", f"column '{name}' appears twice in the header")
    return header


def _checked_row(file: Path, row_no: int, cells: list[str], header: list[str]) -> dict[str, str]:
    """One row's cells by column name: exactly one cell per column, none too long."""
    if len(cells) != len(header):
        more = "more" if len(cells) > len(header) else "fewer"
        raise ScenarioError(
            file,
            f"row {row_no}",
            f"has {len(cells)} cells, {more} than the {len(header)} columns of the header",
        )
    for name, cell in zip(header, cells, strict=True):
        if len(cell) > MAX_CELL_CHARS:
            raise ScenarioError(
                file, f"row {row_no}.{name}", f"cell longer than {MAX_CELL_CHARS:,} characters"
            )
    return dict(zip(header, cells, strict=True))


def _csv_error(
    file: Path, row: type[BaseModel], row_no: int, label: str, exc: ValidationError
) -> ScenarioError:
    field, message = validation_problem(exc, row)
    return ScenarioError(file, f"row {row_no} ({label}).{field}", message)


def _number_cell(file: Path, row_no: int, label: str, col: str, cell: str | None) -> float:
    """A CSV cell that must hold a finite number (``ScenarioError`` naming file, row and column)."""
    where = f"row {row_no} ({label}).{col}"
    if cell is None or cell.strip() == "":
        raise ScenarioError(file, where, "is empty (a number is required)")
    try:
        value = float(cell)
    except ValueError:
        raise ScenarioError(file, where, f"not a number: '{cell[:40]}'") from None
    if not math.isfinite(value):
        raise ScenarioError(file, where, "must be a finite number")
    return value


def _integer_cell(file: Path, row_no: int, label: str, col: str, cell: str) -> int:
    """A CSV cell that must hold a whole number."""
    value = _number_cell(file, row_no, label, col, cell)
    if value != int(value):
        raise ScenarioError(file, f"row {row_no} ({label}).{col}", "must be a whole number")
    return int(value)


def _fiscal_start_cell(file: Path, i: int, label: str, cell: str | None) -> int:
    """The optional ``fiscal_year_start_month`` cell: a whole month 1-12, 1 when empty."""
    if cell is None or cell.strip() == "":
        return 1
    value = _number_cell(file, i, label, "fiscal_year_start_month", cell)
    if value != int(value) or not 1 <= value <= 12:
        raise ScenarioError(
            file,
            f"row {i} ({label}).fiscal_year_start_month",
            f"must be a month 1-12, not '{cell}'",
        )
    return int(value)


def load_entities(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[Entity]:
    """The entities table (``[entities] file``): one :class:`Entity` per row, every numeric
    column other than the named ones kept as a cost-sharing key."""
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "entities", 'must be a table with one key: file = "x.csv"')
    file = Path(table["file"])
    rows = _read_csv(
        file,
        file_for("entities.file", origin, ref),
        "entities.file",
        ("name", "voluntary_share", "source"),
        "entities",
    )
    out = []
    for i, row in rows:
        label = (row.get("name") or "?")[:40]
        keys: dict[str, float] = {}
        for col, cell in row.items():
            if col in _ENTITY_TEXT_COLUMNS or col is None or cell is None or cell.strip() == "":
                continue
            try:
                value = float(cell)
            except ValueError:
                raise ScenarioError(
                    file, f"row {i} ({label}).{col}", f"not a number: '{cell[:40]}'"
                ) from None
            if not math.isfinite(value):
                raise ScenarioError(file, f"row {i} ({label}).{col}", "must be a finite number")
            keys[col] = value
        try:
            out.append(
                Entity(
                    name=row["name"].strip(),
                    full_name=(row.get("full_name") or "").strip(),
                    voluntary_share=_number_cell(
                        file, i, label, "voluntary_share", row.get("voluntary_share")
                    ),
                    keys=keys,
                    groups=tuple(
                        g.strip() for g in (row.get("groups") or "").split(";") if g.strip()
                    ),
                    fiscal_year_start_month=_fiscal_start_cell(
                        file, i, label, row.get("fiscal_year_start_month")
                    ),
                    source=(row.get("source") or "").strip(),
                )
            )
        except ValidationError as exc:
            raise _csv_error(file, Entity, i, label, exc) from None
    return out


def _coded_rows(
    file: Path, where: Path, key: str, required: tuple[str, ...], what: str, known: set[str]
) -> list[tuple[int, str, dict[str, Any]]]:
    """The rows of a CSV table keyed by country ``code``: each row's number, its label (the
    code) and its non-empty cells, stripped; a column outside ``known`` is refused."""
    rows = _read_csv(file, where, key, required, what)
    for col in rows[0][1]:
        if col not in known:
            raise ScenarioError(file, "", f"unknown column '{col}'{did_you_mean(str(col), known)}")
    return [
        (
            i,
            (row.get("code") or "?")[:40],
            {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""},
        )
        for i, row in rows
    ]


def load_countries(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[Country]:
    """The countries table (``[countries] file``): one :class:`Country` per row."""
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "countries", 'must be a table with one key: file = "x.csv"')
    file = Path(table["file"])
    out = []
    for i, label, data in _coded_rows(
        file,
        file_for("countries.file", origin, ref),
        "countries.file",
        ("code", "risk_tier", "source"),
        "countries",
        set(Country.model_fields),
    ):
        if "entities" in data:
            data["entities"] = tuple(e.strip() for e in data["entities"].split(";") if e.strip())
        if "risk_tier" in data:
            data["risk_tier"] = _integer_cell(file, i, label, "risk_tier", data["risk_tier"])
        if "allegations_per_year" in data:
            data["allegations_per_year"] = _number_cell(
                file, i, label, "allegations_per_year", data["allegations_per_year"]
            )
        try:
            out.append(Country(**data))
        except ValidationError as exc:
            raise _csv_error(file, Country, i, label, exc) from None
    return out


def load_incumbents(table: Any, ref: Path, origin: Mapping[str, Path]) -> dict[str, Any]:
    """``[incumbents]``: the table of today's posts (``file``) read into ``posts``; the other
    keys (``transition``) passed on to the schema."""
    if not isinstance(table, dict) or "file" not in table:
        raise ScenarioError(
            ref, "incumbents", 'must be a table with a key file = "today_posts.csv"'
        )
    if "posts" in table:
        raise ScenarioError(
            ref, "incumbents.posts", "is read from incumbents.file, not set by hand"
        )
    file = Path(table["file"])
    posts = []
    for i, label, data in _coded_rows(
        file,
        file_for("incumbents.file", origin, ref),
        "incumbents.file",
        ("code", "coordinator_today", "source"),
        "today's posts",
        set(TodayPost.model_fields),
    ):
        if "contract_end_month" in data:
            data["contract_end_month"] = _integer_cell(
                file, i, label, "contract_end_month", data["contract_end_month"]
            )
        try:
            posts.append(TodayPost(**data))
        except ValidationError as exc:
            raise _csv_error(file, TodayPost, i, label, exc) from None
    out = {k: v for k, v in table.items() if k != "file"}
    out["posts"] = posts
    return out


def load_standard_costs(table: Any, ref: Path, origin: Mapping[str, Path]) -> list[StandardCost]:
    """The standard-cost table (grade, duty-station class, annual cost, source)."""
    if not isinstance(table, dict) or set(table) != {"file"}:
        raise ScenarioError(ref, "standard_costs", 'must be a table with one key: file = "x.csv"')
    file = Path(table["file"])
    required = ("grade", "duty_station_class", "annual_cost_usd", "source")
    rows = _read_csv(
        file,
        file_for("standard_costs.file", origin, ref),
        "standard_costs.file",
        required,
        "standard costs",
    )
    for col in rows[0][1]:
        if col not in required:
            raise ScenarioError(
                file, "", f"unknown column '{col}'{did_you_mean(str(col), required)}"
            )
    out, seen = [], set()
    for i, row in rows:
        label = f"{(row.get('grade') or '?')[:20]} {(row.get('duty_station_class') or '?')[:20]}"
        try:
            cost = StandardCost(
                grade=(row.get("grade") or "").strip(),
                duty_station_class=(row.get("duty_station_class") or "").strip(),
                annual_cost_usd=_number_cell(
                    file, i, label, "annual_cost_usd", row.get("annual_cost_usd")
                ),
                source=(row.get("source") or "").strip(),
            )
        except ValidationError as exc:
            raise _csv_error(file, StandardCost, i, label, exc) from None
        if (cost.grade, cost.duty_station_class) in seen:
            raise ScenarioError(
                file, f"row {i} ({label})", "grade and duty-station class appear twice"
            )
        seen.add((cost.grade, cost.duty_station_class))
        out.append(cost)
    return out


_YES_NO = {"yes": True, "no": False}


def load_existing_services(table: Any, ref: Path, origin: Mapping[str, Path]) -> dict[str, Any]:
    """``[victims.existing_services]``: the table of GBV and child-protection services by
    country (``file``) read into ``rows`` (one :class:`ServiceAvailability` per row, each
    country once; coordination cells ``yes`` or ``no``, coverage cells a fraction or empty);
    the rule's keys passed on to the schema."""
    key = "victims.existing_services"
    if not isinstance(table, dict) or "file" not in table:
        raise ScenarioError(ref, key, 'must be a table with a key file = "services_by_country.csv"')
    if "rows" in table:
        raise ScenarioError(ref, f"{key}.rows", "is read from the file, not set by hand")
    file = Path(table["file"])
    rows, seen = [], set()
    for i, label, data in _coded_rows(
        file,
        file_for(f"{key}.file", origin, ref),
        f"{key}.file",
        ("code", "gbv_coordination", "cp_coordination", "source", "confidence"),
        "existing services by country",
        set(ServiceAvailability.model_fields),
    ):
        for col in ("gbv_coordination", "cp_coordination"):
            cell = data.get(col, "").lower()
            if cell not in _YES_NO:
                raise ScenarioError(file, f"row {i} ({label}).{col}", "must be yes or no")
            data[col] = _YES_NO[cell]
        for col in ("gbv_funding_coverage", "cp_funding_coverage"):
            if col in data:
                data[col] = _number_cell(file, i, label, col, data[col])
        if data.get("code") in seen:
            raise ScenarioError(file, f"row {i} ({label})", "the country appears twice")
        seen.add(data.get("code"))
        try:
            rows.append(ServiceAvailability(**data))
        except ValidationError as exc:
            raise _csv_error(file, ServiceAvailability, i, label, exc) from None
    return {**table, "rows": tuple(rows)}
