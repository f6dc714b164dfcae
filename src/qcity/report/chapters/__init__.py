"""The report's chapters, one module each: each turns the view-ready model
(``qcity.service.report_model.ReportModel``) into a section, or None when its data do not
exist (a section is left out, never faked). ``CHAPTERS`` is their order in the report."""

from __future__ import annotations

from collections.abc import Callable

from qcity.report.chapters import (
    dimensions,
    illustrative,
    keypoints,
    methods,
    peers,
    record,
    sources,
    stability,
    summary,
    targets,
    towns,
    warnings,
)
from qcity.report.model import Section
from qcity.service.report_model import ReportModel

Chapter = Callable[[ReportModel], Section | list[Section] | None]

CHAPTERS: tuple[Chapter, ...] = (
    keypoints.chapter,
    summary.chapter,
    dimensions.chapter,
    targets.chapter,
    warnings.chapter,
    peers.chapter,
    towns.chapter,
    stability.chapter,
    methods.chapter,
    sources.chapter,
    illustrative.chapter,
    record.chapter,
)
