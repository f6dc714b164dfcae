"""The annual report's use case: everything the report says, worked out once from an
evaluation of the unit with its peers, and handed to ``qcity.report`` as a view-ready
model, so that the report only lays numbers out and never computes a rule itself.

``report_model`` gathers, for one unit and year: the scores and ranks (this year and the
one before), the attribution of the change, the monitoring table and its warnings (targets,
paths, bands, departments), the benchmark against the peers and the path into the first
tier, the towns and streets, the rank bands (``qcity.service.robustness``), the scale note
(``qcity.service.scale``), the illustrative-data counts and wording
(``qcity.service.notice``), the data sources read as publications, and the issuing office
and date (the framework's ``report`` settings). ``make_report`` evaluates from the store
(or re-runs a stored run), stores the run and writes the file in one step: a report that
fails stores no run and leaves no file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd

from qcity import errors
from qcity.framework.model import Framework, Indicator, Node
from qcity.framework.targets import TargetSpec
from qcity.service.evaluation import EvaluationResult, evaluate
from qcity.service.inputs import EvaluationInput, from_store
from qcity.service.notice import ILLUSTRATIVE, label, notice_in, used_rows
from qcity.service.robustness import SAMPLES, UnitBand, rank_bands, unit_band
from qcity.service.scale import ScaleNote, scale_note
from qcity.service.sources import Citation, cite

#: How many ranks make the first tier (第一方阵), as ``qcity compare`` and ``qcity path``.
FIRST_TIER = 5

T = TypeVar("T")


class ReportError(errors.InputError, ValueError):
    """The report cannot be made as asked (names the option and what to do)."""


@dataclass
class RunInfo:
    """Where the report's evaluation comes from: the stored run, and whether this report
    stored it (``kept``) or took it with ``--run``."""

    run_id: int
    kept: bool
    data_vintage: str
    config_sha256: str
    data_sha256: str
    framework_version: str


@dataclass
class ReportModel:
    """What the report says, ready to lay out. Frames keep the results' columns; the
    ``*_names`` maps give the names in the report's language."""

    result: EvaluationResult
    framework: Framework
    unit: str
    period: str
    previous: str | None
    periods: list[str]
    lang: str
    run: RunInfo
    samples: int
    scores: pd.DataFrame
    unit_names: dict[str, str]
    node_names: dict[str, str]
    office: str | None
    issued: date
    timezone: str
    notice: str | None
    label: str | None
    scale: ScaleNote | None
    attribution: pd.DataFrame | None = None
    monitor: Any = None
    peers: pd.DataFrame | None = None
    plan: Any = None
    towns: pd.DataFrame | None = None
    bands: pd.DataFrame | None = None
    band: UnitBand | None = None
    used: pd.DataFrame = field(default_factory=pd.DataFrame)
    citations: list[tuple[Citation, int]] = field(default_factory=list)
    k: int = FIRST_TIER
    illustrative_status: str = ILLUSTRATIVE

    def uname(self, code: str) -> str:
        """A unit's name in the report's language (its code when unknown)."""
        return self.unit_names.get(code, code)

    def nname(self, code: str) -> str:
        """A node's or indicator's name in the report's language."""
        return self.node_names.get(code, code)

    def score(self, node: str, period: str, unit: str | None = None) -> tuple[float, int, int]:
        """(score, rank, number ranked) of ``unit`` (default the report's) at ``node``."""
        s = self.scores
        rows = s[(s["node"] == node) & (s["period"] == period)]
        mine = rows[rows["unit"] == (unit or self.unit)]
        n = int(rows["score"].notna().sum())
        if mine.empty or pd.isna(mine["score"].iloc[0]):
            return float("nan"), 0, n
        return float(mine["score"].iloc[0]), int(mine["rank"].iloc[0]), n

    def target_spec(self, code: str) -> TargetSpec | None:
        """The target the framework sets ``code`` (indicator or composite), if any."""
        for node, _, _ in self.framework.walk():
            if node.code == code:
                return node.target
        return None

    def dimensions(self) -> list[Node]:
        """The framework's dimensions (the root's children)."""
        return [c for c in self.framework.root.children if isinstance(c, Node)]

    def indicators(self) -> list[Indicator]:
        """The framework's indicators, in order."""
        return list(self.framework.indicators())


def progress_classes() -> dict[str, tuple[str, str]]:
    """The monitor's progress classes (Statistics Canada's SDG classes) as (zh, en)."""
    from qcity.monitor.progress import CLASS_LABELS

    return {cls: (zh, en) for cls, (_, zh, en) in CLASS_LABELS.items()}


