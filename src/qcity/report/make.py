"""Make the report from the database: evaluate the unit with its peers (or re-run a stored
run with ``run_id``), keep the evaluation as a run so the report can be regenerated, add
the towns and streets, build the report and write it as docx, html or pdf."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from qcity import errors
from qcity.framework.model import Framework
from qcity.report.build import Builder, RunInfo
from qcity.report.model import Report
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.inputs import EvaluationInput, from_store
from qcity.service.robustness import SAMPLES

FORMATS = ("docx", "html", "pdf")


class ReportError(errors.InputError, ValueError):
    """The report cannot be made as asked (names the option and what to do)."""


@dataclass
class Made:
    """What ``make_report`` made: the report, the run it came from, the file written."""

    report: Report
    run: RunInfo
    result: EvaluationResult
    path: Path


def _peers(inp: EvaluationInput, fw: Framework, unit: str, group: str | None) -> EvaluationInput:
    """The unit with its peers: ``group``, else the framework's peer group when the unit
    is a member, else the units of its own type (as ``qcity monitor`` selects)."""
    peers = group if group is not None else (fw.monitor.peer_group if fw.monitor else None)
    members: set[str] = set()
    if peers is not None and inp.groups is not None:
        members = set(inp.groups.loc[inp.groups["group"] == peers, "unit_code"].astype(str))
    if group is not None or unit in members:
        return inp.restrict(group=peers)
    if inp.units is not None and "type" in inp.units.columns:
        kind = inp.units.loc[inp.units["code"].astype(str) == unit, "type"].dropna()
        if len(kind):
            return inp.restrict(unit_type=str(kind.iloc[0]))
    return inp


def _towns(
    url: str | None, fw: Framework, unit: str, as_of: datetime | None, text: str | None
) -> EvaluationResult | None:
    """The towns and streets under ``unit`` evaluated together, or None without data."""
    from dataclasses import replace

    from qcity.benchmark.focus import level_types
    from qcity.service.inputs import describe_selection

    try:
        types = set(level_types(fw, "town"))
    except ValueError:
        return None
    inp = from_store(url, as_of)
    units = inp.units
    if units is None or "parent_code" not in units.columns or "type" not in units.columns:
        return None
    keep = set(
        units.loc[
            (units["parent_code"].astype(str) == unit) & units["type"].astype(str).isin(types),
            "code",
        ].astype(str)
    )
    data = inp.data[inp.data["unit"].astype(str).isin(keep)]
    if data["unit"].nunique() < 2:
        return None
    selection = describe_selection(data, units, unit_type="town")
    return evaluate(fw, replace(inp, data=data, selection=selection), framework_text=text)


def _stored(url: str | None, run_id: int) -> dict[str, Any]:
    from qcity.service.runs import get_run

    return get_run(url, run_id).facts


def make_report(
    url: str | None,
    fw: Framework,
    framework_text: str | None,
    unit: str,
    year: str,
    fmt: str,
    out: Path,
    group: str | None = None,
    lang: str = "zh",
    run_id: int | None = None,
    samples: int = SAMPLES,
    created_by: str = "qcity report",
) -> Made:
    """Evaluate (or re-run run ``run_id``), build the report and write it to ``out``."""
    from qcity.engine.steps import Step

    if fmt not in FORMATS:
        raise ReportError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if lang not in {"zh", "en"}:
        raise ReportError(f"--lang {lang!r}: choose zh or en")
    if fmt == "pdf":  # a missing browser stops here, before a run is stored
        from qcity.report.pdf import chromium

        chromium()
    steps = None
    as_of: datetime | None = None
    facts: dict[str, Any] | None = None
    if run_id is not None:
        facts = _stored(url, run_id)
        if facts["framework_code"] != fw.code or str(facts["framework_version"]) != fw.version:
            raise ReportError(
                f"run {run_id} used framework {facts['framework_code']} "
                f"{facts['framework_version']}, not {fw.code} {fw.version}; give --framework"
            )
        steps = [Step.from_dict(s) for s in facts["steps"]]
        if facts.get("as_of"):
            as_of = datetime.fromisoformat(str(facts["as_of"]))
    inp = from_store(url, as_of)
    if inp.data.empty:
        raise ReportError(
            f"no data in {inp.source}; import data first (qcity import) or qcity demo"
        )
    if facts is not None:
        sel = facts.get("selection") or {}
        inp = inp.restrict(group=sel.get("group"), unit_type=sel.get("unit_type"))
        chosen = set(sel.get("units") or [])
        if chosen:
            from dataclasses import replace

            inp = replace(inp, data=inp.data[inp.data["unit"].astype(str).isin(chosen)])
    else:
        inp = _peers(inp, fw, unit, group)
    if unit not in set(inp.data["unit"].astype(str)):
        raise ReportError(
            f"--unit {unit!r} has no data among the units evaluated ({inp.source}); check "
            "the code (qcity export lists the units with data)"
        )
    result = evaluate(fw, inp, steps=steps, framework_text=framework_text)
    periods = set(result.evaluation.scores()["period"].astype(str))
    if str(year) not in periods:
        raise ReportError(
            f"--year {year}: no results for that year; years: {', '.join(sorted(periods))}"
        )
    if facts is not None:
        if facts["data_sha256"] != result.stamp["data_sha256"]:
            raise ReportError(
                f"the data changed since run {run_id} (data hash {str(facts['data_sha256'])[:12]} "
                f"-> {str(result.stamp['data_sha256'])[:12]}): the report would not match the run; "
                "run without --run to evaluate the data as they are now"
            )
        assert run_id is not None
        run = RunInfo(
            run_id, False, str(facts["data_vintage"]), str(facts["config_sha256"]),
            str(facts["data_sha256"]), str(facts["framework_version"]),
        )  # fmt: skip
    towns = _towns(url, fw, unit, as_of, framework_text)

    def build(info: RunInfo) -> Report:
        return Builder(result, unit, str(year), lang, info, group, towns, samples).build()

    from qcity.data.atomic import atomic_file

    with atomic_file(out) as tmp:  # the report takes its name only when all succeeded
        if facts is None:
            run, report = _keep(result, url, created_by, fw, build, fmt, tmp)
        else:
            report = build(run)
            _write(report, fmt, tmp)
    return Made(report, run, result, out)


def _keep(
    result: EvaluationResult,
    url: str | None,
    created_by: str,
    fw: Framework,
    build: Callable[[RunInfo], Report],
    fmt: str,
    tmp: Path,
) -> tuple[RunInfo, Report]:
    """Store the run and, as the last step of that transaction, build the report (which
    names the run) and write it to ``tmp``: a report that fails stores no run."""
    from qcity.service.runs import keep_run

    made: dict[str, Any] = {}

    def finish(new_id: int) -> None:
        stamp = result.stamp
        made["run"] = RunInfo(
            new_id, True, str(stamp.get("data_vintage")), str(stamp["config_sha256"]),
            str(stamp["data_sha256"]), fw.version,
        )  # fmt: skip
        made["report"] = build(made["run"])
        _write(made["report"], fmt, tmp)

    keep_run(result, url, created_by, [], before_commit=finish)
    return made["run"], made["report"]


def write(report: Report, fmt: str, out: Path) -> None:
    """Write ``report`` to ``out`` as ``fmt`` (docx, html or pdf), whole or not at all
    (``qcity.data.atomic``)."""
    from qcity.data.atomic import atomic_file

    with atomic_file(out) as tmp:
        _write(report, fmt, tmp)


def _write(report: Report, fmt: str, out: Path) -> None:
    if fmt == "docx":
        from qcity.report.docx import write_docx

        write_docx(report, out)
        return
    from qcity.report.html import to_html

    html = to_html(report)
    if fmt == "html":
        out.write_text(html, encoding="utf-8")
        return
    from qcity.report.pdf import html_to_pdf

    html_to_pdf(html, out)
