"""Run an evaluation for an interface: the engine on the inputs, the stamp fixed when the
run is made, the statuses of the values used, the illustrative notice, and the results
folder. The CLI, the dashboard and the report call this; none of them repeats it."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from qcity.engine.evaluation import Evaluation
from qcity.engine.steps import Step
from qcity.framework.model import Framework
from qcity.service.inputs import EvaluationInput
from qcity.service.notice import ILLUSTRATIVE, notice_text, value_counts

#: Libraries whose versions are recorded with every run (they can change results).
LIBRARIES = ("numpy", "pandas", "scipy", "pydantic", "SQLAlchemy", "openpyxl")


def library_versions() -> dict[str, str]:
    """Python's and the numerical libraries' versions, for the run's record."""
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = _version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _version(name: str) -> str:
    """The installed version of distribution ``name``, read from the ``Version:`` line of
    its METADATA header (``metadata.version`` parses the whole file, long description
    included, with the e-mail parser: several ms per library at every run)."""
    dist = metadata.distribution(name)
    for line in (dist.read_text("METADATA") or "").splitlines():
        if line.startswith("Version:"):
            return line.partition(":")[2].strip()
        if not line:  # end of the header
            break
    return dist.version


@dataclass
class EvaluationResult:
    """One evaluation as an interface needs it: the evaluation object, its inputs, the
    stamp as it was when the run was made, and the statuses of the values it used."""

    evaluation: Evaluation
    inputs: EvaluationInput
    stamp: dict[str, Any]
    value_counts: dict[str, int]
    libraries: dict[str, str] = field(default_factory=library_versions)
    framework_text: str | None = None

    @property
    def framework(self) -> Framework:
        """The framework evaluated."""
        return self.evaluation.framework

    @property
    def values_used(self) -> int:
        """How many values the results are made from."""
        return sum(self.value_counts.values())

    @property
    def illustrative(self) -> int:
        """How many of the values used are illustrative (generated)."""
        return self.value_counts.get(ILLUSTRATIVE, 0)

    @property
    def notice(self) -> str | None:
        """The illustrative-data notice every output must carry, or None."""
        return notice_text(self.illustrative, self.values_used)

    @property
    def diagnostics(self) -> list[str]:
        """The engine's notes on this run (degenerate columns, exclusions ...)."""
        return list(self.evaluation.results.warnings)


def evaluate(
    fw: Framework,
    inp: EvaluationInput,
    steps: Sequence[Step] | None = None,
    framework_text: str | None = None,
    edited_log: bool = False,
) -> EvaluationResult:
    """Evaluate ``inp`` with ``fw`` (and ``steps``, default the framework's log;
    ``edited_log``: they come from a log changed by hand, recorded in the stamp)."""
    ev = Evaluation(
        fw,
        inp.data,
        inp.units,
        steps=steps,
        vintage=inp.vintage,
        source=inp.source,
        edited_log=edited_log,
    ).run()
    stamp = dict(ev.stamp)
    scores = ev.scores()
    counts = value_counts(
        inp.data,
        fw,
        sorted(scores["unit"].astype(str).unique()),
        sorted(scores["period"].astype(str).unique()),
    )
    return EvaluationResult(ev, inp, stamp, counts, framework_text=framework_text)


def write_folder(result: EvaluationResult, out: Path, *, workbook: bool = False) -> list[Path]:
    """Write the results folder: the machine files, the files for people (readable CSV,
    codebook, README; with ``workbook`` also results.xlsx) and NOTICE.txt when
    illustrative values were used."""
    from qcity.service.folder import write_results_folder

    return write_results_folder(
        result.evaluation,
        out,
        units=result.inputs.units,
        illustrative=result.illustrative,
        notice=result.notice,
        workbook=workbook,
    )
