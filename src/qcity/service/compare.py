"""Benchmarking: where a unit stands among its peers, and the path to a better rank.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity import errors
from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.framework.model import Framework
    from qcity.service.inputs import EvaluationInput

if TYPE_CHECKING:
    from qcity.benchmark.focus import level_peers, resolve_year
    from qcity.benchmark.peers import compare, compare_years, strengths
    from qcity.benchmark.plan import change_text, find_path, one_rank_up

_EXPORTS = {
    "change_text": "qcity.benchmark.plan",
    "compare": "qcity.benchmark.peers",
    "compare_years": "qcity.benchmark.peers",
    "find_path": "qcity.benchmark.plan",
    "level_peers": "qcity.benchmark.focus",
    "one_rank_up": "qcity.benchmark.plan",
    "resolve_year": "qcity.benchmark.focus",
    "strengths": "qcity.benchmark.peers",
}

__all__ = [
    "change_text",
    "compare",
    "compare_years",
    "find_path",
    "level_peers",
    "one_rank_up",
    "resolve_year",
    "strengths",
]

__all__ += ["PeerSelectionError", "select_peers"]

__getattr__ = lazy_exports("qcity.service.compare", _EXPORTS)


class PeerSelectionError(errors.InputError, ValueError):
    """The unit has no peers to compare with as selected; ``options`` names the choices
    that select others (each interface spells them its own way)."""

    def __init__(self, message: str, options: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


def select_peers(
    framework: Framework,
    inputs: EvaluationInput,
    *,
    unit: str,
    group: str | None = None,
    level: str | None = None,
) -> EvaluationInput:
    """The units ``unit`` is compared with (``qcity compare`` and ``qcity path``): the
    members of ``group`` (already selected in ``inputs``), and/or the units of ``level``
    sharing its parent; without either, the units of its own level.
    ``PeerSelectionError`` when the unit has no data among them or is alone."""
    from dataclasses import replace

    from qcity.benchmark.focus import level_peers
    from qcity.service.inputs import describe_selection

    inp = inputs
    if level is not None or group is None:
        keep = set(level_peers(framework, inp.units, unit, level))
        chosen = inp.data[inp.data["unit"].astype(str).isin(keep)]
        selection = describe_selection(chosen, inp.units, group=group, unit_type=level)
        inp = replace(inp, data=chosen, selection=selection)
    present = set(inp.data["unit"].astype(str))
    if unit not in present:
        where = f"group {group!r}" if group else f"level {level or 'of the unit'}"
        raise PeerSelectionError(
            f"unit {unit!r} has no data among the units compared ({where}); check the unit code",
            ("unit",),
        )
    if len(present) < 2:
        raise PeerSelectionError(
            f"only {unit!r} is selected: a comparison needs peers (a group or a level)",
            ("group", "level"),
        )
    return inp
