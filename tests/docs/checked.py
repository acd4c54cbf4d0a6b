"""Checked blocks: documented commands whose output is compared with a committed expected output,
and the numbers prose quotes from that output.

A fenced block whose info string carries ``check=NAME`` (``sh check=compare-cut``, or
``python check=NAME``) is a *checked block*. Its commands run as written (their
replication counts are not cut down: the page must keep them small) in one shared
workspace, in page order, pages in :func:`tests.docs.collect.pages` order; the stdout of
all its commands, normalised (:func:`normalise`), must equal the committed expected output
``docs/out/<page>/<NAME>.out``, or, when the block is followed at once by a fenced
``text`` block, that block (the output shown on the page). ``tol=R`` in the info string
(e.g. ``tol=0.02``) compares
every number within a relative tolerance R instead of exactly: state it where Monte Carlo
noise enters a printed figure that a fixed seed does not pin (with a seed, most are exact).

Prose ties a number to a checked block with a pair of HTML comments, invisible on the page::

    coverage fell <!--compare-cut@coordinator_coverage#3-->-2.2<!--/--> points

``NAME@KEY#K``: the K-th number (1-based) after KEY on the first line of block NAME's output that
contains KEY. A page may quote another page's block by prefixing the page's path,
``<!--docs/pooling.md:ladder@coverage#1-->``: README.md quotes the background pages' runs
so that each run is made once (the quote is checked against that block's committed output,
and that block against a fresh run, on its own page). The suite fails when the quoted text
differs from that number; ``make docs`` (:mod:`tests.docs.refresh`) runs every checked
block, rewrites the ``.out`` files and the quoted numbers and the output blocks shown on the
pages, so a model change shows as a diff.

A command already run (same text) is not run again: its output is reused, and what it
wrote stays in the workspace, so several blocks and pages can read one run (the cache).
That is how ``make docs`` runs them (:class:`Workspace`); the tests run each page once, its
checked blocks as written and its other blocks between them, in a workspace of its own
(:mod:`tests.docs.page_runs`), and compare the same outputs.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.docs import preloaded
from tests.docs.collect import ROOT, SHELL_TAGS, commands, pages

OUT_DIR = ROOT / "docs" / "out"
_INFO = re.compile(r"\bcheck=([\w.-]+)")
_TOL = re.compile(r"\btol=([0-9.eE+-]+)")
#: A number as printed: sign (ASCII or Unicode minus), digits with thousands commas, decimals.
NUMBER = re.compile(r"(?<![\w.])[−+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
#: A quoted number in prose: <!--NAME@KEY#K-->text<!--/--> (or <!--PAGE:NAME@KEY#K-->, another
#: page's block: PAGE the page's path from the repository root, e.g. docs/pooling.md)
QUOTE = re.compile(r"<!--(?:([\w./-]+\.md):)?([\w.-]+)@(.+?)#(\d+)-->(.*?)<!--/-->", re.S)
#: Output that varies from one run to the next whatever the seed: masked before comparing.
_VOLATILE = (
    (re.compile(r"\b\d+(?:\.\d+)? ?(?:s|seconds|min)\b(?! *[a-z])"), "<time>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d[:\d.]*(?:[+-]\d\d:?\d\d|Z)?"), "<timestamp>"),
    (re.compile(r"-\d{8}-\d{6}\b"), "-<stamp>"),
)


@dataclass(frozen=True)
class Checked:
    """One checked block: where it is, its name, its commands (or snippet) and tolerance."""

    page: str
    line: int
    name: str
    tag: str
    body: str
    tol: float = 0.0
    #: The output is shown on the page, in the ``text`` block right after this one.
    inline: bool = False

    @property
    def expected_path(self) -> Path:
        """The committed expected output, ``docs/out/<page>/<name>.out`` (``<page>``: its path
        under docs/ without ``.md``, e.g. ``howto/cost-a-cut``; ``README`` for README.md)."""
        page = Path(self.page).with_suffix("")
        return (
            OUT_DIR
            / (Path(*page.parts[1:]) if page.parts[0] == "docs" else page)
            / f"{self.name}.out"
        )

    def texts(self) -> list[str]:
        """What to run, in order: each command of a shell block, or the whole snippet."""
        if self.tag in SHELL_TAGS:
            return [cmd for _, cmd in commands(self.body)]
        return [self.body]


@dataclass(frozen=True)
class Quote:
    """A number quoted in prose from a checked block's output."""

    page: str
    line: int
    block: str
    key: str
    index: int
    text: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)
    #: The page whose block it quotes (default: its own page).
    source: str = ""

    @property
    def source_page(self) -> str:
        """The page of the quoted block."""
        return self.source or self.page


