"""The what-if page in Panel: levers on the left, answers on the right, the state in the URL.

:func:`what_if_page` builds the page for one loaded scenario (served by
:func:`fundsim.app.serve`, or shown inline in a notebook). A change of a lever validates
the what-if as a file (:func:`fundsim.app.whatif.load_whatif`; an error is shown in one
line beside its field), shows at once each entity's bill before payment behaviour (the
deterministic budget plan), then streams the simulation from a background thread: a few
replications first, then more, each answer paired with the baseline; a newer change
cancels the running one. Every update of the page from the thread goes through the
session's next tick (Bokeh's document lock).
"""

from __future__ import annotations

import io
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import panel as pn

from fundsim.app.engine import (
    HEADLINE,
    Bills,
    Busy,
    Cancelled,
    Simulator,
    Stage,
    Ticket,
    bills_before_payment,
    coverage_by_tier,
)
from fundsim.app.levers import Lever, LeverError, LeverSet, lever_overrides, levers_for
from fundsim.app.whatif import load_whatif, resolve_host, whatif_toml
from fundsim.app.words import headline, who_pays
from fundsim.errors import BadInput
from fundsim.results.registry import describe
from fundsim.scenario import Scenario, load_scenario
from fundsim.scenario.schema import MAX_REPLICATIONS, MAX_SEED

#: Replications chosen by default on the page (the scenario's own count when smaller).
DEFAULT_REPS = 100

CSS = """
.fs-error { color: #b00020; font-size: 12px; margin-top: -6px; }
.fs-table { overflow-x: auto; max-width: 100%; }
.fs-table table { border-collapse: collapse; font-size: 12px; }
.fs-table td, .fs-table th { padding: 2px 6px; text-align: right; border-bottom: 1px solid #ddd; }
.fs-table td:first-child, .fs-table th:first-child { text-align: left; }
"""


def _widget(lever: Lever) -> pn.widgets.Widget:
    label = f"{lever.label}" + (f" ({lever.range_text})" if lever.range_text else "")
    common: dict[str, Any] = {
        "label": label,
        "sizing_mode": "stretch_width",
        "description": lever.help or None,
    }
    if lever.kind == "choice":
        return pn.widgets.Select(options=list(lever.options), value=lever.default, **common)
    if lever.kind == "integer":
        return pn.widgets.IntInput(
            value=int(lever.default),
            start=int(lever.low or 0),
            end=int(lever.high or 0),
            step=int(lever.step or 1),
            **common,
        )
    if lever.kind == "number":
        return pn.widgets.FloatInput(
            value=float(lever.default), start=lever.low, end=lever.high, step=lever.step, **common
        )
    return pn.widgets.TextAreaInput(
        value="", placeholder="posts.contract_months = 24", height=80, max_length=4000, **common
    )


def _table(
    frame: pd.DataFrame, usd: tuple[str, ...] = (), pct: tuple[str, ...] = (), name: str = ""
) -> str:
    def money(v: Any) -> str:
        return f"{v:,.0f}"

    def points(v: Any) -> str:
        return "-" if pd.isna(v) else f"{v:+.1f}"

    fmt: dict[str, Callable[[Any], str]] = {c: money for c in usd}
    fmt.update({c: points for c in pct})
    return (
        f'<div class="fs-table {name}">{frame.to_html(index=False, formatters=fmt, border=0)}</div>'
    )


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _bills_chart(bills: Bills) -> bytes:
    from matplotlib.figure import Figure

    t = bills.by_entity().head(12).iloc[::-1]
    fig = Figure(figsize=(6.0, 3.6))
    ax = fig.subplots()
    ax.barh(
        t["entity"],
        t["change_usd"] / 1e3,
        color=["#b2182b" if v > 0 else "#2166ac" for v in t["change_usd"]],
    )
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_xlabel("change of the bill over the first budget period (USD thousand)")
    ax.set_title("Who pays more (red) and who less (blue)", fontsize=10)
    ax.tick_params(labelsize=8)
    return _png(fig)