def bilingual(text: object, lang: str) -> str:
    """The ``lang`` half of a bilingual ``"中文 / English"`` text (the text itself when it
    has no such halves): departments and units of measure are written so."""
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    if " / " not in value:
        return value
    zh, en = (p.strip() for p in value.split(" / ", 1))
    return zh if lang == "zh" else en


def report_model(
    *,
    result: EvaluationResult,
    unit: str,
    period: str,
    lang: str = "zh",
    run: RunInfo,
    group: str | None = None,
    towns: EvaluationResult | None = None,
    samples: int = SAMPLES,
    office: str | None = None,
    issued: date | None = None,
) -> ReportModel:
    """The view-ready model of ``unit``'s report for ``period`` from ``result`` (the unit
    evaluated with its peers); sections whose data do not exist stay None. The issuing
    ``office`` and date ``issued`` default to the framework's ``report`` settings, the
    date then to today."""
    from qcity.benchmark.peers import compare
    from qcity.benchmark.plan import find_path
    from qcity.monitor.attribution import attribution
    from qcity.monitor.table import MonitorError, monitor

    fw = result.framework
    ev = result.evaluation
    scores = ev.scores()
    scores["period"] = scores["period"].astype(str)
    scores["unit"] = scores["unit"].astype(str)
    periods = sorted(scores["period"].unique())
    before = [p for p in periods if p < period]
    units = result.inputs.units
    unit_names: dict[str, str] = {}
    if units is not None and "name_zh" in units.columns:
        col = "name_zh" if lang == "zh" or "name_en" not in units.columns else "name_en"
        unit_names = dict(zip(units["code"].astype(str), units[col].astype(str), strict=True))
    settings = fw.report
    zone = fw.timezone
    model = ReportModel(
        result=result,
        framework=fw,
        unit=unit,
        period=period,
        previous=before[-1] if before else None,
        periods=periods,
        lang=lang,
        run=run,
        samples=samples,
        scores=scores,
        unit_names=unit_names,
        node_names={n.code: (n.name_zh if lang == "zh" else n.name_en) for n, _, _ in fw.walk()},
        office=bilingual(office or (settings.office if settings else None), lang) or None,
        issued=issued or (settings.date if settings and settings.date else None) or today(zone),
        timezone=zone,
        notice=notice_in(lang, result.illustrative, result.values_used),
        label=label(lang) if result.illustrative else None,
        scale=scale_note(fw),
    )
    if model.previous is not None:
        model.attribution = attribution(ev, unit, model.previous, period)
    try:
        model.monitor = monitor(result, unit, period, group)
    except MonitorError:
        model.monitor = None
    if scores["unit"].nunique() >= 2:
        model.peers = compare(ev, unit, period, k=FIRST_TIER)
        model.plan = find_path(ev, unit, period, k=FIRST_TIER)
        bands = rank_bands(ev, period=period, samples=samples)
        if bands is not None:
            model.bands = bands.result.rank_stats.sort_values("nominal")
            model.band = unit_band(bands, unit)
    if towns is not None:
        ts = towns.evaluation.scores()
        ts = ts[ts["period"].astype(str) == period].copy()
        if not ts.empty:
            ts["unit"] = ts["unit"].astype(str)
            model.towns = ts
            tu = towns.inputs.units
            if tu is not None and "name_zh" in tu.columns:
                col = "name_zh" if lang == "zh" or "name_en" not in tu.columns else "name_en"
                for code, name in zip(tu["code"].astype(str), tu[col].astype(str), strict=True):
                    model.unit_names.setdefault(code, name)
    inp = result.inputs
    model.used = inp.data[used_rows(inp.data, fw, sorted(scores["unit"].unique()), periods)]
    if "source" in model.used.columns:
        model.citations = citations(model.used)
    return model


def citations(used: pd.DataFrame) -> list[tuple[Citation, int]]:
    """The publications the values used come from, with how many values each gave (most
    first): each ``source`` text read as a publication (``qcity.service.sources``)."""
    counts: dict[Citation, int] = {}
    for text, n in used["source"].astype("string").fillna("").value_counts().items():
        c = cite(str(text))
        counts[c] = counts.get(c, 0) + int(n)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].title))


def today(zone: str) -> date:
    """Today in the framework's time zone (the date a report is issued by default)."""
    return datetime.now(ZoneInfo(zone)).date()


