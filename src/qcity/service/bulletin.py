"""Reading statistical bulletins (公报) into proposed values to review and import.

``read_bulletin_file`` holds every rule of reading one: the year must be one the store
accepts and the one the bulletin's title names, the framework must have bulletin rules,
the unit must be in the store, and a bulletin without a usable figure is refused.
``save_review`` writes the review table (``review.csv``, which an import accepts
unchanged); ``accept_bulletin`` imports the proposals through the one import use case
(``qcity.service.imports.import_observations``: one transaction, status preliminary).

    reading = read_bulletin_file(db=url, file=Path("2023.txt"), framework="liyang",
                                 unit="liyang", year=2023)
    save_review(reading, out=Path("review.csv"))
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qcity import errors

if TYPE_CHECKING:
    import pandas as pd

    from qcity.data.bulletin import BulletinResult
    from qcity.data.roles import Actor
    from qcity.service.imports import ImportOutcome


class BulletinYearError(errors.InputError, ValueError):
    """The year given is not one the store accepts (``title_year`` None), or not the
    one the bulletin's title names (``title_year``). ``first``/``last``: the years the
    store accepts."""

    def __init__(
        self, message: str, *, year: int, first: int, last: int, title_year: int | None = None
    ) -> None:
        """The message and the years, so that an interface can name its own option."""
        super().__init__(message)
        self.year = year
        self.first = first
        self.last = last
        self.title_year = title_year


class UnknownUnit(errors.Unknown):
    """A unit code the store does not hold; ``near``: the closest codes it holds.
    ``options`` names the option that would help (interface-neutral)."""

    def __init__(self, message: str, *, unit: str, near: tuple[str, ...]) -> None:
        """The message, the code given and the nearest codes."""
        super().__init__(message)
        self.unit = unit
        self.near = near
        self.options = ("unit",)


class NothingFound(errors.InputError, ValueError):
    """A bulletin without a figure of the framework's indicators; ``reading`` holds what
    was read (the refused candidates, with their reasons, to show)."""

    def __init__(self, message: str, reading: BulletinReading) -> None:
        """The message and what was read."""
        super().__init__(message)
        self.reading = reading


@dataclass(frozen=True, eq=False)
class BulletinReading:
    """What a bulletin yields for a unit and year, to review: ``proposals`` (review
    columns plus ``name_zh``, ``sentence`` number, ``derived``), ``ambiguous`` (competing
    candidates, never taken), ``refused`` (candidates a qualifier refused, with the
    reason), ``notes`` (values not derived and why), ``review`` (the review.csv table),
    the encoding read, the sentences read, and the framework file and code whose rules
    were used."""

    file_name: str
    unit: str
    year: int
    framework_file: Path
    framework_code: str
    framework_version: str
    encoding: str
    sentences: int
    proposals: pd.DataFrame
    ambiguous: pd.DataFrame
    refused: pd.DataFrame
    review: pd.DataFrame
    notes: tuple[str, ...] = ()
    looked_for: tuple[str, ...] = field(default=())


def read_bulletin_file(
    *, db: str | None, file: Path, framework: str, unit: str, year: int
) -> BulletinReading:
    """Read the bulletin ``file`` (text, UTF-8 or GB18030) for ``unit`` and ``year`` with
    the bulletin rules of ``framework`` (a file or a shipped framework's name); nothing
    is written. Refuses, in this order: a year the store does not accept
    (``BulletinYearError``), a framework without bulletin rules (``FrameworkError``), a
    unit not in the store (``UnknownUnit``, with the nearest codes), a file that is not
    readable text (``BulletinReadError``), a year other than the one the title names
    (``BulletinYearError``), a bulletin without a usable figure (``NothingFound``)."""
    import difflib

    from qcity.data.bulletin import BulletinReadError, read_bulletin
    from qcity.data.periods import MIN_YEAR, max_year
    from qcity.frameworks import framework_path
    from qcity.service.imports import _framework, _open

    if not MIN_YEAR <= year <= max_year():
        raise BulletinYearError(
            f"year {year}: give the year the bulletin reports on, {MIN_YEAR}–{max_year()} "
            f"/ 年份须在 {MIN_YEAR}–{max_year()} 之间",
            year=year,
            first=MIN_YEAR,
            last=max_year(),
        )
    path = framework_path(framework)
    fw = _framework(path)
    if not any(ind.bulletin is not None for ind in fw.indicators()):
        raise errors.FrameworkError(
            f"framework {fw.code} {fw.version} has no bulletin rules: give its indicators a "
            "'bulletin' field (see docs/en/bulletin.md) / 该指标体系没有公报提取规则"
        )
    with _open(db, create=False) as store:
        codes = store.units()["code"].astype(str).tolist()
    if unit not in codes:
        near = tuple(difflib.get_close_matches(unit, codes, n=3))
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        known = "; the database has no units yet (qcity import-units)" if not codes else ""
        raise UnknownUnit(
            f"unit {unit}: unknown unit code{hint}{known} / 未知的地区代码 {unit}",
            unit=unit,
            near=near,
        )
    try:
        result = read_bulletin(file, fw, unit, year)
    except OSError as exc:
        raise BulletinReadError(str(exc)) from exc
    if result.title_year is not None and result.title_year != year:
        raise BulletinYearError(
            f"{file.name}: the title names {result.title_year}年 but the year given is "
            f"{year}; give {result.title_year} (the year the bulletin reports on); nothing "
            f"written / 公报标题年份为 {result.title_year}，与 {year} 不符，未写入",
            year=year,
            first=MIN_YEAR,
            last=max_year(),
            title_year=result.title_year,
        )
    reading = _reading(result, path, fw.code, fw.version, unit, year)
    if result.proposals.empty and result.ambiguous.empty:
        raise NothingFound(
            f"{file.name}: no figure of framework {fw.code}'s indicators found "
            f"({result.sentences} sentence(s) read); nothing written. Looked for: "
            f"{'; '.join(result.looked_for)} / 未找到可用的指标数值，未写入",
            reading,
        )
    return reading


def _reading(
    result: BulletinResult, path: Path, code: str, version: str, unit: str, year: int
) -> BulletinReading:
    """The typed reading of ``result``."""
    return BulletinReading(
        file_name=result.file_name,
        unit=unit,
        year=year,
        framework_file=path,
        framework_code=code,
        framework_version=version,
        encoding=result.encoding,
        sentences=result.sentences,
        proposals=result.proposals,
        ambiguous=result.ambiguous,
        refused=result.refused,
        review=result.review(),
        notes=tuple(result.notes),
        looked_for=tuple(result.looked_for),
    )


def save_review(reading: BulletinReading, *, out: Path) -> int:
    """Write the review table of ``reading`` to ``out`` (UTF-8 with BOM, so that Excel
    shows the Chinese; formula-guarded cells) whole or not at all; returns its rows."""
    from qcity.data.atomic import atomic_file
    from qcity.data.safe_cells import safe_frame

    with atomic_file(out) as tmp:
        safe_frame(reading.review).to_csv(tmp, index=False, encoding="utf-8-sig")
    return len(reading.review)


def accept_bulletin(
    reading: BulletinReading,
    *,
    db: str | None,
    entered_by: str,
    actor: Actor,
    review_file: Path | None = None,
    accept_implausible: str | None = None,
) -> ImportOutcome:
    """Import the proposals of ``reading`` as an import of its review table does (one
    transaction, status preliminary): ``review_file`` when it was saved already, else a
    temporary copy. ``accept_implausible``: the reason for values outside their
    plausible range. ``InputError`` when every candidate is ambiguous (nothing to
    accept); the errors of ``import_observations`` otherwise, nothing written."""
    from qcity.service.imports import import_observations

    if reading.review.empty:
        raise errors.InputError(
            f"{reading.file_name}: nothing to accept: every candidate is ambiguous / 无可录入数值"
        )

    def run(path: Path) -> ImportOutcome:
        return import_observations(
            db=db,
            file=path,
            framework=reading.framework_file,
            entered_by=entered_by,
            actor=actor,
            accept_implausible=accept_implausible,
        )

    if review_file is not None:
        return run(review_file)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{Path(reading.file_name).stem}.review.csv"
        save_review(reading, out=path)
        return run(path)


__all__ = [
    "BulletinReading",
    "BulletinYearError",
    "NothingFound",
    "UnknownUnit",
    "accept_bulletin",
    "read_bulletin_file",
    "save_review",
]
