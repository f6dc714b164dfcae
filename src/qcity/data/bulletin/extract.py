"""Find the framework's figures in a bulletin's sentences: a number belongs to the subject
of its clause, and competing candidates are listed, never taken.

Within a sentence the clauses are read left to right, keeping the current subject: a
phrasing of the rules (``地区生产总值``) sets it; a clause that only continues
(``比上年增长5.2%``, ``按可比价计算``) keeps it; any other words before a number or a
phrasing (``其中，第一产业增加值54.10亿元``, ``城镇常住人口``, ``年均增长``, ``折合``) make
the subject unknown, and what follows is not attributed. Words that only frame a figure
(全年, 实现, 达到, 比上年, 2023年 ...) are in ``FRAMING``. A phrasing preceded by other
words is someone else's subject (``天目湖景区接待游客`` is not the city's 接待游客).
A figure followed by 左右/以上/余 is approximate and never taken.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from qcity.data.bulletin.numbers import Figure, classify, convert, find_figures, split_unit
from qcity.data.bulletin.rules import Rules, Target
from qcity.data.bulletin.text import Sentence

#: Words that frame a figure without naming another subject; removed before deciding
#: whether the words between a subject and a number name something else.
FRAMING: tuple[str, ...] = (
    r"\d{4}年度?",
    r"\d{1,2}\s*[-—~至]\s*\d{1,2}月",
    r"\d{1,2}月(?:末|底)?",
    "经初步核算",
    "据初步核算",
    "初步核算",
    "根据统计快报",
    "统计快报",
    "快报",
    "全年",
    "年末",
    "年底",
    "全市",
    "全县",
    "本市",
    "我市",
    "共有",
    "共计",
    "合计",
    "累计",
    "实现",
    "完成",
    "达到",
    "比上年末",
    "比上年",
    "较上年",
    "比去年",
    "同比",
    "增长",
    "增速",
    "增幅",
    "增加",
    "净增",
    "提高",
    "上升",
    "下降",
    "减少",
    "回落",
    "降低",
    "下滑",
    "缩小至",
    "扩大至",
    "提高到",
    "提高至",
    "下降到",
    "下降至",
    "上升至",
    "上升到",
    "降至",
    "增至",
    "其中",
    "分别",
    "为",
    "达",
    "是",
    "共",
    "了",
)
_FRAMING = re.compile("|".join(sorted(FRAMING, key=len, reverse=True)))

#: Text removed before phrasings are looked for: ``按常住人口计算`` says how a figure is
#: computed, it does not make 常住人口 the subject.
_BASIS = re.compile(r"按[^，。；,]{1,12}?计算")

#: Letters that name something: CJK ideographs, Roman numerals, Latin letters.
_WORDS = re.compile(r"[\u3400-\u9fff\u2160-\u217fA-Za-z]")

#: Right after a figure: it is approximate or a bound, not a value.
_APPROXIMATE = re.compile(r"^\s*(?:左右|以上|以下|之间|余|多|强|上下)")


@dataclass(frozen=True)
class Candidate:
    """A value proposed for ``key`` (in the target's stored unit) from one sentence;
    ``plural`` when the clause says 分别 (several subjects share the numbers)."""

    key: str
    value: Decimal
    sentence: Sentence
    plural: bool = False


@dataclass
class Scan:
    """Every candidate found, by key."""

    by_key: dict[str, list[Candidate]] = field(default_factory=lambda: defaultdict(list))


def names_something(gap: str) -> bool:
    """True if ``gap`` holds words other than framing (so it names another subject)."""
    return bool(_WORDS.search(_FRAMING.sub("", gap)))


def _accepts(target: Target, figure: Figure) -> Decimal | None:
    """The figure's value in the target's stored unit if it is the target's measure and
    unit, else None."""
    if target.measure in ("growth", "share"):
        if figure.kind != target.measure or figure.unit != "%":
            return None
        return figure.value if target.store_unit == "%" else None
    if figure.kind != "level" or figure.unit in ("%", "‰"):
        return None
    if convert(figure.value, figure.unit, target.text_unit) is None:
        return None
    return convert(figure.value, figure.unit, target.store_unit)


def scan_sentence(sentence: Sentence, rules: Rules) -> list[Candidate]:
    """The candidates of one sentence (see the module docstring for the reading)."""
    if rules.pattern is None:
        return []
    text = _BASIS.sub(lambda m: " " * len(m.group()), sentence.text)
    out: list[Candidate] = []
    current: list[str] | None = None
    for a, b in sentence.clauses:
        clause = text[a:b]
        plural = "分别" in clause
        mentions = [(m.start(), m.end(), m.group()) for m in rules.pattern.finditer(clause)]
        taken = [(s, e) for s, e, _ in mentions]
        figures = [
            f for f in find_figures(clause) if not any(s < f[1] and f[0] < e for s, e in taken)
        ]
        tokens = sorted(
            [(s, e, "name", n) for s, e, n in mentions]
            + [(s, e, "figure", (num, unit)) for s, e, num, unit in figures],
            key=lambda t: t[0],
        )
        pos = 0
        for start, end, kind, payload in tokens:
            gap = clause[pos:start]
            dirty = names_something(gap) and not plural  # 分别: all competing anyway
            pos = end
            if kind == "name":
                assert isinstance(payload, str)
                current = None if dirty else rules.names[payload]
                continue
            assert isinstance(payload, tuple)
            number, unit = payload
            if dirty:
                current = None
            if current is None or _APPROXIMATE.match(clause[end:]):
                continue
            fkind, value = classify(number, unit, gap)
            figure = Figure(value, unit, fkind, start, end)
            for key in current:
                stored = _accepts(rules.targets[key], figure)
                if stored is not None:
                    out.append(Candidate(key, stored, sentence, plural))
        if names_something(clause[pos:]):
            current = None
    return out


def scan(sentences: list[Sentence], rules: Rules) -> dict[str, list[Candidate]]:
    """Every candidate of the bulletin, by target key, in reading order."""
    found: dict[str, list[Candidate]] = defaultdict(list)
    for sentence in sentences:
        for c in scan_sentence(sentence, rules):
            found[c.key].append(c)
    return dict(found)


def resolve(
    found: dict[str, list[Candidate]],
) -> tuple[dict[str, Candidate], dict[str, list[Candidate]]]:
    """(taken, competing): a key is taken when all its candidates agree on one value and
    none comes from a 分别 clause; otherwise every candidate is listed and none taken."""
    taken: dict[str, Candidate] = {}
    competing: dict[str, list[Candidate]] = {}
    for key, cands in found.items():
        values = {c.value.normalize() for c in cands}
        if len(values) == 1 and not any(c.plural for c in cands):
            taken[key] = cands[0]
        else:
            competing[key] = cands
    return taken, competing


#: Decimal places of a derived value.
DERIVED_PLACES = Decimal("0.01")


def derive_value(op: str, a: Decimal, a_unit: str, b: Decimal, b_unit: str, to: str) -> Decimal:
    """``a ÷ b`` in unit ``to``: per capita divides the amounts in their base units
    (亿元 ÷ 万人 -> 元 per person); a ratio divides two figures in the same unit."""
    if op == "per_capita":
        fa, base_a = split_unit(a_unit)
        fb, _ = split_unit(b_unit)
        per_head = (a * fa) / (b * fb)
        result = convert(per_head, base_a, to)
    else:
        b_same = convert(b, b_unit, a_unit)
        result = None if b_same is None or b_same == 0 else a / b_same
    if result is None:
        raise ValueError(f"cannot express {a_unit} ÷ {b_unit} in {to}")
    return result.quantize(DERIVED_PLACES)
