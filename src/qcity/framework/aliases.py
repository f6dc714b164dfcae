"""Indicator aliases and declared conversions: the form names are compared in, and checks.

A yearbook (统计年鉴) names an indicator in its own words; ``aliases`` lists those words
and ``conversions`` declares a row name or unit of measure whose values need a factor
(``每万人市场主体数: 0.1`` for a 每千人 indicator). A name must point at one indicator
only, so an alias shared by two indicators, or equal to another indicator's code or
Chinese name, is an error naming both places.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from qcity.framework.tree import Context, Item, is_finite, number
from qcity.framework.yaml_lines import Path

__all__ = ["check_aliases", "name_key", "per_scale"]


def name_key(text: str) -> str:
    """The form names are compared in: NFKC (full-width -> ASCII), no white space at all
    (``指 标`` = ``指标``), lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


#: "Per how many" in a name: 每万人 -> 万, 每千常住人口 -> 千, 万人高价值… -> 万.
_PER = re.compile(r"每(十万|百万|千万|[十百千万])|^(十万|[十百千万])人")


def per_scale(name: str) -> str:
    """The denominator's scale written in an indicator name (``每万人…`` -> ``万``,
    ``每千人…`` -> ``千``), "" when it names none. Two names with different scales are
    different indicators (a silent 10x otherwise) unless a conversion is declared."""
    m = _PER.search(name_key(name))
    return (m.group(1) or m.group(2)) if m else ""


def _owned_names(items: list[Item]) -> dict[str, tuple[Item, Path]]:
    """Key of each indicator's code and Chinese name -> (indicator, where it is written)."""
    owned: dict[str, tuple[Item, Path]] = {}
    for item in items:
        for key in ("code", "name_zh"):
            value = item.data.get(key)
            if isinstance(value, str) and value.strip():
                owned.setdefault(name_key(value), (item, (*item.path, key)))
    return owned


def _strings(item: Item, key: str) -> list[tuple[Path, str]]:
    """The (path, text) of each alias (``key="aliases"``) or conversion key of an item."""
    value: Any = item.data.get(key)
    if key == "aliases" and isinstance(value, list):
        return [((*item.path, key, i), v) for i, v in enumerate(value) if isinstance(v, str)]
    if key == "conversions" and isinstance(value, dict):
        return [((*item.path, key, k), k) for k in value if isinstance(k, str)]
    return []


def check_aliases(ctx: Context, items: list[Item]) -> None:
    """Aliases are not blank and name one indicator only (not shared, not another's code
    or name); conversion factors are positive and finite, and a conversion's name is not
    another indicator's name or alias."""
    indicators = [i for i in items if i.kind == "indicator"]
    owned = _owned_names(indicators)
    aliases: dict[str, tuple[Item, Path]] = {}
    for item in indicators:
        for path, text in _strings(item, "aliases"):
            key = name_key(text)
            if not key:
                ctx.add(path, f"an alias of {item.label} is empty", "delete it or fill it in")
                continue
            other = owned.get(key) or aliases.get(key)
            if other is not None and other[0] is not item:
                line = ctx.lines.line(other[1])
                ctx.add(
                    path,
                    f"alias {text!r} of {item.label} also names {other[0].label}"
                    + (f" (line {line})" if line is not None else ""),
                    "a row name must point at one indicator: keep the alias on one of them",
                )
                continue
            name = item.data.get("name_zh")
            if isinstance(name, str) and per_scale(text) != per_scale(name):
                ctx.add(
                    path,
                    f"alias {text!r} of {item.label} counts per {per_scale(text) or '(none)'}, "
                    f"its name {name!r} per {per_scale(name) or '(none)'}",
                    "a different denominator is a different quantity: declare it under "
                    "'conversions' with its factor instead",
                )
                continue
            aliases.setdefault(key, (item, path))
    names = {**aliases, **owned}
    for item in indicators:
        for path, text in _strings(item, "conversions"):
            key = name_key(text)
            if not key:
                ctx.add(path, f"a conversion of {item.label} has an empty name", "name the row")
                continue
            other = names.get(key)
            if other is not None and other[0] is not item:
                ctx.add(
                    path,
                    f"conversion {text!r} of {item.label} is a name of {other[0].label}",
                    "a row name must point at one indicator: remove one of them",
                )
            factor = number(item.data["conversions"][text])
            if factor is not None and (not is_finite(factor) or factor <= 0):
                ctx.add(
                    path,
                    f"conversion factor of {text!r} in {item.label} is {factor:g}",
                    "use the positive factor that turns its values into the indicator's "
                    "unit, e.g. 0.1 from 每万人 to 每千人",
                )
