"""The exceptions of fundsim: one root, and the user's errors apart from the program's.

Every exception fundsim raises on purpose derives from :class:`FundsimError`.
:class:`BadInput` marks what the user can fix (a scenario file, a flag value, a
folder that is not a run directory): the command line prints its message on one
line and exits 2. Anything else reaching the command line is a bug: it prints the
traceback and exits 1. This module imports nothing from fundsim, so every layer
may use it.

The classes of each layer derive from these: ``ScenarioError``, ``OverrideError``
(once ``VariantError``), ``RunDirError``, ``BatchError``, ``CompareError``,
``SolveError``, ``SensitivityError`` and ``ShareTablesError`` from :class:`BadInput`;
``MissingData`` and ``NotApplicable``, which their callers catch to skip a figure
or a shock, from :class:`FundsimError` alone. :class:`BadInput` is also a :class:`ValueError`, as
the classes it replaces were.
"""

from __future__ import annotations

from typing import ClassVar


class FundsimError(Exception):
    """Root of every exception fundsim raises on purpose."""


class BadInput(FundsimError, ValueError):
    """An error the user can fix; its message is one line (the command line exits 2).

    The message names the file and the key path when it can. Errors found while
    analysing a scenario that do not know its file set :attr:`about_scenario`; the
    command line then puts the scenario file first.
    """

    #: The message is about the scenario given to the command but does not name its file.
    about_scenario: ClassVar[bool] = False
