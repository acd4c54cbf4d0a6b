"""Checked blocks print what the docs say, and the numbers prose quotes are in their output.

Every checked block of README.md and docs/ (``check=NAME`` on its fence, see
:mod:`tests.docs.checked`) runs once, with its page (:mod:`tests.docs.page_runs`: the run
``test_docs_run`` checks the exit codes of), and its normalised output
must equal the committed ``docs/out/<page>/<NAME>.out``, or the ``text`` block shown right
after it on the page (within the block's stated
``tol=`` where it states one). Every number prose quotes with ``<!--NAME@KEY#K-->`` must be
the number the committed output prints there. After a model change: ``make docs``, read the
diff, commit it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.checked import (
    all_checked,
    expected,
    quote_problem,
    quoted_value,
    quotes,
    same_output,
)
from tests.docs.collect import ROOT, pages
from tests.docs.page_runs import SLOW, page_run

BLOCKS = all_checked()

#: The pages with checked blocks, each tested as one (its blocks in order, in its page's run).
CHECKED_PAGES = sorted({b.page for b in BLOCKS}, key=[b.page for b in BLOCKS].index)


@pytest.mark.parametrize(
    "page",
    [pytest.param(p, marks=[pytest.mark.slow] if p in SLOW else []) for p in CHECKED_PAGES],
)
def test_checked_blocks_print_their_expected_output(
    page: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    run = page_run(ROOT / page, tmp_path_factory.mktemp)
    problems = []
    for block in (b for b in BLOCKS if b.page == page):
        want = expected(block)
        if want is None:
            problems.append(
                f"{block.page}:{block.line}: no {block.expected_path.name} yet: run `make docs`"
            )
            continue
        got = run.outputs.get(block.name)
        if got is None:
            problems.append(f"{block.page}:{block.line} [{block.name}] did not run:\n{run.failure}")
            continue
        if not same_output(want, got, block.tol):
            problems.append(
                f"{block.page}:{block.line} [{block.name}] prints something else than "
                f"{block.expected_path.name} (run `make docs` and read the diff):\n--- "
                f"expected\n{want}\n--- got\n{got}"
            )
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_quoted_number_is_in_its_blocks_output(page: Path) -> None:
    outputs = {(b.page, b.name): expected(b) or "" for b in BLOCKS}
    problems = [p for q in quotes(page) if (p := quote_problem(q, outputs))]
    assert not problems, "\n".join(problems)


def test_the_docs_have_checked_blocks_and_quotes() -> None:
    assert len(BLOCKS) >= 5
    assert len({(b.page, b.name) for b in BLOCKS}) == len(BLOCKS), (
        "two checked blocks share a name on one page"
    )
    assert sum(len(quotes(p)) for p in pages()) >= 10


def test_a_page_quotes_another_pages_block(tmp_path: Path) -> None:
    from tests.docs.checked import rewrite_quotes

    page = tmp_path / "README.md"
    page.write_text(
        "Coverage <!--docs/pooling.md:ladder@coverage#1-->96.1<!--/--> %.\n", encoding="utf-8"
    )
    (q,) = quotes(page)
    assert (q.source_page, q.block, q.text) == ("docs/pooling.md", "ladder", "96.1")
    outputs = {("docs/pooling.md", "ladder"): "coverage 95.8 %\n"}
    assert "95.8" in (quote_problem(q, outputs) or "")
    assert "docs/pooling.md has no checked block" in (quote_problem(q, {}) or "")
    assert rewrite_quotes(page, outputs) == ["README.md:1: 96.1 -> 95.8"]
    assert "ladder@coverage#1-->95.8<!--/-->" in page.read_text(encoding="utf-8")


def test_a_quote_reads_the_kth_number_after_its_key() -> None:
    out = "metric  A  B\ncoordinator_coverage  96.1 %  93.9 %  −2.2 pp  [−2.4, −2.0]\n"
    assert quoted_value(out, "coordinator_coverage", 3) == "−2.2"
    assert quoted_value(out, "coordinator_coverage", 5) == "−2.0"
    assert quoted_value(out, "coordinator_coverage", 6) is None
    assert quoted_value(out, "p_gap", 1) is None


def test_a_tolerance_admits_noise_in_numbers_only() -> None:
    assert same_output("a 1.00 b\n", "a 1.00 b\n", 0.0)
    assert not same_output("a 1.00 b\n", "a 1.01 b\n", 0.0)
    assert same_output("a 1.00 b\n", "a 1.01 b\n", 0.02)
    assert not same_output("a 1.00 b\n", "a 1.05 b\n", 0.02)
    assert not same_output("a 1.00 b\n", "c 1.00 b\n", 0.02)


def test_a_changed_output_fails_until_refreshed(tmp_path: Path) -> None:
    """What `make docs` guards against: a prose number the output no longer prints fails."""
    from tests.docs.checked import Quote

    q = Quote("docs/x.md", 3, "blk", "coverage", 1, "96.1")
    assert quote_problem(q, {("docs/x.md", "blk"): "coverage 96.1 %\n"}) is None
    problem = quote_problem(q, {("docs/x.md", "blk"): "coverage 95.8 %\n"})
    assert problem is not None and "make docs" in problem and "95.8" in problem


def test_make_docs_rewrites_a_stale_quote_and_only_the_number(tmp_path: Path) -> None:
    from tests.docs.checked import rewrite_quotes

    page = tmp_path / "page.md"
    page.write_text(
        "Coverage was <!--blk@coverage#1-->96.1<!--/--> % (seed 1).\n", encoding="utf-8"
    )
    changes = rewrite_quotes(page, {("page.md", "blk"): "coverage 95.8 %  [95.7%, 95.9%]\n"})
    assert (
        page.read_text(encoding="utf-8")
        == "Coverage was <!--blk@coverage#1-->95.8<!--/--> % (seed 1).\n"
    )
    assert changes == ["page.md:1: 96.1 -> 95.8"]
    assert rewrite_quotes(page, {("page.md", "blk"): "coverage 95.8 %\n"}) == []
