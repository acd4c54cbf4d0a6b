"""The ``[options]`` table's shape (:mod:`fundsim.scenario.options` expands and checks the rest).

Like ``[sweep]`` and ``[explore]``, the table belongs to the file that declares it and is not
part of the :class:`~fundsim.scenario.schema.Scenario` that runs: this model checks its keys
and types (unknown keys rejected, with a did-you-mean); the values of ``named`` and ``cross``
are scenario keys, checked when each option is built.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class OptionsTable(BaseModel):
    """``reference`` (an option's name; default the first), ``pairing`` (``reference``: every
    option against the reference; ``previous``: a ladder), ``leading`` (options whose bills
    the brief details), ``named`` (name -> scenario file and dotted keys) and ``cross``
    (dotted key or ``scenario`` -> levels, crossed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str | None = None
    pairing: Literal["reference", "previous"] = "reference"
    leading: int | None = Field(None, ge=1, strict=True)
    named: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cross: dict[str, Any] = Field(default_factory=dict)