def local_time(stamp: str, zone: str) -> str:
    """An ISO timestamp as local time to the minute (``2026-12-06 17:56``); the text itself
    when it is not a timestamp."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(zone))
    return when.strftime("%Y-%m-%d %H:%M")


# -- making the report from the store -------------------------------------------------


@dataclass
class Made(Generic[T]):
    """What ``make_report`` made: the rendered report, the run it came from, the file."""

    report: T
    run: RunInfo
    result: EvaluationResult
    path: Path


def peers_of(inp: EvaluationInput, fw: Framework, unit: str, group: str | None) -> EvaluationInput:
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


def towns_of(
    url: str | None, fw: Framework, unit: str, as_of: datetime | None, text: str | None
) -> EvaluationResult | None:
    """The towns and streets under ``unit`` evaluated together, or None without data."""
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


def make_report(
    *,
    url: str | None,
    framework: Framework,
    framework_text: str | None,
    unit: str,
    year: str,
    out: Path,
    render: Callable[[ReportModel, Path], T],
    lang: str = "zh",
    group: str | None = None,
    run_id: int | None = None,
    samples: int = SAMPLES,
    created_by: str = "qcity report",
    office: str | None = None,
    issued: date | None = None,
) -> Made[T]:
    """Evaluate ``unit`` with its peers (or re-run stored run ``run_id``), build the model
    and let ``render(model, path)`` write it to ``out``, whole or not at all; without
    ``run_id`` the evaluation is stored as a run in the same step."""
    from qcity.data.atomic import atomic_file
    from qcity.engine.steps import Step

    fw = framework
    steps = None
    as_of: datetime | None = None
    facts: dict[str, Any] | None = None
    if run_id is not None:
        from qcity.service.runs import get_run

        facts = get_run(db=url, run_id=run_id).facts
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
            inp = replace(inp, data=inp.data[inp.data["unit"].astype(str).isin(chosen)])
    else:
        inp = peers_of(inp, fw, unit, group)
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
    if facts is not None and facts["data_sha256"] != result.stamp["data_sha256"]:
        raise ReportError(
            f"the data changed since run {run_id} (data hash {str(facts['data_sha256'])[:12]} "
            f"-> {str(result.stamp['data_sha256'])[:12]}): the report would not match the run; "
            "run without --run to evaluate the data as they are now"
        )
    towns = towns_of(url, fw, unit, as_of, framework_text)

    def model(info: RunInfo) -> ReportModel:
        return report_model(
            result=result, unit=unit, period=str(year), lang=lang, run=info, group=group,
            towns=towns, samples=samples, office=office, issued=issued,
        )  # fmt: skip

    with atomic_file(out) as tmp:  # the report takes its name only when all succeeded
        if facts is None:
            run, report = _keep(result, url, created_by, fw, model, render, tmp)
        else:
            assert run_id is not None
            run = RunInfo(
                run_id, False, str(facts["data_vintage"]), str(facts["config_sha256"]),
                str(facts["data_sha256"]), str(facts["framework_version"]),
            )  # fmt: skip
            report = render(model(run), tmp)
    return Made(report, run, result, out)


def _keep(
    result: EvaluationResult,
    url: str | None,
    created_by: str,
    fw: Framework,
    model: Callable[[RunInfo], ReportModel],
    render: Callable[[ReportModel, Path], T],
    tmp: Path,
) -> tuple[RunInfo, T]:
    """Store the run and, as the last step of that transaction, build the model (which
    names the run) and render it to ``tmp``: a report that fails stores no run."""
    from qcity.service.runs import keep_run

    made: dict[str, Any] = {}

    def finish(new_id: int) -> None:
        stamp = result.stamp
        made["run"] = RunInfo(
            new_id, True, str(stamp.get("data_vintage")), str(stamp["config_sha256"]),
            str(stamp["data_sha256"]), fw.version,
        )  # fmt: skip
        made["report"] = render(model(made["run"]), tmp)

    keep_run(result, url, created_by, [], before_commit=finish)
    return made["run"], made["report"]


def write_atomic(out: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(tmp)`` and give the file its name ``out`` only when it succeeded."""
    from qcity.data.atomic import atomic_file

    with atomic_file(out) as tmp:
        write(tmp)


__all__ = [
    "FIRST_TIER",
    "Framework",
    "Made",
    "ReportError",
    "ReportModel",
    "RunInfo",
    "bilingual",
    "local_time",
    "make_report",
    "progress_classes",
    "report_model",
    "today",
]
