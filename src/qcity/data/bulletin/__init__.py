"""Figures read from statistical bulletins (统计公报): ``read_bulletin`` proposes a value
for each indicator whose framework rule (``Indicator.bulletin``) finds it in the text,
with the sentence it came from; competing candidates are listed and never taken."""

from __future__ import annotations

from qcity.data.bulletin.review import (
    EXTRA_COLUMNS,
    REFUSED_COLUMN,
    REFUSED_COLUMNS,
    REVIEW_COLUMNS,
    STATUS,
    BulletinResult,
    Extraction,
    extract,
    looked_for,
    read_bulletin,
)
from qcity.data.bulletin.rules import BulletinRuleError
from qcity.data.bulletin.text import BulletinReadError, decode_bulletin

__all__ = [
    "EXTRA_COLUMNS",
    "REFUSED_COLUMN",
    "REFUSED_COLUMNS",
    "REVIEW_COLUMNS",
    "STATUS",
    "BulletinReadError",
    "BulletinResult",
    "BulletinRuleError",
    "Extraction",
    "decode_bulletin",
    "extract",
    "looked_for",
    "read_bulletin",
]
