"""The framework's bulletin rules as what the extractor looks for.

Each indicator with a ``bulletin`` rule, and each inline term of a ``derive`` (GDP, the
resident population), becomes a ``Target``: a key, its measure, the unit the text states
it in and the unit the value is stored in. ``names`` maps every phrasing to the targets
it introduces (``地区生产总值`` introduces both the GDP total and its growth rate: the
figure's kind decides which), and ``pattern`` finds the phrasings, longest first, so that
``人均地区生产总值`` is never read as ``地区生产总值``. An indicator's phrasings are its
rule's ``names`` plus its Chinese name and its ``aliases`` (the names the yearbook import
uses), so that a name declared once serves both readers. Each phrasing is also looked
for in the spellings bulletins use for the same name (``spellings``): 每千人口 / 每千常住人口
/ 每千人拥有 and the base after the count, a leading 全社会 or none, 比率 / 比例, 占…的比重,
R&D / 研发 / 研究与试验发展, GDP / 地区生产总值 and 占全区生产总值, 浓度 / 浓度值, a trailing 数;
so a rule need not list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from qcity import errors
from qcity.data.bulletin.numbers import convert
from qcity.data.bulletin.text import narrow
from qcity.framework.bulletin import BulletinTerm, Derive
from qcity.framework.model import Framework

#: ASCII lower-case letters to upper case, one to one (positions in the text stay).
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def latin_upper(text: str) -> str:
    """``text`` with ASCII letters in upper case: phrasings are found whatever the case of
    an abbreviation (``GDp``, ``gdp``), and the text keeps its length."""
    return text.translate(_UPPER)


#: Spellings of one name that bulletins use interchangeably: each pattern's match may be
#: written as any of its alternatives (a per-thousand base, 比率 and 比例, 占…的比重).
SPELLINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"每千(?:常住)?(?:人口|人)(?:拥有)?",
        ("每千常住人口", "每千人口", "每千人", "每千常住人口拥有", "每千人口拥有", "每千人拥有"),
    ),
    (
        r"每万(?:常住)?(?:人口|人)(?:拥有)?",
        ("每万常住人口", "每万人口", "每万人", "每万常住人口拥有", "每万人口拥有", "每万人拥有"),
    ),
    (r"比率|比例", ("比率", "比例")),
    (
        r"研究与试验发展\(R&D\)|研究与试验发展|R&D|研发",
        ("研究与试验发展(R&D)", "研究与试验发展", "R&D", "研发"),
    ),
    (r"地区生产总值|GDP", ("地区生产总值", "GDP", "生产总值")),
    (r"的比重|比重", ("的比重", "比重")),
    (r"^空气质量|^环境空气质量", ("空气质量", "环境空气质量")),
    (r"^全社会", ("全社会", "")),
    (r"浓度值$|浓度$", ("浓度", "浓度值")),
)
_SPELLINGS = [(re.compile(p), alts) for p, alts in SPELLINGS]

#: A share of GDP inside a name (``占地区生产总值比重``, ``相当于GDP的``), where
#: bulletins put the place's framing word (``占全区生产总值的比重``).
_SHARE_OF_GDP = re.compile(r"(占|相当于)(?:地区生产总值|GDP|生产总值)")
_PLACE_WORDS = ("全市", "全区", "全县", "全镇", "全旗")

#: A name that starts with its per-thousand (per-ten-thousand) base, and the rest.
_PER_BASE = re.compile(r"^(每[千万](?:常住)?(?:人口|人)(?:拥有)?)(.*)$")

#: Ends of a count's name that bulletins drop or add (``…医师数`` / ``…医师``).
_COUNT_END = re.compile(r"(?:床位|医师|医生|病床)数?$")


def spellings(name: str) -> list[str]:
    """``name`` and the other spellings of it (``SPELLINGS``; a count's name with and
    without its trailing 数), ``name`` first."""
    out = [name]
    for pattern, alternatives in _SPELLINGS:
        more = []
        for n in out:
            m = pattern.search(n)
            if m is not None:
                more += [n[: m.start()] + a + n[m.end() :] for a in alternatives]
        out += [n for n in more if n not in out]
    for n in list(out):  # 占全区生产总值的比重: the place's framing word inside the name
        m = _SHARE_OF_GDP.search(n)
        if m is not None:
            more = [n[: m.end(1)] + w + n[m.end(1) :] for w in _PLACE_WORDS]
            out += [x for x in more if x not in out]
    for n in list(out):  # 高价值发明专利拥有量每万人: the base written after the count
        m = _PER_BASE.match(n)
        if m is not None and m.group(2):
            inverted = m.group(2) + m.group(1).replace("拥有", "")
            if inverted not in out:
                out.append(inverted)
    for n in list(out):
        if _COUNT_END.search(n):
            other = n[:-1] if n.endswith("数") else n + "数"
            if other not in out:
                out.append(other)
    return out


class BulletinRuleError(errors.InputError, ValueError):
    """A bulletin rule that cannot be used (a derive operand naming no indicator)."""


@dataclass(frozen=True)
class Target:
    """Something the text states: an indicator (``key`` = its code) or a derive term
    (``key`` = ``EC01:total``), with its measure, text unit, stored unit and label."""

    key: str
    measure: str
    text_unit: str
    store_unit: str
    label: str

    @property
    def is_indicator(self) -> bool:
        """True for an indicator of the framework, False for a derive term."""
        return ":" not in self.key


@dataclass
class Rules:
    """Every target, the phrasings introducing each, the derive rules by indicator code,
    and the indicators' names and units (to label the output)."""

    targets: dict[str, Target] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    derive: dict[str, Derive] = field(default_factory=dict)
    operands: dict[str, tuple[str, str]] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None
    scope: dict[str, re.Pattern[str]] = field(default_factory=dict)
    heads: dict[str, list[str]] = field(default_factory=dict)

    def strip_scope(self, gap: str, keys: list[str]) -> str:
        """``gap`` without the scope words every one of ``keys`` accepts (县城, 城区)."""
        patterns = [self.scope.get(k) for k in keys]
        if not keys or any(p is None for p in patterns):
            return gap
        for p in patterns:
            assert p is not None
            gap = p.sub("", gap)
        return gap

    def add(self, target: Target, names: list[str]) -> None:
        """Register ``target`` under each of ``names`` (narrowed, as the text is read).
        A name ``HEAD…TAIL`` is the phrasing TAIL said right after a clause naming HEAD
        (``城镇人口…占常住人口比重``: the share the town population makes of the residents,
        i.e. the urbanisation rate, in a sentence that never names it)."""
        self.targets[target.key] = target
        for full in names:
            head, _, tail = full.rpartition("…")
            for name in (latin_upper(narrow(s)) for s in spellings(tail)):
                if head:
                    self.heads.setdefault(name, []).append(latin_upper(narrow(head)))
                self._register(name, target.key)

    def _register(self, name: str, key: str) -> None:
        """``name`` introduces ``key``."""
        keys = self.names.setdefault(name, [])
        if key not in keys:
            keys.append(key)


