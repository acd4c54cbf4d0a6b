"""The one-page brief of ``fundsim options``, in HTML and in Word (python-docx).

:func:`brief_content` turns the analysis tables (options table, each entity's bill, the
ranking of the leading options, a ladder's decomposition, the assumptions) into one
neutral structure (:class:`Brief`: a headline, sections of paragraphs and tables); the two
writers lay it out, so the HTML page and the Word document say the same thing. Every
number is formatted by the metric registry; a difference whose 95 % interval holds zero is
called "not distinguishable", and no option is recommended beyond what the intervals say.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fundsim.results.atomic import write_bytes, write_text
from fundsim.results.registry import format_difference, format_interval, format_value

#: The per-year cost column is money: formatted as the registry formats invoices.
COST = "cost_usd_year"
_FORMAT_AS = {COST: "assessed_usd"}
#: Columns of the brief's options table: (metric, heading).
SHOWN = (
    ("coordinator_coverage", "coverage"),
    ("p_tier1_interrupted", "P(tier-1 post interrupted)"),
    (COST, "cost to entities a year (USD)"),
    ("admin_fees_usd", "fees, ten years (USD)"),
    ("victims_assisted_share", "victims assisted"),
)


def fv(metric: str, value: Any) -> str:
    """A value of ``metric`` as a reader sees it."""
    return format_value(_FORMAT_AS.get(metric, metric), value)


def fd(metric: str, value: Any, low: Any, high: Any) -> str:
    """A paired difference with its 95 % interval, or "not distinguishable" when it holds 0."""
    name = _FORMAT_AS.get(metric, metric)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    spread = format_interval(name, low, high, difference=True)
    diff = format_difference(name, value)
    text = f"{diff.removesuffix(' pp') if spread.endswith(' pp') else diff} {spread}"
    if isinstance(low, float) and isinstance(high, float) and low <= 0 <= high:
        text += " (the same in every replication)" if low == high == 0 else " (not distinguishable)"
    return text


@dataclass
class Section:
    """A heading, paragraphs, and at most one table (a header row and text rows)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)


@dataclass
class Brief:
    """What the brief says: a title, the headline answer, sections, and figures (PNG)."""

    title: str
    answer: str
    sections: list[Section]
    figures: list[tuple[str, bytes]] = field(default_factory=list)


def _with_interval(r: pd.Series, m: str) -> str:
    if m not in r or pd.isna(r[m]):
        return "-"
    return f"{fv(m, r[m])} {format_interval(_FORMAT_AS.get(m, m), r[f'{m}_low'], r[f'{m}_high'])}"


def _answer(
    table: pd.DataFrame,
    ranking: pd.DataFrame,
    *,
    reps: int,
    seed: int,
    ladder: bool,
    decomposition: pd.DataFrame | None,
) -> tuple[str, pd.DataFrame]:
    """The brief's headline answer, and the options close behind the first on coverage
    (none for a ladder, whose answer is its largest steps)."""
    top = (
        ranking[ranking["rank"] == 1].iloc[0]["option"] if len(ranking) else table["option"].iloc[0]
    )
    t = table.set_index("option")
    tied = int(ranking["tied_on_coverage"].iloc[0]) if len(ranking) else 1
    answer = (
        f"{len(table)} options, each run {reps} times with the same random draws (seed {seed}). "
    )
    if tied > 1:
        answer += (
            f"{tied} options are not distinguishable on coverage at the top; the least costly of "
            "them is "
            f"{top}: coverage {_with_interval(t.loc[top], 'coordinator_coverage')}, "
            f"USD {fv(COST, t.loc[top][COST])} a year to the entities."
        )
    else:
        answer += (
            f"Most coverage: {top}, {_with_interval(t.loc[top], 'coordinator_coverage')} of needed "
            f"coordinator post-months, at USD {fv(COST, t.loc[top][COST])} a year to the entities."
        )
    close = ranking[(ranking["rank"] > 1) & (ranking["metric"] == "coordinator_coverage")]
    costs = ranking[(ranking["rank"] > 1) & (ranking["metric"] == COST)].set_index("option")
    if ladder and decomposition is not None and len(decomposition):
        cov = decomposition[decomposition["metric"] == "coordinator_coverage"]
        total = cov[cov["change"] == "total"].iloc[0]
        steps = cov[cov["change"] != "total"].reindex(
            cov[cov["change"] != "total"]["diff"].abs().sort_values(ascending=False).index
        )
        answer = (
            f"{len(table)} rungs, each one change from the one before, each run {reps} times with "
            "the same "
            f"random draws (seed {seed}). From {total['from']} to {total['to']}, coverage changes "
            "by "
            f"{fd('coordinator_coverage', total['diff'], total['diff_low'], total['diff_high'])}. "
            "The largest steps: "
            + "; ".join(
                f"{s['to']} {fd('coordinator_coverage', s['diff'], s['diff_low'], s['diff_high'])}"
                for _, s in steps.head(3).iterrows()
            )
            + "."
        )
        close = close.iloc[:0]
    for _, r in close.iterrows():
        c = costs.loc[r["option"]]
        answer += (
            f" Next, {r['option']}: coverage "
            f"{fd('coordinator_coverage', r['diff'], r['diff_low'], r['diff_high'])}"
            f", cost a year {fd(COST, c['diff'], c['diff_low'], c['diff_high'])} against "
            f"{r['above']}."
        )
    return answer, close


