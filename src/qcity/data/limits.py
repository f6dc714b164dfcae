"""The one table of text length limits, checked where text enters qcity (file imports,
the workflow, user accounts, the web) so that SQLite and PostgreSQL accept and refuse the
same input: PostgreSQL refuses a ``VARCHAR(n)`` value over ``n`` characters, SQLite
stores it, and a backup of the one would not restore into the other.

``LIMITS`` maps ``table.column`` to the most characters it holds: every ``String(n)``
column of ``qcity.data.schema`` gives ``n``; the ``Text`` columns people type into
(sources, flags, comments) get the limit of ``TEXT_LIMITS``. Lengths count characters
(as PostgreSQL does), not bytes.

    check_length("users.name", "wang", field="name")            # fine
    too_long(frame["source"], "observations.source")             # a boolean mask
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import String, Text

from qcity.data.schema import Base
from qcity.data.tables import StoreError

#: The limits of the free-text ``Text`` columns (no length in the schema): a source, a
#: flag, a reviewer's comment.
TEXT_LIMITS: dict[str, int] = {
    "observations.source": 1000,
    "observations.flag": 1000,
    "value_reviews.comment": 2000,
}


def _column_limits() -> dict[str, int]:
    """``table.column`` -> length of every ``String(n)`` column of the schema."""
    out: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, String) and not isinstance(kind, Text) and kind.length:
                out[f"{table.name}.{column.name}"] = int(kind.length)
    return out


#: The most characters each text column holds (``table.column``).
LIMITS: dict[str, int] = {**_column_limits(), **TEXT_LIMITS}

#: The longest name of an uploaded file (characters; a file system takes 255 bytes).
FILE_NAME_LIMIT = 200


class TooLongError(StoreError):
    """A text longer than its column holds; ``field`` names it, ``limit`` the maximum."""

    def __init__(self, message: str, field: str, limit: int) -> None:
        super().__init__(message)
        self.field, self.limit = field, limit


def limit_of(column: str) -> int:
    """The limit of ``table.column`` (``KeyError`` naming the known ones otherwise)."""
    try:
        return LIMITS[column]
    except KeyError:
        raise KeyError(f"no length limit for {column!r}; known: {', '.join(LIMITS)}") from None


def check_length(column: str, value: Any, *, field: str | None = None, where: str = "") -> None:
    """``TooLongError`` when the text ``value`` is longer than ``column`` holds; the
    message names ``where`` (file, row), the field, the length and the limit."""
    if value is None:
        return
    n, limit = len(str(value)), limit_of(column)
    if n > limit:
        name = field or column.split(".")[-1]
        raise TooLongError(
            f"{where}{'' if not where else ', '}field {name}: {n} characters, at most {limit} "
            f"/ 字段过长（最多 {limit} 个字符）; shorten it",
            name,
            limit,
        )


def check_lengths(table: str, values: dict[str, Any], *, where: str = "") -> None:
    """``check_length`` of each ``column: value`` of a row of ``table`` (columns without
    a limit are skipped)."""
    for column, value in values.items():
        if f"{table}.{column}" in LIMITS:
            check_length(f"{table}.{column}", value, field=column, where=where)


def too_long(values: pd.Series, column: str) -> np.ndarray:
    """A mask of the cells of ``values`` (text or missing) longer than ``column`` holds."""
    lengths = values.astype("string").str.len().fillna(0).to_numpy(dtype="int64")
    return np.asarray(lengths > limit_of(column), dtype=bool)


def length_problems(frame: pd.DataFrame, columns: dict[str, str]) -> list[tuple[int, str, int]]:
    """``(row position, field, length)`` of every too-long cell: ``columns`` maps each
    field of ``frame`` to its ``table.column`` (missing fields are skipped)."""
    out: list[tuple[int, str, int]] = []
    for field_name, column in columns.items():
        if field_name not in frame:
            continue
        mask = too_long(frame[field_name], column)
        for i in np.flatnonzero(mask):
            out.append((int(i), field_name, len(str(frame[field_name].iloc[i]))))
    return sorted(out)


def refuse_too_long(frame: pd.DataFrame, columns: dict[str, str], what: str) -> None:
    """``TooLongError`` naming the first too-long cell of a file's rows (``what``: "units",
    "groups" ...; row numbers as in the file, its header being row 1)."""
    for i, field_name, n in length_problems(frame, columns):
        limit = LIMITS[columns[field_name]]
        raise TooLongError(
            f"{what} row {i + 2} (row 1 = header), field {field_name}: {n} characters, at "
            f"most {limit} / 字段过长; shorten it",
            field_name,
            limit,
        )


__all__ = [
    "FILE_NAME_LIMIT",
    "LIMITS",
    "TEXT_LIMITS",
    "TooLongError",
    "check_length",
    "check_lengths",
    "length_problems",
    "limit_of",
    "refuse_too_long",
    "too_long",
]
