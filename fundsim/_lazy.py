"""Lazy package faces: a package's public names, each imported from its module on first use.

Every package ``__init__`` of fundsim that exports names from its modules (``fundsim``,
``fundsim.analysis``, ``fundsim.scenario``, ``fundsim.viz``) calls :func:`lazy_exports`
once instead of writing its own ``__getattr__``: importing the package stays light
(``fundsim --help`` loads no numpy, pandas or matplotlib), and ``dir(package)`` lists
the public names only. Imports nothing from fundsim, so any layer may use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``.

    ``homes`` maps each public name to where it lives: a module path (``"fundsim.viz.figures"``:
    the attribute of that name in it; ``"fundsim.viz.style"`` under the name ``style``: the
    module itself) or ``"module:attribute"`` for a name exported under another name
    (``"fundsim.runner:run_scenario"`` as ``run``). A value once imported is kept in
    ``namespace`` (the package's ``globals()``), so ``__getattr__`` runs once per name.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = home.partition(":")
        if not attribute and module == f"{package}.{name}":
            value = importlib.import_module(module)
        else:
            value = getattr(importlib.import_module(module), attribute or name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(
            {*homes, *(n for n in namespace.get("__all__", ()) if not n.startswith("_"))}
            | ({"__version__"} if "__version__" in namespace else set())
        )

    return __getattr__, __dir__
