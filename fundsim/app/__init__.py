"""The what-if page: move a lever, see each entity's bill and the risk to the posts change.

``fundsim app [FILE]`` serves it on the local machine (:func:`serve`); in a notebook,
:func:`fundsim.app.page.what_if_page` shows the same controls inline. Built on Panel (the
``app`` extra: ``pip install -e '.[app]'``), which serves its JavaScript from the installed
package (no script or font from the internet). Nothing in fundsim imports this package.
Parts: :mod:`~fundsim.app.levers` (what may change), :mod:`~fundsim.app.whatif` (the
what-if as a file), :mod:`~fundsim.app.engine` (bills at once, the simulation streamed),
:mod:`~fundsim.app.words` (answers in words), :mod:`~fundsim.app.page` (the page).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

from fundsim.errors import BadInput

#: The one-line hint when the extra is missing.
MISSING = "the what-if page needs Panel: pip install -e '.[app]'"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

__all__ = ["LOOPBACK", "MISSING", "require_panel", "serve"]


def require_panel() -> None:
    """Raise :class:`~fundsim.errors.BadInput` (the install hint) when Panel is missing."""
    if importlib.util.find_spec("panel") is None:
        raise BadInput(MISSING)


def _origins(host: str, port: int) -> list[str]:
    """The page origins whose browsers may open the page's websocket: this machine's names,
    and, when serving on every address (``0.0.0.0``, ``::``, asked for and warned about),
    any origin, since visitors reach it by names the server cannot list."""
    if host in ("0.0.0.0", "::"):
        return ["*"]
    return [f"{h}:{port}" for h in dict.fromkeys((host, "localhost", "127.0.0.1"))]


def serve(
    scenario_file: str | Path,
    port: int = 5006,
    host: str = "127.0.0.1",
    *,
    workers: int = 2,
    reps: int | None = None,
    timeout_s: float = 600.0,
    show: bool = False,
) -> None:
    """Serve the what-if page of ``scenario_file`` at ``http://host:port/`` until stopped.

    One multi-process executor (``workers`` processes) is shared by every session; at most
    four runs wait for it (more are refused, the page says so) and a run stops after
    ``timeout_s`` seconds. Scripts and styles come from the installed packages."""
    require_panel()
    os.environ.setdefault("BOKEH_RESOURCES", "server")  # Bokeh's and Panel's JS from this server
    import panel as pn

    from fundsim.app.engine import Simulator
    from fundsim.app.page import DEFAULT_REPS, what_if_page
    from fundsim.scenario import load_scenario

    path = Path(scenario_file)
    base = load_scenario(path)  # a bad file is one line before the server starts
    simulator = Simulator(workers=workers, timeout_s=timeout_s)
    first = min(DEFAULT_REPS, base.simulation.replications) if reps is None else reps
    threading.Thread(
        target=simulator.warm, args=(base, first, base.simulation.seed), daemon=True
    ).start()
    pn.extension(inline=True)
    try:
        pn.serve(
            {"/": lambda: what_if_page(path, simulator, reps=reps)},
            port=port,
            address=host,
            websocket_origin=_origins(host, port),
            show=show,
            title=f"fundsim what-if: {path.stem}",
            threaded=False,
        )
    finally:
        simulator.close()
