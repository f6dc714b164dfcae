"""Robustness: uncertainty and sensitivity analyses of a framework's choices, locally or on
Dask (``qcity robust``), and which spec of uncertain inputs they use.

Two use cases hold the rules every interface shares:

- :func:`choose_spec`: the spec file given, else the one shipped with the framework
  (``NoShippedSpec`` when there is none);
- :func:`robustness_analysis`: the spec checked, the runner chosen (in this process, or
  the Dask scheduler at an address, connected before anything is evaluated and closed
  after), the evaluation, the Monte Carlo uncertainty analysis and, when asked, the Sobol
  sensitivity analysis on the same problem.

The dashboard's and the report's rank bands are ``qcity.service.robustness``.
The analysis modules are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcity import errors
from qcity.lazy import lazy_exports
from qcity.service.robustness import SAMPLES

if TYPE_CHECKING:
    from qcity.framework.model import Framework
    from qcity.robust.problem import Problem, Runner
    from qcity.robust.sensitivity import SensitivityResult
    from qcity.robust.spec import RobustSpec
    from qcity.robust.uncertainty import UncertaintyResult
    from qcity.service.evaluation import EvaluationResult
    from qcity.service.inputs import EvaluationInput

_EXPORTS = {
    "Problem": "qcity.robust.problem",
    "RobustSpec": "qcity.robust.spec",
    "Runner": "qcity.robust.problem",
    "SensitivityResult": "qcity.robust.sensitivity",
    "UncertaintyResult": "qcity.robust.uncertainty",
}

__getattr__ = lazy_exports("qcity.service.robust", _EXPORTS)

Progress = Callable[[int, int], None]
"""Told (chunks done, chunks in all) while an analysis runs."""

Bars = Callable[[str], Progress]
"""Given the name of a run (``samples 抽样``, ``Sobol runs 敏感性运行``), the
``Progress`` callback of that run (a progress bar of its own)."""


class NoShippedSpec(errors.NotFound, LookupError):
    """The framework ships no robustness spec and none was given: the analysis does not
    know which choices are uncertain."""


@dataclass(frozen=True)
class ChosenSpec:
    """The spec of uncertain inputs an analysis uses: ``spec`` as read, ``name`` (the file
    given, or ``shipped spec for CODE``: what its error messages name) and ``path`` (the
    file it was read from)."""

    spec: RobustSpec
    name: str
    path: Path
    shipped: bool


@dataclass(frozen=True)
class RobustnessRun:
    """One robustness analysis: the evaluation it perturbs (``result``: the nominal
    case), the uncertainty analysis (``uncertainty``: ``rank_stats`` with ``unit, nominal,
    mean, median, q05, q95``, ``samples``), the Sobol indices when asked
    (``sensitivity``: ``indices`` with ``input, Si, STi, Si_lo, Si_hi, STi_lo, STi_hi``),
    the spec used and the Dask scheduler it ran on (None: in this process)."""

    result: EvaluationResult
    uncertainty: UncertaintyResult
    sensitivity: SensitivityResult | None
    spec: ChosenSpec
    scheduler: str | None


def choose_spec(framework: Framework, *, spec: Path | str | None = None) -> ChosenSpec:
    """The spec an analysis of ``framework`` uses: the file ``spec``, else the spec shipped
    for the framework. Read, not yet checked against the framework (what is ranked may
    still change: ``qcity.service.robustness.rank_bands`` ranks the index of one period).
    ``SpecError`` (an ``InputError``) for a file that cannot be read or is not a spec;
    ``NoShippedSpec`` when no file is given and the framework ships none."""
    from qcity.robust.spec import load_spec, shipped_spec

    if spec is not None:
        path = Path(spec)
        return ChosenSpec(load_spec(path), str(spec), path, shipped=False)
    found = shipped_spec(framework.code)
    if found is None:
        raise NoShippedSpec(
            f"framework {framework.code} has no shipped robustness spec; give a spec file "
            "(see examples/asem/robust.yaml and docs/en/robust.md) / 该指标体系未附稳健性设定，"
            "请提供设定文件"
        )
    return ChosenSpec(load_spec(found), f"shipped spec for {framework.code}", found, shipped=True)


def robustness_analysis(
    framework: Framework,
    inputs: EvaluationInput,
    *,
    spec: ChosenSpec | Path | str | None = None,
    samples: int = SAMPLES,
    seed: int | None = None,
    sensitivity: bool = False,
    unit: str | None = None,
    scheduler: str | None = None,
    framework_text: str | None = None,
    status: Callable[[str], object] | None = None,
    progress: Bars | None = None,
) -> RobustnessRun:
    """How much the ranks of ``inputs`` evaluated with ``framework`` depend on the choices
    of ``spec`` (a file, else the framework's shipped spec; ``choose_spec``):
    ``samples`` Monte Carlo samples (seed ``seed``, default the spec's) and, with
    ``sensitivity``, the Sobol indices of the mean absolute rank shift (of ``unit``'s
    rank when a unit is given) from ``samples (inputs + 2)`` more runs. ``unit``: its rank
    and score are also kept per sample.

    Everything that can be refused is refused before the evaluation: too few samples
    (``BadValue``), a spec the framework cannot use (``SpecError``), no spec
    (``NoShippedSpec``), a scheduler that cannot be reached (``SchedulerError``, a
    ``StoreError``). With ``scheduler`` (``tcp://HOST:8786``) the samples are evaluated
    on that Dask cluster, else in this process; the connection is closed afterwards.
    ``status`` is told each stage, ``progress`` gives each run's progress callback."""
    from qcity.robust.distributed import connect

    if samples < 1 or (sensitivity and samples < 2):
        least = 2 if sensitivity else 1
        raise errors.BadValue(
            f"the {'sensitivity' if sensitivity else 'uncertainty'} analysis needs at least "
            f"{least} samples, got {samples} / 抽样次数至少为 {least}"
        )
    chosen = spec if isinstance(spec, ChosenSpec) else choose_spec(framework, spec=spec)
    chosen.spec.check(framework, chosen.name)
    client = connect(scheduler) if scheduler else None
    try:
        return _analyse(
            framework,
            inputs,
            chosen,
            samples=samples,
            seed=seed,
            sensitivity=sensitivity,
            unit=unit,
            client=client,
            scheduler=scheduler,
            framework_text=framework_text,
            status=status or (lambda _text: None),
            progress=progress,
        )
    finally:
        if client is not None:
            client.close()


def _analyse(
    framework: Framework,
    inputs: EvaluationInput,
    chosen: ChosenSpec,
    *,
    samples: int,
    seed: int | None,
    sensitivity: bool,
    unit: str | None,
    client: object | None,
    scheduler: str | None,
    framework_text: str | None,
    status: Callable[[str], object],
    progress: Bars | None,
) -> RobustnessRun:
    from qcity.robust.problem import Problem
    from qcity.robust.sensitivity import run_sensitivity
    from qcity.robust.uncertainty import run_uncertainty
    from qcity.service.evaluation import evaluate

    status("evaluating 计算")
    result = evaluate(framework, inputs, framework_text=framework_text)
    ev = result.evaluation
    problem = Problem(ev, chosen.spec, unit=unit)
    status(f"uncertainty 不确定性 (N={samples})")
    ua = run_uncertainty(
        ev,
        chosen.spec,
        samples,
        seed,
        runner=_runner(client, progress, "samples 抽样"),
        problem=problem,
    )
    si = None
    if sensitivity:
        status("sensitivity 敏感性")
        si = run_sensitivity(
            ev,
            chosen.spec,
            samples,
            seed,
            output="rank" if unit else "shift",
            unit=unit,
            runner=_runner(client, progress, "Sobol runs 敏感性运行"),
            problem=problem,
        )
    return RobustnessRun(result, ua, si, chosen, scheduler)


def _runner(client: object | None, progress: Bars | None, label: str) -> Runner:
    """The runner of one analysis: on ``client``'s Dask cluster, else in this process,
    telling the progress callback of ``label``."""
    from qcity.robust.distributed import dask_runner
    from qcity.robust.problem import local_runner

    told = progress(label) if progress is not None else None
    return dask_runner(client, told) if client is not None else local_runner(told)


__all__ = [
    "Bars",
    "ChosenSpec",
    "NoShippedSpec",
    "Problem",
    "Progress",
    "RobustSpec",
    "RobustnessRun",
    "Runner",
    "SensitivityResult",
    "UncertaintyResult",
    "choose_spec",
    "robustness_analysis",
]
