"""Row names of yearbook tables (统计年鉴) -> indicator codes, exactly, with hints.

A row names its indicator by code, by its Chinese name, by an alias declared in the
framework, by a declared conversion (``每万人…: 0.1``) or by a name the office confirmed
once (the names file beside the framework, ``liyang.names.yaml`` next to ``liyang.yaml``).
Decoration is removed before comparing: full-width characters, spaces (``指 标``), a
leading ``其中：`` or ``#``, trailing ``*``, and a unit in brackets (``人均地区生产总值(元)``),
which is kept as the row's unit of measure. Nothing is ever matched by similarity: the
closest names only serve as hints for a row that matches nothing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from qcity import errors
from qcity.data.checks import _split_scale
from qcity.framework.aliases import name_key, per_scale
from qcity.framework.model import Framework, Indicator

__all__ = [
    "NameMatch",
    "NameMatcher",
    "NamesFileError",
    "RowName",
    "convert",
    "load_names",
    "names_path",
    "save_names",
    "split_decoration",
    "unit_factor",
]

_PREFIX = re.compile(r"^(?:其中[:：]?|#+|内[:：])\s*")
_MARKS = re.compile(r"[\s*※△▲]+$")
_BRACKET = re.compile(r"^(?P<name>.+?)\s*\((?P<unit>[^()]*)\)$")

#: Conversions between units that are exact whatever the indicator (declared -> expected).
_PER_MILLE = {("‰", "%"): 0.1, ("%", "‰"): 10.0}


@dataclass(frozen=True)
class RowName:
    """A row's name as written (``text``), without decoration (``full``), without its
    last bracket (``name``) and the text of that bracket (``bracket_unit``)."""

    text: str
    full: str
    name: str
    bracket_unit: str


@dataclass(frozen=True)
class NameMatch:
    """The indicator a row names, how (``code``, ``name``, ``alias``, ``conversion``,
    ``saved``), the factor a declared conversion applies, and the unit in
    brackets when the name matched without it."""

    code: str
    how: str
    factor: float = 1.0
    bracket_unit: str = ""


class NamesFileError(errors.InputError, ValueError):
    """A names file (or a ``--name`` given) that cannot be used; the message names the
    file, line and entry."""


def split_decoration(text: str) -> RowName:
    """``其中：人均地区生产总值（元）*`` -> name ``人均地区生产总值``, unit ``元``."""
    plain = unicodedata.normalize("NFKC", text).strip()
    plain = _MARKS.sub("", _PREFIX.sub("", plain))
    m = _BRACKET.match(plain)
    if m is None:
        return RowName(text, plain, plain, "")
    return RowName(text, plain, _MARKS.sub("", m["name"]), m["unit"].strip())


def names_path(framework_file: str | Path) -> Path:
    """The names file beside a framework file: ``liyang.yaml`` -> ``liyang.names.yaml``."""
    path = Path(framework_file)
    return path.with_name(f"{path.stem}.names.yaml")


def load_names(path: Path) -> dict[str, str]:
    """The confirmed names in ``path`` (row name -> indicator code); {} when there is no
    such file. ``NamesFileError`` naming file and line for anything else than a mapping
    ``names: {row name: code}``."""
    if not path.is_file():
        return {}
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NamesFileError(f"{path}: not a readable YAML file ({exc})") from exc
    names = None
    if isinstance(node, yaml.MappingNode):
        names = next((v for k, v in node.value if k.value == "names"), None)
    if not isinstance(names, yaml.MappingNode):
        raise NamesFileError(f"{path}: expected a mapping 'names:' of row name -> indicator code")
    out: dict[str, str] = {}
    for key, value in names.value:
        line = key.start_mark.line + 1
        if not isinstance(value, yaml.ScalarNode) or not str(value.value).strip():
            raise NamesFileError(f"{path}:{line}: [{key.value}] give one indicator code")
        out[str(key.value)] = str(value.value).strip()
    return out


def save_names(path: Path, names: dict[str, str], framework: Framework) -> None:
    """Write the confirmed names (sorted) to ``path``, keeping nothing else."""
    header = (
        "# Row names of yearbook tables confirmed by the statistics office: row name -> "
        "indicator code.\n# 统计年鉴行名与指标代码的对应（经确认）。Written by `qcity import "
        "--save-names`; read by every\n# `qcity import --unit` with this framework.\n"
    )
    body = yaml.safe_dump(
        {"framework": framework.code, "names": dict(sorted(names.items()))},
        allow_unicode=True,
        sort_keys=False,
    )
    path.write_text(header + body, encoding="utf-8")


def unit_factor(declared: str, ind: Indicator) -> float | None:
    """The factor turning values in ``declared`` into ``ind``'s unit when that is exact
    (元/万元/亿元, 人/万人, %/‰) or declared in ``ind.conversions``; None otherwise."""
    declared = unicodedata.normalize("NFKC", declared).strip()
    expected = unicodedata.normalize("NFKC", ind.unit).strip()
    if declared == expected:
        return 1.0
    for key, factor in ind.conversions.items():
        if name_key(key) == name_key(declared):
            return float(factor)
    if (declared, expected) in _PER_MILLE:
        return _PER_MILLE[(declared, expected)]
    f_decl, base_decl = _split_scale(declared)
    f_exp, base_exp = _split_scale(expected)
    if base_decl and base_decl == base_exp:
        return f_decl / f_exp
    return None


def convert(value: float, factor: float) -> float:
    """``value * factor`` in decimal, so that 1.2345 万元 gives 12345.0 元 exactly."""
    return float(Decimal(repr(float(value))) * Decimal(repr(float(factor))))


class NameMatcher:
    """Every name a row may use for an indicator of ``framework``, plus ``saved`` names
    (row name -> code). ``NamesFileError`` when a saved name points at no indicator or at
    another indicator than the framework's own name for it."""

    def __init__(
        self,
        framework: Framework,
        saved: dict[str, str] | None = None,
        where: str = "confirmed names (--name, names file)",
    ) -> None:
        """Build the lookup table; ``where`` names the origin of ``saved`` in errors."""
        self.framework = framework
        self.indicators = {ind.code: ind for ind in framework.indicators()}
        self._table: dict[str, list[NameMatch]] = {}
        self._display: dict[str, str] = {}
        for ind in self.indicators.values():
            self._add(ind.code, NameMatch(ind.code, "code"))
            self._add(ind.name_zh, NameMatch(ind.code, "name"))
            for alias in ind.aliases:
                self._add(alias, NameMatch(ind.code, "alias"))
            for key, factor in ind.conversions.items():
                self._add(key, NameMatch(ind.code, "conversion", float(factor)))
        for text, code in (saved or {}).items():
            if code not in self.indicators:
                raise NamesFileError(
                    f"{where}: [{text}] {code!r} is not an indicator of framework "
                    f"{framework.code} {framework.version}"
                )
            own = self._table.get(name_key(split_decoration(text).full), [])
            clash = [m.code for m in own if m.how != "conversion" and m.code != code]
            if clash:
                raise NamesFileError(
                    f"{where}: [{text}] is already a name of {clash[0]} in the framework, "
                    f"not of {code}; remove the entry"
                )
            ind = self.indicators[code]
            if per_scale(text) != per_scale(ind.name_zh):
                raise NamesFileError(
                    f"{where}: [{text}] counts per {per_scale(text) or '(none)'} but {code} "
                    f"{ind.name_zh} per {per_scale(ind.name_zh) or '(none)'}: a different "
                    "indicator, never a silent 10x; declare the conversion in the framework "
                    f"(conversions: {{{split_decoration(text).name}: factor}}) instead"
                )
            self._add(split_decoration(text).full, NameMatch(code, "saved"))

    def _add(self, text: str, match: NameMatch) -> None:
        key = name_key(text)
        found = self._table.setdefault(key, [])
        if all(m.code != match.code for m in found):
            found.append(match)
        if match.how != "code":  # hints show names, not codes
            self._display.setdefault(key, f"{text} ({match.code})")

    def lookup(self, text: str) -> tuple[NameMatch | None, str]:
        """The indicator named by a row's text and why not when none: ``(match, "")``
        or ``(None, reason)``. The name is tried with its brackets, then without (the
        bracket then holds the unit of measure)."""
        row = split_decoration(text)
        tries = [(row.full, "")] + ([(row.name, row.bracket_unit)] if row.bracket_unit else [])
        for name, unit in tries:
            found = self._table.get(name_key(name), [])
            if len(found) == 1:
                return NameMatch(found[0].code, found[0].how, found[0].factor, unit), ""
            if len(found) > 1:
                codes = ", ".join(f.code for f in found)
                return None, f"the name is declared for several indicators ({codes})"
        return None, "no indicator has this code, name or alias"

    def hints(self, text: str, n: int = 3) -> list[str]:
        """The closest names (``name (CODE)``): shown to help, never used to match."""
        key = name_key(split_decoration(text).name)
        close = difflib.get_close_matches(key, list(self._display), n=n, cutoff=0.4)
        return [self._display[c] for c in close]