def page_name(page: Path) -> str:
    """The page's path relative to the repository root (``docs/analysis.md``; a page
    elsewhere, e.g. in a test's folder, by its file name)."""
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name


_FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.S | re.M)


def checked_blocks(page: Path) -> list[Checked]:
    """The checked blocks of one page, in page order."""
    text = page.read_text(encoding="utf-8")
    out = []
    found = list(_FENCE.finditer(text))
    for k, m in enumerate(found):
        info = m.group(1).strip()
        tag = info.split()[0] if info.split() else ""
        if (name := _INFO.search(info)) is None:
            continue
        tol = _TOL.search(info)
        inline = k + 1 < len(found) and _shown_output(text, m, found[k + 1])
        out.append(
            Checked(
                page_name(page),
                text.count("\n", 0, m.start()) + 1,
                name.group(1),
                tag,
                m.group(2),
                float(tol.group(1)) if tol else 0.0,
                inline,
            )
        )
    return out


def _shown_output(text: str, block: re.Match[str], after: re.Match[str]) -> bool:
    """Whether ``after`` is a ``text`` block right after ``block`` (blank lines between)."""
    return after.group(1).strip() == "text" and not text[block.end() : after.start()].strip()


def inline_outputs(page: Path) -> dict[str, tuple[int, int]]:
    """Where each inline-shown output of the page's checked blocks lies (name: body span)."""
    text = page.read_text(encoding="utf-8")
    found = list(_FENCE.finditer(text))
    spans = {}
    for k, m in enumerate(found[:-1]):
        name = _INFO.search(m.group(1))
        if name is not None and _shown_output(text, m, found[k + 1]):
            spans[name.group(1)] = found[k + 1].span(2)
    return spans


def quotes(page: Path) -> list[Quote]:
    """The numbers the page's prose quotes from checked blocks, with their positions."""
    text = page.read_text(encoding="utf-8")
    return [_quote(page, text, m) for m in QUOTE.finditer(text)]


def _quote(page: Path, text: str, m: re.Match[str]) -> Quote:
    return Quote(
        page_name(page),
        text.count("\n", 0, m.start()) + 1,
        m.group(2),
        m.group(3),
        int(m.group(4)),
        m.group(5),
        span=m.span(5),
        source=m.group(1) or "",
    )


def all_checked() -> list[Checked]:
    """Every checked block of README.md and docs/*.md, pages in order."""
    return [c for p in pages() for c in checked_blocks(p)]