def _options_section(table: pd.DataFrame, reps: int, against: str) -> Section:
    """The table of options: each with its metrics and paired differences against ``against``."""
    rows = []
    for _, r in table.iterrows():
        row = [str(r["option"]), str(r["change"])]
        row += [_with_interval(r, m) for m, _ in SHOWN]
        row += [
            fd(
                "coordinator_coverage",
                r["coordinator_coverage_diff"],
                r["coordinator_coverage_diff_low"],
                r["coordinator_coverage_diff_high"],
            ),
            fd(COST, r[f"{COST}_diff"], r[f"{COST}_diff_low"], r[f"{COST}_diff_high"]),
            str(r.get("dominated_by", "") or ""),
        ]
        rows.append(row)
    words = []
    for _, r in table.iterrows():
        if not r["against"]:
            continue
        coverage = fd(
            "coordinator_coverage",
            r["coordinator_coverage_diff"],
            r["coordinator_coverage_diff_low"],
            r["coordinator_coverage_diff_high"],
        )
        words.append(
            f"{r['option']} against {r['against']}: coverage {coverage}; "
            "cost a year "
            f"{fd(COST, r[f'{COST}_diff'], r[f'{COST}_diff_low'], r[f'{COST}_diff_high'])}."
        )
    return Section(
        "The options",
        [
            f"Mean [95 % interval] of {reps} replications; differences are paired, against "
            f"{against}."
        ],
        [
            "option",
            "what it changes",
            *(h for _, h in SHOWN),
            f"coverage vs {against}",
            f"cost vs {against}",
            "dominated by",
        ],
        rows,
        bullets=words,
    )


def _conditions(
    table: pd.DataFrame, close: pd.DataFrame, stress: pd.DataFrame | None, reps: int
) -> list[str]:
    """When the ranking changes: dominated options, orders within the noise, the stress
    battery's verdicts and what the ranking rests on."""
    cond = []
    dom = (
        table[table["dominated_by"].astype(str) != ""]
        if "dominated_by" in table
        else table.iloc[:0]
    )
    for _, r in dom.iterrows():
        cond.append(
            f"{r['option']} is dominated by {r['dominated_by']}: it is no worse on cost, coverage, "
            "funding "
            "lost, tier-1 interruptions and victims assisted, and better on one (paired 95 % "
            "intervals)."
        )
    for _, r in close.iterrows():
        if not r["distinguishable"]:
            cond.append(
                f"{r['option']} and {r['above']} change places within the noise of {reps} "
                "replications."
            )
    if stress is not None and len(stress):
        first, second = stress["first"].iloc[0], stress["second"].iloc[0]
        moved = stress[
            stress["verdict"].isin(["reverses", "not distinguishable", "distinguishable"])
        ]
        for _, r in moved.iterrows():
            cond.append(
                f'Under "{r["label"]}", {second} against {first} on {r["metric"]}: '
                f"{fd(r['metric'], r['diff'], r['diff_low'], r['diff_high'])}: the order "
                f"{r['verdict']}."
            )
        if moved.empty:
            cond.append(
                f"The order of {first} and {second} holds under every shock of the stress battery "
                f"({', '.join(dict.fromkeys(stress.loc[stress['shock'] != 'none', 'label']))})."
            )
    else:
        cond.append(
            "The stress battery was not run for this brief (`fundsim options FILE --stress` runs "
            "it on the "
            "two leading options)."
        )
    cond.append(
        "These rankings hold for the inputs as given; `fundsim explore` shows which futures break "
        "an option."
    )
    return cond


