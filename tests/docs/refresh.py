"""``make docs``: run every checked block, rewrite the expected outputs (``docs/out/``, or
the output block shown after the command), the numbers the pages quote from them, and the
generated key reference (``docs/scenarios.md``).

Run from the repository root: ``python -m tests.docs.refresh`` (``make docs``), or
``python -m tests.docs.refresh docs/model.md`` to rerun one page's blocks. It prints what changed;
commit the diff (a model change then shows as changed outputs and numbers a reviewer reads).
Outputs no checked block writes any more are removed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.docs.checked import (
    OUT_DIR,
    Workspace,
    all_checked,
    expected,
    page_name,
    rewrite_quotes,
    write_expected,
)
from tests.docs.collect import ROOT, pages


def refresh(problems: list[str] | None = None, only: list[str] | None = None) -> list[str]:
    """Rewrite every expected output and quoted number; what changed, one line each. Quotes
    no output resolves any more are left alone and listed in ``problems``. ``only`` (page
    paths such as ``docs/model.md``) reruns those pages' blocks alone, the others' committed
    outputs standing in for them (a quicker refresh while writing a page; commit after a full
    ``make docs``)."""
    from fundsim.scenario.reference import reference

    changes: list[str] = []
    outputs: dict[tuple[str, str], str] = {
        (b.page, b.name): expected(b) or "" for b in all_checked() if only and b.page not in only
    }
    with tempfile.TemporaryDirectory(prefix="fundsim-docs-") as tmp:
        ws = Workspace(Path(tmp))
        for block in all_checked():
            if only and block.page not in only:
                continue
            print(f"running {block.page} [{block.name}]", file=sys.stderr, flush=True)
            out = ws.run(block)
            outputs[(block.page, block.name)] = out
            if expected(block) != out:
                write_expected(block, out)
                where = block.page if block.inline else block.expected_path.relative_to(ROOT)
                changes.append(f"{where} [{block.name}]: output rewritten")
    written = {b.expected_path for b in all_checked() if not b.inline}
    for stale in sorted(OUT_DIR.rglob("*.out")) if OUT_DIR.exists() and not only else []:
        if stale not in written:
            stale.unlink()
            changes.append(f"{stale.relative_to(ROOT)}: removed (no checked block writes it)")
    for page in pages():
        changes += rewrite_quotes(page, outputs, problems)
    ref = ROOT / "docs" / "scenarios.md"
    if ref.read_text(encoding="utf-8") != reference():
        ref.write_text(reference(), encoding="utf-8")
        changes.append(f"{page_name(ref)}: regenerated from the schema")
    return changes


def main() -> int:
    """Refresh, print what changed; exit 1 when a quoted number is no longer printed by its
    block (its prose must be rewritten by hand), else 0."""
    problems: list[str] = []
    changes = refresh(problems, sys.argv[1:] or None)
    print(
        "\n".join(changes)
        if changes
        else "docs: every expected output and quoted number is current"
    )
    if problems:
        print(
            "\nQuoted numbers no output prints any more (edit the prose around them):",
            file=sys.stderr,
        )
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
