"""Run an evaluation and keep it: the use case behind ``qcity evaluate`` and the demo.

The inputs are chosen by the shared rules (``qcity.service.selection``); the results
folder is written and the run stored all or nothing (``evaluate_and_keep``): the files
under a temporary name, the run committed as the last step after all of them are written,
and only then do the files take their names. A saved step log can be replayed
(``replay``); what differs from the run it was saved with is part of the result."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from qcity.engine.steps import Step
from qcity.framework.model import Framework
from qcity.service.evaluation import EvaluationResult, evaluate, write_folder
from qcity.service.inputs import EvaluationInput, InputError
from qcity.service.selection import choose_inputs, read_selection


@dataclass(frozen=True)
class EvaluationRun:
    """One evaluation as the interfaces report it: the ``result``; the files of the
    results folder where they now lie (``written``; empty when no folder was asked for);
    the id of the stored run (``run_id``; None for a data file, which is not stored);
    for a replayed log, what differs from the run it was saved with
    (``replay_differences``) and whether the log was edited by hand (``edited_log``)."""

    result: EvaluationResult
    written: tuple[Path, ...]
    run_id: int | None
    replayed: bool = False
    replay_differences: tuple[str, ...] = ()
    edited_log: bool = False

    @property
    def folder(self) -> Path | None:
        """The results folder written, or None."""
        return self.written[0].parent if self.written else None


def evaluate_and_keep(
    fw: Framework,
    inp: EvaluationInput,
    *,
    framework_text: str,
    out: Path | None,
    by: str,
    steps: Sequence[Step] | None = None,
    workbook: bool = False,
    edited_log: bool = False,
) -> EvaluationRun:
    """Evaluate ``inp`` with ``fw`` (its YAML ``framework_text`` is stored with the run),
    write the results folder to ``out`` (or to a temporary folder, then dropped) and, when
    the inputs came from the database, store the run there as made ``by`` — all or
    nothing: a failure anywhere leaves neither files nor a run."""
    from qcity.data.atomic import atomic_folder, moved
    from qcity.service.folder import FILES

    result = evaluate(fw, inp, steps=steps, framework_text=framework_text, edited_log=edited_log)
    url = inp.store_url

    def keep(written: list[Path]) -> int | None:
        if url is None:
            return None
        from qcity.service.runs import keep_run

        return keep_run(result, url, by, written)

    if out is None:
        with tempfile.TemporaryDirectory(prefix="qcity-run-") as scratch:
            run_id = keep(write_folder(result, Path(scratch), workbook=workbook))
        return EvaluationRun(result, (), run_id, edited_log=edited_log)
    with atomic_folder(out, stale=FILES) as tmp:
        written = write_folder(result, tmp, workbook=workbook)
        run_id = keep(written)
    return EvaluationRun(result, tuple(moved(written, out)), run_id, edited_log=edited_log)


def run_evaluation(
    *,
    framework: str | Path,
    data: Path | None = None,
    units: Path | None = None,
    db: str | None = None,
    as_of: datetime | str | None = None,
    group: str | None = None,
    unit_type: str | None = None,
    values: str = "approved",
    out: Path | None = None,
    by: str,
    replay: Path | None = None,
    allow_edited_log: bool = False,
    workbook: bool = False,
    status: Callable[[str], object] | None = None,
) -> EvaluationRun:
    """Evaluate the inputs these options select with ``framework`` (a file, or the name of
    a shipped framework) and keep the results (``evaluate_and_keep``): a run on the
    database is stored as made ``by``; a data file's results go to ``out`` only, so a
    data file without ``out`` is refused. ``replay`` re-runs the step log of a saved
    ``log.json`` (one edited by hand only with ``allow_edited_log``, recorded in the
    stamp). Every option is checked before anything is read or written (``InputError``);
    ``status`` is told each stage, for a progress display."""
    from qcity.framework.io import load_framework
    from qcity.frameworks import framework_path
    from qcity.service.runs import read_log, replay_differences

    path = framework_path(str(framework))
    fw = load_framework(path)
    selection = choose_inputs(
        fw,
        data=data,
        units=units,
        db=db,
        as_of=as_of,
        group=group,
        unit_type=unit_type,
        values=values,
    )
    if data is not None and out is None:
        raise InputError(
            "give --out DIR: a file evaluation is not stored, so its results go to a folder"
        )
    if allow_edited_log and replay is None:
        raise InputError("--allow-edited-log goes with --replay log.json")
    log = read_log(replay, fw, allow_edited=allow_edited_log) if replay is not None else None
    edited = log is not None and (log.edited or log.previously_edited)
    say = status or (lambda _text: None)
    say("reading data 读取数据")
    inp = read_selection(fw, framework_file=path, selection=selection)
    say("evaluating 计算")
    run = evaluate_and_keep(
        fw,
        inp,
        framework_text=path.read_text(encoding="utf-8"),
        out=out,
        by=by,
        steps=log.steps if log is not None else None,
        workbook=workbook,
        edited_log=edited,
    )
    if log is None:
        return run
    return EvaluationRun(
        run.result,
        run.written,
        run.run_id,
        replayed=True,
        replay_differences=tuple(replay_differences(log.stamp, run.result.stamp)),
        edited_log=edited,
    )
