"""Numbers as the dashboard's readers expect them.

Chinese: large amounts in 万 (10^4) and 亿 (10^8), a change of a share in 个百分点
(percentage points), scores with one decimal. English: thousands separators, "pp" and
"bn"/"m" are not used (people reading the English page compare with the Chinese one), so
large amounts keep their digits with separators.

    >>> number(123456789, "zh")
    '1.23亿'
    >>> points(1.26, "zh")
    '+1.3个百分点'
"""

from __future__ import annotations

import math

DASH = "–"
"""What a missing value shows."""


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _trim(text: str) -> str:
    """``12.30`` -> ``12.3``, ``12.00`` -> ``12`` (trailing zeros after the point)."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(x: float | None, lang: str = "zh", digits: int = 2) -> str:
    """A measured value: in Chinese ``1.23亿`` from 10^8 and ``4.56万`` from 10^4 (the
    reader's units); in English with thousands separators. ``digits`` significant
    decimals; trailing zeros dropped."""
    if _missing(x):
        return DASH
    assert x is not None
    v = float(x)
    if lang == "zh":
        size = abs(v)
        if size >= 1e8:
            return _trim(f"{v / 1e8:.{digits}f}") + "亿"
        if size >= 1e4:
            return _trim(f"{v / 1e4:.{digits}f}") + "万"
        return _trim(f"{v:.{digits}f}")
    if abs(v) >= 1e4:
        return f"{v:,.0f}"
    return _trim(f"{v:,.{digits}f}")


def score(x: float | None) -> str:
    """A score on the 0-100 scale, one decimal."""
    if _missing(x):
        return DASH
    assert x is not None
    return f"{float(x):.1f}"


def points(delta: float | None, lang: str = "zh", digits: int = 1) -> str:
    """A change of a percentage or score, signed: ``+1.3个百分点`` / ``+1.3 pp``."""
    if _missing(delta):
        return DASH
    assert delta is not None
    text = f"{float(delta):+.{digits}f}"
    if text in (f"+{0:.{digits}f}", f"-{0:.{digits}f}"):
        text = f"{0:.{digits}f}"
    return f"{text}个百分点" if lang == "zh" else f"{text} pp"


def change(delta: float | None, digits: int = 1) -> str:
    """A signed change of a score (points on the 0-100 scale): ``+2.5``, ``-0.4``."""
    if _missing(delta):
        return DASH
    assert delta is not None
    text = f"{float(delta):+.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text


def rank(r: int | float | None, n: int | None = None, lang: str = "zh") -> str:
    """A rank, optionally out of ``n``: ``第3名/10`` / ``3 of 10``."""
    if _missing(r if not isinstance(r, int) else float(r)):
        return DASH
    assert r is not None
    k = int(r)
    if lang == "zh":
        return f"第{k}名" + (f"/{n}" if n else "")
    return f"{k}" + (f" of {n}" if n else "")


def value_with_unit(x: float | None, unit: str, lang: str = "zh") -> str:
    """A value and its unit of measure: ``12.3万元`` in Chinese, ``123,456 元`` in English
    (a ``%`` sticks to the number in both)."""
    text = number(x, lang)
    if text == DASH or not unit:
        return text
    return f"{text}{unit}" if unit == "%" or lang == "zh" else f"{text} {unit}"
