"""The declarative sheet spec every export reads: a column (``Col``: header words, meaning
for the codebook, type and Excel number format), a sheet built (``Sheet``: its key, rows
and columns) and a sheet declared (``SheetSpec``: key, title in Chinese and English, and
the source function that builds its rows from a context). A workbook or a folder is a
tuple of ``SheetSpec``; the writers (``qcity.exports.xlsx``, ``qcity.exports.csv``) read
only these, so adding a sheet is adding one ``SheetSpec`` and its source function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qcity import errors

TEXT = "text 文本"
SCORE = "number 数值 (score scale)"
SHARE = "number 0–1"
TWO = "0.00"


@dataclass(frozen=True)
class Col:
    """A column for people: header words, meaning (codebook), type and Excel format."""

    zh: str
    en: str
    meaning_zh: str
    meaning_en: str
    kind: str = TEXT
    fmt: str | None = None


def col(
    zh: str, en: str, mzh: str = "", men: str = "", kind: str = TEXT, fmt: str | None = None
) -> Col:
    """A ``Col`` whose meaning defaults to its header words."""
    return Col(zh, en, mzh or zh, men or en, kind, fmt)


class Lang:
    """Bilingual text in the order the reader asked for (Chinese first by default)."""

    def __init__(self, lang: str) -> None:
        if lang not in ("zh", "en"):
            raise errors.BadValue(f"lang must be 'zh' or 'en', got {lang!r}")
        self.zh_first = lang == "zh"

    def pair(self, zh: str, en: str, sep: str = " ") -> str:
        """``zh en`` (or ``en zh`` for an English reader), joined by ``sep``."""
        return f"{zh}{sep}{en}" if self.zh_first else f"{en}{sep}{zh}"

    def header(self, col: Col) -> str:
        """A column's header: its words in both languages (once when they are equal)."""
        return col.zh if col.zh == col.en else self.pair(col.zh, col.en)


@dataclass
class Sheet:
    """One table for people: its key (a ``SheetSpec``'s), rows keyed as in ``cols`` and
    the column descriptions; ``wrap`` names the columns whose long text wraps."""

    key: str
    frame: pd.DataFrame
    cols: dict[str, Col]
    wrap: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """A sheet declared: its ``key``, its title in Chinese and English, and ``source``,
    the function that builds its ``Sheet`` from the export's context."""

    key: str
    zh: str
    en: str
    source: Callable[[Any], Sheet]

    def title(self, t: Lang) -> str:
        """The sheet's tab title in the reader's order."""
        return t.pair(self.zh, self.en)


def titles(specs: Sequence[SheetSpec]) -> dict[str, tuple[str, str]]:
    """key -> (title zh, title en) of a book of sheets."""
    return {s.key: (s.zh, s.en) for s in specs}


def build(specs: Sequence[SheetSpec], context: Any, t: Lang) -> list[tuple[Sheet, str]]:
    """Every sheet of ``specs`` built from ``context``, with its title, in order."""
    return [(s.source(context), s.title(t)) for s in specs]


__all__ = ["SCORE", "SHARE", "TEXT", "TWO", "Col", "Lang", "Sheet", "SheetSpec", "col"]