class WhatIfPage:
    """One session's page: widgets, answers, and the run it has under way."""

    def __init__(
        self,
        scenario_file: Path,
        simulator: Simulator,
        reps: int | None = None,
        seed: int | None = None,
        sync_url: bool = True,
    ) -> None:
        self.file = scenario_file
        self.base = load_scenario(scenario_file)
        self.sim = simulator
        self.levers: LeverSet = levers_for(self.base, scenario_file)
        self.name = f"{self.base.name}-what-if"
        self.widgets = {name: _widget(lv) for name, lv in self.levers.levers.items()}
        self.errors = {
            name: pn.pane.HTML(
                "", css_classes=["fs-error"], sizing_mode="stretch_width", visible=False
            )
            for name in [*self.widgets, "reps", "seed"]
        }
        default_reps = (
            min(DEFAULT_REPS, self.base.simulation.replications) if reps is None else reps
        )
        self.reps = pn.widgets.IntInput(
            label=f"replications (1 to {MAX_REPLICATIONS:,})",
            value=default_reps,
            start=1,
            end=MAX_REPLICATIONS,
            sizing_mode="stretch_width",
        )
        self.seed = pn.widgets.IntInput(
            label="seed",
            value=self.base.simulation.seed if seed is None else seed,
            start=0,
            end=min(MAX_SEED, 2**53 - 1),
            sizing_mode="stretch_width",
        )
        self.status = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["fs-status"])
        self.progress = pn.indicators.Progress(
            value=0, max=100, sizing_mode="stretch_width", height=12
        )
        self.words = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["fs-headline"])
        self.pays = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["fs-pays"])
        self.bills = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["fs-bills"])
        self.chart = pn.pane.PNG(None, sizing_mode="stretch_width", max_width=640)
        self.tiers = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["fs-tiers"])
        self.fan = pn.pane.PNG(None, sizing_mode="stretch_width", max_width=640)
        self.paid = pn.pane.HTML("", sizing_mode="stretch_width", css_classes=["fs-paid"])
        self.whatif: Scenario | None = self.base
        self.changed: dict[str, Any] = {}
        self.last: Stage | None = None
        self.ticket: Ticket | None = None
        self.doc = pn.state.curdoc
        self._lock = threading.Lock()
        for w in [*self.widgets.values(), self.reps, self.seed]:
            w.param.watch(lambda event: self.update(), "value")
        if sync_url and pn.state.location is not None:
            for name, w in self.widgets.items():
                pn.state.location.sync(w, {"value": name})
            pn.state.location.sync(self.reps, {"value": "reps"})
            pn.state.location.sync(self.seed, {"value": "seed"})

    # ------------------------------------------------------------------ layout

    def _downloads(self) -> list[Any]:
        """The buttons that download the scenario file and the report (HTML, XLSX)."""
        return [
            pn.widgets.FileDownload(
                callback=self._scenario_file,
                filename=f"{self.name}.toml",
                label="Download scenario (TOML)",
                button_type="primary",
                sizing_mode="stretch_width",
            ),
            pn.widgets.FileDownload(
                callback=partial(self._report, "html"),
                filename=f"{self.name}-report.html",
                label="Download report (HTML)",
                sizing_mode="stretch_width",
            ),
            pn.widgets.FileDownload(
                callback=partial(self._report, "xlsx"),
                filename=f"{self.name}-report.xlsx",
                label="Download report (XLSX)",
                sizing_mode="stretch_width",
            ),
        ]

    def layout(self) -> pn.viewable.Viewable:
        groups: dict[str, list[Any]] = {}
        for name, lv in self.levers.levers.items():
            groups.setdefault(lv.group, []).extend([self.widgets[name], self.errors[name]])
        titles = {
            "sharing": "Cost sharing",
            "fund": "The fund",
            "cut": "A cut",
            "exit": "An exit",
            "payments": "Payments",
            "victims": "Victims' window",
            "advanced": "Advanced",
        }
        controls = pn.Column(
            pn.pane.HTML(
                f"<b>{self.base.name}</b>: levers (the scenario as loaded is the baseline)"
            ),
            *[
                pn.Card(
                    *items,
                    title=titles.get(g, g),
                    collapsed=g in ("advanced", "exit", "victims", "payments"),
                    sizing_mode="stretch_width",
                )
                for g, items in groups.items()
            ],
            pn.Card(
                self.reps,
                self.errors["reps"],
                self.seed,
                self.errors["seed"],
                title="Run",
                sizing_mode="stretch_width",
            ),
            *self._downloads(),
            sizing_mode="stretch_width",
            max_width=380,
            min_width=300,
            styles={"flex": "1 1 300px"},
        )
        answers = pn.Column(
            pn.pane.HTML("<h2 style='margin:4px 0'>What if?</h2>"),
            self.progress,
            self.status,
            self.words,
            self.pays,
            pn.pane.HTML(
                "<h3>Each entity's bill by year (invoices before payment behaviour, USD)</h3>"
            ),
            self.chart,
            self.bills,
            pn.pane.HTML("<h3>Coverage of the posts by risk tier</h3>"),
            self.tiers,
            pn.pane.HTML("<h3>The fund's cash (what-if) and the reserve target</h3>"),
            self.fan,
            pn.pane.HTML(
                "<h3>Paid by each entity, simulated (USD, mean over replications, all years)</h3>"
            ),
            self.paid,
            sizing_mode="stretch_width",
            min_width=300,
            styles={"flex": "3 1 340px"},
        )
        page = pn.FlexBox(controls, answers, flex_wrap="wrap", sizing_mode="stretch_width")
        pn.state.onload(self.update)
        return page

    # ------------------------------------------------------------------ a change

    def _show_error(self, name: str | None, message: str) -> None:
        for pane in self.errors.values():
            pane.object, pane.visible = "", False
        if name is None:
            return
        pane = self.errors.get(name) or self.errors["advanced"]
        pane.object, pane.visible = f"&#9888; {message}", True

    def _values(self) -> dict[str, Any]:
        return {name: w.value for name, w in self.widgets.items()}

    def update(self) -> None:
        """Validate the levers, show the bills at once, start the simulation."""
        if self.ticket is not None:
            self.ticket.cancel()
        t0 = time.perf_counter()
        try:
            if not 1 <= int(self.reps.value or 0) <= MAX_REPLICATIONS:
                raise LeverError("reps", f"from 1 to {MAX_REPLICATIONS:,}")
            changed = resolve_host(
                lever_overrides(self.levers, self._values(), self.base), self.levers.hosts
            )
            whatif = load_whatif(
                self.file, self.name, changed, int(self.reps.value or 0), int(self.seed.value or 0)
            )
        except BadInput as exc:
            lever = getattr(exc, "lever", None)
            key = getattr(exc, "key_path", None) or getattr(exc, "key", None)
            if lever is None and key:
                lever = self.levers.lever_of_key(str(key)) or "advanced"
            message = getattr(exc, "message", None) or str(exc)
            self._show_error(
                lever or "advanced", f"{key + ': ' if key and lever == 'advanced' else ''}{message}"
            )
            self.status.object = (
                "<i>Fix the field marked in red: the page shows the last valid answer.</i>"
            )
            return
        self._show_error(None, "")
        self.changed, self.whatif = changed, whatif
        bills = bills_before_payment(self.base, whatif)
        self._show_bills(bills)
        took = time.perf_counter() - t0
        self.status.object = f"bills updated in {took:.2f} s; simulating..."
        self.progress.value = 0
        ticket = self.sim.ticket()
        self.ticket = ticket
        threading.Thread(
            target=self._simulate,
            args=(ticket, whatif, int(self.reps.value or 0), int(self.seed.value or 0)),
            daemon=True,
            name="fundsim-app-run",
        ).start()

    def _show_bills(self, bills: Bills) -> None:
        self.pays.object = f"<p class='fs-pays-line'>{who_pays(bills)}</p>"
        wide = bills.table.pivot_table(
            index="entity", columns="year", values="whatif_usd", sort=False
        )
        wide.columns = [f"{c} what-if" for c in wide.columns]
        by = bills.by_entity().set_index("entity")
        wide["change over the period"] = by["change_usd"]
        wide["change %"] = by["change_percent"]
        wide = wide.loc[by.index].reset_index()
        usd = tuple(c for c in wide.columns if c.endswith("what-if") or c.startswith("change over"))
        self.bills.object = _table(wide, usd=usd, pct=("change %",), name="fs-bills-table")
        moved = bool((bills.table["change_usd"].abs() > 0.5).any())
        self.chart.object = _bills_chart(bills) if moved else None
        self.chart.visible = moved

    # -------------------------------------------------------------- the stream (background thread)

    def _later(self, fn: Callable[..., None], *args: Any) -> None:
        doc = self.doc
        if doc is not None and getattr(doc, "session_context", None) is not None:
            doc.add_next_tick_callback(partial(fn, *args))
        else:
            fn(*args)

    def _simulate(self, ticket: Ticket, whatif: Scenario, reps: int, seed: int) -> None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self._later(self._set_progress, ticket, done, total)

        def stage(s: Stage) -> None:
            self._later(self._show_stage, ticket, s, time.perf_counter() - started)

        try:
            self.sim.stream(self.base, whatif, reps, seed, ticket, stage, progress)
        except Cancelled as exc:
            if "newer" not in str(exc):
                self._later(self._set_status, ticket, f"<b>{exc}</b>", True)
        except Busy as exc:
            self._later(self._set_status, ticket, f"<b>{exc}</b>", True)

    def _set_progress(self, ticket: Ticket, done: int, total: int) -> None:
        if ticket is self.ticket:
            self.progress.value = int(100 * done / max(total, 1))

    def _set_status(self, ticket: Ticket, text: str, force: bool = False) -> None:
        if ticket is self.ticket or force:
            self.status.object = text

    def _show_stage(self, ticket: Ticket, s: Stage, elapsed: float) -> None:
        if ticket is not self.ticket:
            return
        items = ""
        for m in HEADLINE:
            line = headline(m, s.whatif, s.comparison)
            if line:
                mean = float(
                    np.nanmean(
                        s.whatif.replications[describe(m).source_column].to_numpy(dtype=float)
                    )
                )
                items += f"<li data-metric='{m}' data-mean='{mean!r}'>{line}</li>"
        self.words.object = f"<ul class='fs-lines'>{items}</ul>"
        state = "final" if s.final else "first answer, refining"
        self.status.object = (
            f"<span class='fs-reps' data-reps='{s.reps}' data-final='{int(s.final)}'>"
            f"{s.reps} of {s.target} replications ({state}), {elapsed:.1f} s; 95 % intervals; "
            f"paired with the baseline at seed {s.whatif.seed}</span>"
        )
        if s.final:
            self.progress.value = 100
        tiers = pd.DataFrame(
            {"baseline": coverage_by_tier(s.baseline), "what-if": coverage_by_tier(s.whatif)}
        )
        tiers["change (points)"] = 100 * (tiers["what-if"] - tiers["baseline"])
        tiers[["baseline", "what-if"]] = 100 * tiers[["baseline", "what-if"]]
        tiers = tiers.reset_index().rename(
            columns={"risk_tier": "risk tier", "baseline": "baseline %", "what-if": "what-if %"}
        )
        self.tiers.object = _table(tiers.round(1), name="fs-tiers-table")
        paid = s.whatif.shares.groupby("entity", sort=False)[["assessed_usd", "paid_usd"]].sum()
        base = s.baseline.shares.groupby("entity", sort=False)["paid_usd"].sum()
        paid["paid change"] = paid["paid_usd"] - base.reindex(paid.index).fillna(0)
        paid = paid.reset_index().rename(columns={"assessed_usd": "invoiced", "paid_usd": "paid"})
        self.paid.object = _table(
            paid, usd=("invoiced", "paid", "paid change"), name="fs-paid-table"
        )
        from fundsim.analysis.reserve import reserve_target_by_year
        from fundsim.viz.figures import fan_chart

        self.fan.object = _png(
            fan_chart(
                s.whatif.monthly,
                reserve_target=reserve_target_by_year(s.whatif.scenario)
                if s.whatif.scenario is not None
                else None,
            )
        )
        self.last = s  # last: the downloads (and a test waiting for it) find every pane updated

    # ------------------------------------------------------------------ downloads

    def _scenario_file(self) -> io.BytesIO:
        reps, seed = int(self.reps.value or 0), int(self.seed.value or 0)
        return io.BytesIO(
            whatif_toml(self.file, self.name, self.changed, reps, seed).encode("utf-8")
        )

    def _report(self, kind: str) -> io.BytesIO:
        from fundsim.viz.report import write_report

        if self.last is None or not self.last.final:
            return io.BytesIO(
                b"The run is not finished: download the report when the progress bar is full.\n"
            )
        with tempfile.TemporaryDirectory(prefix="fundsim-app-report-") as tmp:
            html, xlsx, _ = write_report(self.last.whatif, tmp, scenario=self.whatif)
            return io.BytesIO((html if kind == "html" else xlsx).read_bytes())

    def close(self) -> None:
        if self.ticket is not None:
            self.ticket.cancel("the page was closed")


def what_if_page(
    scenario_file: str | Path,
    simulator: Simulator | None = None,
    *,
    reps: int | None = None,
    seed: int | None = None,
    sync_url: bool = True,
) -> pn.viewable.Viewable:
    """The what-if page of ``scenario_file`` (served, or inline in a notebook cell)."""
    pn.extension(raw_css=[CSS], inline=True)
    page = WhatIfPage(Path(scenario_file), simulator or Simulator(), reps, seed, sync_url)
    if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
        pn.state.on_session_destroyed(lambda ctx: page.close())
    return page.layout()
