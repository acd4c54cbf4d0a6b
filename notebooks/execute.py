"""Execute the notebooks top to bottom, keep their outputs, export HTML.

    python notebooks/execute.py                  # every notebook, outputs saved in place
    python notebooks/execute.py --export results/notebooks   # also HTML copies there
    python notebooks/execute.py --export results/notebooks --no-execute   # HTML of the committed outputs
    python notebooks/execute.py 02_cost_sharing_formulas.ipynb --no-save

The HTML is an annex for readers: prose, printed numbers, tables and figures, without the
code cells, without the hidden check cells (tagged ``checks``: the asserts that keep the
prose true to the numbers) and without any script from the network (the ``annex``
template in ``notebooks/templates`` drops JupyterLab's require.js, MathJax and Mermaid
loaders; figures are inline PNG).

The environment variable ``FUNDSIM_REPS`` sets the replication count the notebooks use
(they default to a larger count when it is unset); in notebook 05 it is the replications per
future and design, and ``FUNDSIM_FUTURES`` the number of futures (default: the scenario's
``[explore]`` size, 100 x 10). ``FUNDSIM_WORKERS`` sets the worker processes of their runs
(default 2; the results do not depend on it; the tests use 1). Notebooks run with the repository root
as working directory, so they can name ``scenarios/baseline.toml``. Their runs are cached in
``results/run_cache`` (:mod:`fundsim.analysis.run_cache`: keyed on the scenario's hash, the
package's code version, the count and the seed), so a run one notebook made is read back by
the next; figures carry their caption as alt text (the ``annex`` template).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def execute(path: Path, save: bool = True, timeout: int = 1200) -> nbformat.NotebookNode:
    """Run one notebook from the repository root; save it with its outputs if ``save``."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    if save:
        nbformat.write(nb, path)
    return nb


#: Tag of the cells that check the prose against the numbers (hidden, and left out of the HTML).
CHECK_TAG = "checks"


def export_html(nb: nbformat.NotebookNode, out: Path) -> None:
    """Write ``nb`` as a self-contained HTML page without code cells, check cells or
    network scripts."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        extra_template_basedirs=[str(HERE / "templates")],
        template_name="annex",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={CHECK_TAG}, remove_input_tags={"remove-input"}), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb)
    out.write_text(body, encoding="utf-8")


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of every child it has reaped: the
    kernels, and through them the worker processes they ran."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook files (default: all in notebooks/)")
    parser.add_argument("--export", metavar="DIR", help="also write HTML copies into DIR")
    parser.add_argument("--no-save", action="store_true", help="do not write outputs back")
    parser.add_argument("--no-execute", action="store_true",
                        help="export the committed outputs as they are (with --export), without running")
    args = parser.parse_args()
    paths = [Path(p) if Path(p).exists() else HERE / p for p in args.notebooks] or sorted(HERE.glob("[0-9]*.ipynb"))
    if args.export:
        Path(args.export).mkdir(parents=True, exist_ok=True)
    start, cpu_start = time.perf_counter(), cpu_seconds()
    for path in paths:
        t0, cpu0 = time.perf_counter(), cpu_seconds()
        if args.no_execute:
            nb = nbformat.read(path, as_version=4)
            msg = f"{path.name}: not run"
        else:
            nb = execute(path, save=not args.no_save)
            msg = (
                f"{path.name}: ran in {time.perf_counter() - t0:.0f} s "
                f"({cpu_seconds() - cpu0:.0f} CPU s)"
            )
        if args.export:
            out = Path(args.export) / f"{path.stem}.html"
            export_html(nb, out)
            msg += f", HTML in {out}"
        print(msg, flush=True)
    print(
        f"{len(paths)} notebook(s) in {time.perf_counter() - start:.0f} s "
        f"({cpu_seconds() - cpu_start:.0f} CPU s: kernels and their workers)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
