"""Where a run came from, as its caller knows it: the scenario file, its hash, the command.

The runner never guesses these (it reads no ``sys.argv``): the CLI, a batch or a
notebook hands a :class:`Provenance` down with the scenario, and the runner writes it
into ``manifest.json``. A run given only a path builds its own; a run given only a
loaded scenario records no file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from shlex import join as shell_join
from typing import Any

from fundsim.scenario import Scenario, scenario_hash


class ProvenanceError(ValueError):
    """A provenance that does not describe the scenario it came with (its hash differs)."""


@dataclass(frozen=True)
class Provenance:
    """What the manifest records about a run's origin.

    ``scenario_file`` is the scenario file as the caller named it (``None`` for a
    scenario built in Python); ``scenario_hash`` the SHA-256 of the validated scenario
    (filled by the runner when ``None``); ``command`` the command line that started the
    run (``None`` from Python). ``batch_name`` and ``sweep`` (swept key path -> value)
    name a batch item and its sweep variant.
    """

    scenario_file: str | None = None
    scenario_hash: str | None = None
    command: str | None = None
    batch_name: str | None = None
    sweep: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of_file(
        cls,
        path: str | Path,
        scenario: Scenario,
        argv: Sequence[str] | None = None,
        **extra: Any,
    ) -> Provenance:
        """The provenance of ``scenario``, loaded from ``path``; ``argv`` is the command
        line (program name first), quoted as a shell would need it."""
        return cls(
            scenario_file=str(path),
            scenario_hash=scenario_hash(scenario),
            command=shell_join(argv) if argv else None,
            **extra,
        )

    def checked(self, scenario: Scenario) -> Provenance:
        """This provenance with the hash of ``scenario`` filled in; raise
        :class:`ProvenanceError` when it names another scenario's hash."""
        actual = scenario_hash(scenario)
        if self.scenario_hash is not None and self.scenario_hash != actual:
            raise ProvenanceError(
                f"provenance of {self.scenario_file or 'a scenario'} does not match the scenario "
                "run "
                "(their hashes differ)"
            )
        return Provenance(
            self.scenario_file, actual, self.command, self.batch_name, dict(self.sweep)
        )

    def manifest_fields(self) -> dict[str, Any]:
        """The manifest's keys for this provenance (``batch_name`` and ``sweep`` only when set)."""
        out: dict[str, Any] = {
            "scenario_file": self.scenario_file,
            "scenario_hash": self.scenario_hash,
            "command": self.command,
        }
        if self.batch_name is not None:
            out["batch_name"] = self.batch_name
        if self.sweep:
            out["sweep"] = dict(self.sweep)
        return out