def _term_key(code: str, role: str, term: BulletinTerm | str, rules: Rules, fw: Framework) -> str:
    """The key of a derive operand: an indicator code as is, an inline term registered
    as ``CODE:role``."""
    if isinstance(term, str):
        if term not in {i.code for i in fw.indicators()}:
            raise BulletinRuleError(
                f"framework {fw.code}: {code}.bulletin.derive.{role} is {term!r}, which is "
                "not an indicator code of the framework; name an indicator or give the "
                "figure as {names, measure, unit} / 派生运算项不是本指标体系的指标代码"
            )
        return term
    key = f"{code}:{role}"
    rules.add(Target(key, term.measure, term.unit, term.unit, term.names[0]), term.names)
    return key


#: A trie of phrasings: each character to the rest ("" marks the end of a phrasing).
_Trie = dict[str, "_Trie"]


def trie_pattern(words: list[str]) -> str:
    """A regular expression matching any of ``words``, the longest one at a position
    (as an alternation sorted longest first would), written as a trie so that a thousand
    phrasings compile and match quickly."""
    trie: _Trie = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:  # a word ends here: the longer ones are tried first (greedy)
            return f"(?:{body})?"
        return body

    return build(trie)


def compile_rules(fw: Framework) -> Rules:
    """The bulletin rules of ``fw``; empty when no indicator has one.
    ``BulletinRuleError`` when a derive operand names no indicator of ``fw`` or a rule's
    unit cannot be converted to its indicator's."""
    rules = Rules()
    for ind in fw.indicators():
        rule = ind.bulletin
        if rule is None:
            continue
        unit = ind.unit
        text_unit = rule.unit or ("%" if rule.measure in ("growth", "share") else unit)
        target = Target(ind.code, rule.measure, text_unit, unit, ind.name_zh)
        if convert(Decimal(1), text_unit, unit) is None:
            raise BulletinRuleError(
                f"framework {fw.code}: {ind.code}.bulletin.unit is {text_unit!r}, which cannot "
                f"be converted to the indicator's unit {unit!r}; give the unit the bulletin "
                "uses for this indicator (万元 for 元, % for a rate) / 公报单位无法换算为指标单位"
            )
        rules.targets[ind.code] = target
        rules.add(target, [*rule.names, ind.name_zh, *ind.aliases])
        if rule.scope:
            words = sorted((narrow(w) for w in rule.scope), key=len, reverse=True)
            rules.scope[ind.code] = re.compile("|".join(re.escape(w) for w in words))
        if rule.derive is not None:
            rules.derive[ind.code] = rule.derive
            roles = ("total", "population") if rule.derive.op == "per_capita" else None
            roles = roles or ("numerator", "denominator")
            a, b = rule.derive.operands()
            rules.operands[ind.code] = (
                _term_key(ind.code, roles[0], a, rules, fw),
                _term_key(ind.code, roles[1], b, rules, fw),
            )
    if rules.names:
        rules.pattern = re.compile(trie_pattern(list(rules.names)))
    return rules