def normalise(text: str, workspace: Path) -> str:
    """Output with the workspace path, run times and time stamps masked, trailing blanks dropped."""
    text = text.replace(str(workspace) + os.sep, "").replace(str(workspace), ".")
    for pattern, mask in _VOLATILE:
        text = pattern.sub(mask, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n"


def number(text: str) -> float:
    """A printed number as a float (Unicode minus, thousands commas)."""
    return float(text.replace("−", "-").replace(",", ""))


def quoted_value(output: str, key: str, index: int) -> str | None:
    """The ``index``-th number (1-based) after ``key`` on the first line of ``output``
    containing it."""
    for line in output.splitlines():
        if key in line:
            found = NUMBER.findall(line.split(key, 1)[1])
            return found[index - 1] if 0 < index <= len(found) else None
    return None


def same_output(expected: str, actual: str, tol: float) -> bool:
    """Equal, or with ``tol`` > 0 equal but for numbers within a relative tolerance ``tol``."""
    if expected == actual or tol <= 0:
        return expected == actual
    if NUMBER.sub("#", expected) != NUMBER.sub("#", actual):
        return False
    for e, a in zip(NUMBER.findall(expected), NUMBER.findall(actual), strict=True):
        x, y = number(e), number(a)
        if abs(x - y) > tol * max(abs(x), abs(y)) and x != y:
            return False
    return True


class Workspace:
    """A temporary copy of the shipped scenarios in which checked blocks run, with the cache
    of commands already run there."""

    def __init__(self, path: Path) -> None:
        self.path = path
        shutil.copytree(ROOT / "scenarios", path / "scenarios", dirs_exist_ok=True)
        self.cache: dict[str, str] = {}

    def run(self, block: Checked) -> str:
        """The block's normalised output (each command run once per workspace)."""
        parts = []
        for text in block.texts():
            if text not in self.cache:
                self.cache[text] = self._run_one(block, text)
            parts.append(self.cache[text])
        return normalise("".join(parts), self.path)

    def _run_one(self, block: Checked, text: str) -> str:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "COLUMNS": "200"}
        done = preloaded.run(command_argv(block, text), cwd=self.path, env=env, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(
                f"{block.page}:{block.line} [{block.name}]: {text.strip()}\nexit "
                f"{done.returncode}\n"
                f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout


def command_argv(block: Checked, text: str) -> list[str]:
    """What runs for one command (or the snippet) of a checked block."""
    return _argv(text) if block.tag in SHELL_TAGS else [sys.executable, "-c", text]


def _argv(cmd: str) -> list[str]:
    """A documented command as run: ``fundsim`` as this interpreter's ``-m fundsim.cli``,
    ``python`` as this interpreter, ``--workers`` one worker (results do not depend on it),
    progress bars off; replication counts exactly as written."""
    import shlex

    words = shlex.split(cmd, comments=True)
    program, rest = words[0], words[1:]
    if program.endswith("fundsim"):
        head = [sys.executable, "-m", "fundsim.cli"]
    elif program.endswith("python"):
        head = [sys.executable]
    else:
        head = [program]
    out: list[str] = []
    it = iter(rest)
    for word in it:
        if word == "--workers":
            next(it)
            out += [word, "1"]
        else:
            out.append(word)
    if (
        head[-1] == "fundsim.cli"
        and out
        and out[0] in ("run", "batch", "stress", "solve", "sensitivity", "explore")
    ):
        if "--no-progress" not in out:
            out.append("--no-progress")
        if "--workers" not in out:
            out += ["--workers", "1"]
    return [*head, *out]


def expected(block: Checked) -> str | None:
    """The committed expected output of a block (shown on the page or in its ``.out`` file),
    or None if there is none yet."""
    if block.inline:
        page = ROOT / block.page
        start, end = inline_outputs(page)[block.name]
        return page.read_text(encoding="utf-8")[start:end]
    path = block.expected_path
    return path.read_text(encoding="utf-8") if path.exists() else None


def write_expected(block: Checked, output: str) -> None:
    """Make ``output`` the block's expected output (on the page or in its ``.out`` file)."""
    if block.inline:
        page = ROOT / block.page
        text = page.read_text(encoding="utf-8")
        start, end = inline_outputs(page)[block.name]
        page.write_text(text[:start] + output + text[end:], encoding="utf-8")
        return
    block.expected_path.parent.mkdir(parents=True, exist_ok=True)
    block.expected_path.write_text(output, encoding="utf-8")


def quote_problem(q: Quote, outputs: dict[tuple[str, str], str]) -> str | None:
    """Why a quoted number does not match its block's output (None: it matches)."""
    output = outputs.get((q.source_page, q.block))
    if output is None:
        return (
            f"{q.page}:{q.line}: quotes block '{q.block}', which {q.source_page} has no "
            "checked block of"
        )
    value = quoted_value(output, q.key, q.index)
    if value is None:
        return (
            f"{q.page}:{q.line}: no number #{q.index} on a line with '{q.key}' in block "
            f"'{q.block}'s output"
        )
    if value != q.text:
        return (
            f"{q.page}:{q.line}: quotes {q.text!r}, block '{q.block}' prints {value!r} (run `make "
            "docs`)"
        )
    return None


def rewrite_quotes(
    page: Path, outputs: dict[tuple[str, str], str], problems: list[str] | None = None
) -> list[str]:
    """Rewrite the page's quoted numbers from ``outputs``; what changed, one line each. A
    quote whose number the output no longer prints is left as it is and said in ``problems``
    (the prose around it needs a person)."""
    text = page.read_text(encoding="utf-8")
    changes: list[str] = []

    def sub(m: re.Match[str]) -> str:
        q = _quote(page, text, m)
        output = outputs.get((q.source_page, q.block))
        value = quoted_value(output, q.key, q.index) if output is not None else None
        if value is None:
            if problems is not None:
                problems.append(quote_problem(q, outputs) or f"{q.page}:{q.line}: cannot resolve")
            return m.group(0)
        if value != q.text:
            changes.append(f"{q.page}:{q.line}: {q.text} -> {value}")
        return m.group(0)[: m.start(5) - m.start(0)] + value + "<!--/-->"

    new = QUOTE.sub(sub, text)
    if new != text:
        page.write_text(new, encoding="utf-8")
    return changes
