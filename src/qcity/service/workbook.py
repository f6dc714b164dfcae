"""Moved to ``qcity.exports.xlsx`` (the exports package reads the declarative sheet spec
of ``qcity.exports.spec``); this path stays importable."""

from __future__ import annotations

from qcity.exports.xlsx import write_workbook

__all__ = ["write_workbook"]
