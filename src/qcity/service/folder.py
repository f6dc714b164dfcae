"""Moved to the exports package: ``qcity.exports.folder`` (the results folder and its
workbook, declared as ``FOLDER_SHEETS``), ``qcity.exports.columns`` (the catalogues of
files and columns) and ``qcity.exports.spec`` (the sheet spec). This path stays
importable with the names it had."""

from __future__ import annotations

from qcity.exports.columns import (
    BANNER,
    CODEBOOK,
    DIGITS,
    FILES,
    FIXED,
    KINDS,
    LEAF,
    LEVELS,
    MACHINE,
    MACHINE_FILES,
    READABLE,
    REFERENCE,
    TREATED,
)
from qcity.exports.folder import (
    SHEETS,
    _exclusions_sheet,
    _indicators_sheet,
    _node_info,
    _ranking_sheet,
    _scores_sheet,
    _text,
    _unit_names,
    _weights_sheet,
    how_scores_compare,
    write_results_folder,
)
from qcity.exports.spec import SCORE, SHARE, TEXT, TWO, Col, Sheet
from qcity.exports.spec import Lang as _Lang
from qcity.exports.spec import col as _c

__all__ = [
    "BANNER",
    "CODEBOOK",
    "DIGITS",
    "FILES",
    "FIXED",
    "KINDS",
    "LEAF",
    "LEVELS",
    "MACHINE",
    "MACHINE_FILES",
    "READABLE",
    "REFERENCE",
    "SCORE",
    "SHARE",
    "SHEETS",
    "TEXT",
    "TREATED",
    "TWO",
    "Col",
    "Sheet",
    "_Lang",
    "_c",
    "_exclusions_sheet",
    "_indicators_sheet",
    "_node_info",
    "_ranking_sheet",
    "_scores_sheet",
    "_text",
    "_unit_names",
    "_weights_sheet",
    "how_scores_compare",
    "write_results_folder",
]