def _step(s: pd.Series) -> str:
    """A decomposition row's name: the option it steps to, or the total from first to last."""
    return s["to"] if s["change"] != "total" else f"total, {s['from']} to {s['to']}"


def brief_content(
    table: pd.DataFrame,
    bills: pd.DataFrame,
    ranking: pd.DataFrame,
    *,
    name: str,
    question: str,
    reps: int,
    seed: int,
    reference: str,
    pairing: str,
    commands: Sequence[str],
    assumptions: Sequence[tuple[str, str]] = (),
    decomposition: pd.DataFrame | None = None,
    stress: pd.DataFrame | None = None,
    figures: Sequence[tuple[str, bytes]] = (),
) -> Brief:
    """The brief of an option set (tables from :mod:`fundsim.analysis.options`)."""
    ladder = pairing == "previous"
    against = "the option before" if ladder else reference
    answer, close = _answer(
        table, ranking, reps=reps, seed=seed, ladder=ladder, decomposition=decomposition
    )
    sections = [Section("The question", [question]), _options_section(table, reps, against)]
    if decomposition is not None and len(decomposition):
        cov = decomposition[decomposition["metric"] == "coordinator_coverage"]
        lines = [
            f"{_step(s)}: {fd('coordinator_coverage', s['diff'], s['diff_low'], s['diff_high'])}"
            for _, s in cov.iterrows()
        ]
        sections.append(Section("One change at a time (coverage)", bullets=lines))
    if len(bills.columns):
        brows = [[str(e), *(fv("assessed_usd", v) for v in r)] for e, r in bills.iterrows()]
        sections.append(
            Section(
                "Each entity's bill under the leading options",
                ["Mean invoice a year to the coordinator window (USD), over the horizon."],
                ["entity", *map(str, bills.columns)],
                brows,
            )
        )
    cond = _conditions(table, close, stress, reps)
    sections.append(Section("When the ranking changes", bullets=cond))
    if assumptions:
        sections.append(
            Section("Assumptions that matter most", bullets=[f"{k}: {v}" for k, v in assumptions])
        )
    sections.append(Section("Reproduce every number", code=list(commands)))
    return Brief(f"Options brief: {name}", answer, sections, list(figures))


def write_html(brief: Brief, path: str | Path) -> Path:
    """The brief as one self-contained HTML page (figures embedded)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("fundsim.viz", "templates"), autoescape=select_autoescape(["j2"])
    )
    page = env.get_template("brief.html.j2").render(
        brief=brief, figures=[(cap, base64.b64encode(png).decode()) for cap, png in brief.figures]
    )
    return write_text(Path(path), page)


def write_docx(brief: Brief, path: str | Path) -> Path:
    """The brief as a Word document (python-docx), landscape A4, same content as the HTML."""
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_heading(brief.title, level=1)
    doc.add_paragraph(brief.answer).runs[0].bold = True
    for s in brief.sections:
        doc.add_heading(s.heading, level=2)
        for p in s.paragraphs:
            doc.add_paragraph(p)
        if s.header:
            tab = doc.add_table(rows=1, cols=len(s.header))
            tab.style = "Light Grid Accent 1"
            for j, h in enumerate(s.header):
                tab.rows[0].cells[j].text = h
            for row in s.rows:
                cells = tab.add_row().cells
                for j, v in enumerate(row):
                    cells[j].text = v
        for b in s.bullets:
            doc.add_paragraph(b, style="List Bullet")
        for c in s.code:
            para = doc.add_paragraph()
            run = para.add_run(c)
            run.font.name = "Courier New"
    for cap, png in brief.figures:
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        doc.add_paragraph(cap).runs[0].italic = True
    buf = io.BytesIO()
    doc.save(buf)
    return write_bytes(Path(path), buf.getvalue())
