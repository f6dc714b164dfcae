"""Find the framework's figures in a bulletin's sentences: a number belongs to the subject
of its clause; qualifiers decide between candidates, and competing ones are never taken.

Within a sentence the clauses are read left to right, keeping the current subject: a
phrasing of the rules (``地区生产总值``) sets it; a clause that only continues
(``比上年增长5.2%``, ``按可比价计算``) keeps it; any other words before a number or a
phrasing (``其中，第一产业增加值54.10亿元``, ``城镇常住人口``, ``折合``) make the subject
unknown, and what follows is not attributed. Words that only frame a figure (全年, 实现,
比上年, 2023年, the place's own framing word 全市/全区/我县/本镇 and its name ...) are in
``FRAMING``. A phrasing preceded by other words is someone else's subject (``天目湖景区接待
游客`` is not the city's 接待游客); a phrasing in brackets names what precedes it
(``占总人口比重(常住人口城镇化率)为66.8%``).

Qualifiers (``QUALIFIERS``) are read, not erased: a figure that 不含 an area, counts by the
registered population (按户籍人口计算), is a 中位数, a multi-year average, part of the year
(前三季度) or another year (上年, 2021年 in a 2023 bulletin) is *refused* with that reason,
so that the clerk sees it and it never competes with the place's own value. A qualifier
in a clause of its own applies to the next clause; in brackets right after a figure, to
that figure. A figure followed by 左右/以上/余 is approximate and never taken.

Lists: a name written once for two subjects is read for both (``elision``); with 分别, one
figure per listed subject pairs them in order, otherwise the figures compete. A phrasing
with a required head (``城镇人口…占常住人口比重``) names its subject only right after a
clause naming the head; elsewhere its figure is refused as another subject's.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from qcity import errors
from qcity.data.bulletin.elision import elided
from qcity.data.bulletin.numbers import Figure, classify, convert, find_figures, split_unit
from qcity.data.bulletin.rules import Rules, Target, latin_upper
from qcity.data.bulletin.text import Sentence

#: Words that frame a figure without naming another subject; removed before deciding
#: whether the words between a subject and a number name something else. A place's own
#: framing word is a class (全/本/我 + 市/区/县/镇/旗/乡), not a list of places.
FRAMING: tuple[str, ...] = (
    r"\d{4}年度?",
    r"\d{1,2}\s*[-—~至]\s*\d{1,2}月",
    r"\d{1,2}月(?:末|底)?",
    r"[全本我](?:市|区|县|镇|旗|乡|州)(?:域)?",
    r"[比较]\d{4}年(?:同期)?",
    "全社会",
    "(?:可吸入|细)?颗粒物",
    r"(?:经|据)?初步(?:核算|测算|统计)",
    r"(?:根据|据)?统计快报",
    "快报",
    "全年",
    "年末",
    "年底",
    "共有",
    "共计",
    "合计",
    "累计",
    "实现",
    "完成",
    "达到",
    "相当于",
    "稳定在",
    "保持在",
    "控制在",
    "平均",
    "人员",
    "和",
    "与",
    "及",
    "金额",
    "总额",
    "总量",
    "比上年同期",
    "较上年同期",
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
    "缩小为",
    "缩小到",
    "扩大至",
    "扩大为",
    "扩大到",
    "调整为",
    "提高到",
    "提高至",
    "下降到",
    "下降至",
    "上升至",
    "上升到",
    "降至",
    "增至",
    "名义",
    "其中",
    "分别",
    "常住",
    "为",
    "达",
    "是",
    "共",
    "了",
    "的",
)
_FRAMING = re.compile("|".join(sorted(FRAMING, key=len, reverse=True)))

#: How a figure is computed (``按常住人口计算``, ``按可比价格计算``) says nothing of its
#: subject and is blanked before phrasings are looked for; which population it counts by
#: is kept as ``户籍`` or ``常住`` (same length, same positions): 户籍 refuses a figure,
#: 常住 lifts that refusal for the figures after it.
_BASIS = re.compile(r"按[^，。；,:(]{1,12}?计算")

#: The reason of a figure counted by the registered population.
REGISTERED = "registered population, not resident / 按户籍人口，非常住人口"

#: Qualifiers that make a figure not the place's own value of the year, each with the
#: reason shown to the clerk, first match wins.
QUALIFIERS: tuple[tuple[str, str], ...] = (
    (r"不含|不包括|未含|剔除|除[^，,]{1,10}外", "excluded area / 不含部分区域"),
    (r"户籍", REGISTERED),
    (r"中位数", "median, not the mean / 中位数，非平均数"),
    (r"[两二三四五十]年平均|年均|年平均增", "average over years / 多年平均"),
    (
        r"前[一二三]季度|[一二三四]季度|上半年|下半年|\d{1,2}\s*[-—~至]\s*(?:[1-9]|1[01])月",
        "part of the year / 非全年数",
    ),
    (r"上年|去年|前年", "another year / 其他年份"),
)
_QUALIFIERS = [(re.compile(p), why) for p, why in QUALIFIERS]

#: Comparisons with last year, which every growth rate makes (not another year's value).
_SAME_BASE = re.compile(
    r"[比较]上年(?:同期|末)?|比去年(?:同期)?|与上年(?:同期)?(?:相比|基本持平|持平)"
)

#: A year in the text, with the comparison word before it (比2022年 is last year's base).
_YEAR = re.compile(r"(?P<cmp>[比较与])?(?P<y>\d{4})年")

#: Letters that name something: CJK ideographs, Roman numerals, Latin letters.
_WORDS = re.compile(r"[\u3400-\u9fff\u2160-\u217fA-Za-z]")

#: Right after a figure: it is approximate or a bound, not a value.
_APPROXIMATE = re.compile(r"^\s*(?:左右|以上|以下|以内|之内|之间|余|多|强|上下)")

#: A bracket right after a figure qualifies that figure (``420亿元(不含开发区)``).
_AFTER_BRACKET = re.compile(r"^\s*\(([^()]{1,20})\)")

#: A phrasing that itself says "growth" (``地区生产总值增长率``): its percentage is a growth.
_GROWTH_NAME = re.compile(r"(?:增长率|增速|增长速度|增幅)$")

#: A note in brackets (``实际使用外资(以验资口径计)``): it qualifies (``(不含开发区)``
#: refuses) but names no other subject.
_NOTE = re.compile(r"\([^()]{1,24}\)")

#: A section label run into the first sentence of its section (``人口 年末常住人口…``,
#: ``经济 初步核算…``): a few words, then a space, at the start of a sentence.
_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,8}[ \t]+(?=[\u4e00-\u9fff])")

#: The reason given for a figure whose subject other words name.
OTHER_SUBJECT = "another subject / 其他主体"


@dataclass(frozen=True)
class Context:
    """What the reading knows of the bulletin: the year it reports on and the words naming
    the place (from its title), which frame a figure like 全市 does."""

    year: int | None = None
    place: tuple[str, ...] = ()

    @property
    def framing(self) -> re.Pattern[str]:
        """``FRAMING`` plus the place's names."""
        return _framing(self.place)


@functools.cache
def _framing(place: tuple[str, ...]) -> re.Pattern[str]:
    """``FRAMING`` plus the words of ``place`` (compiled once per place)."""
    extra = [re.escape(p) for p in place if p]
    return re.compile("|".join([*extra, *sorted(FRAMING, key=len, reverse=True)]))


@dataclass(frozen=True)
class Candidate:
    """A value proposed for ``key`` (in the target's stored unit) from one sentence;
    ``plural`` when the clause says 分别 (several subjects share the numbers); ``reason``
    when a qualifier refuses it (never taken, shown to the clerk)."""

    key: str
    value: Decimal
    sentence: Sentence
    plural: bool = False
    reason: str = ""


def names_something(gap: str, ctx: Context | None = None) -> bool:
    """True if ``gap`` holds words other than framing (so it names another subject)."""
    framing = ctx.framing if ctx is not None and ctx.place else _FRAMING
    return bool(_WORDS.search(framing.sub("", gap)))


def refusal(gap: str, ctx: Context) -> str:
    """The reason the words ``gap`` refuse a figure (a qualifier of ``QUALIFIERS`` or a
    year other than the bulletin's), "" when they do not."""
    plain = _SAME_BASE.sub("", gap)
    for pattern, why in _QUALIFIERS:
        if pattern.search(plain):
            return why
    if ctx.year is not None:
        for m in _YEAR.finditer(gap):
            y = int(m["y"])
            if y == ctx.year or (m["cmp"] in ("比", "较") and y == ctx.year - 1):
                continue
            return f"another year ({y}) / 其他年份"
    return ""


def _basis(text: str) -> str:
    """``text`` with every ``按…计算`` blanked, a registered-population one kept as 户籍,
    and a section label at its start blanked."""

    def blank(m: re.Match[str]) -> str:
        n = len(m.group())
        for kept in ("户籍", "常住"):
            if kept in m.group():
                return kept.ljust(n)
        return " " * n

    text = _LABEL.sub(lambda m: " " * len(m.group()), text)
    return _BASIS.sub(blank, text)


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


@dataclass
class _Subject:
    """The subject figures are attributed to: its keys, the phrasing that set it, and the
    reason its figures are refused ("" when they are the place's own)."""

    keys: list[str]
    name: str
    reason: str = ""


def _name_reason(gap: str, bracketed: bool, plural: bool, ctx: Context) -> str:
    """Why a phrasing preceded by ``gap`` is not the place's own subject ("" if it is)."""
    why = refusal(gap, ctx)
    if why or bracketed or plural or not names_something(gap, ctx):
        return why
    words = _WORDS.findall(ctx.framing.sub("", gap))
    return f"{OTHER_SUBJECT}: {''.join(words)[:12]}"


def _respectively(figures: list[tuple[int, str]], n: int) -> dict[int, int]:
    """{figure start: index of its subject} when ``figures`` (start, unit) come in runs of
    ``n`` in one unit (``45210元和23150元，增长5.1%和6.6%``: the i-th of each run is the
    i-th subject's), else {} (the figures compete)."""
    runs: list[list[tuple[int, str]]] = []
    for f in figures:
        if runs and runs[-1][-1][1] == f[1] and len(runs[-1]) < n:
            runs[-1].append(f)
        else:
            runs.append([f])
    if not runs or any(len(r) != n for r in runs):
        return {}
    return {start: i for r in runs for i, (start, _) in enumerate(r)}


def scan_sentence(sentence: Sentence, rules: Rules, ctx: Context | None = None) -> list[Candidate]:
    """The candidates of one sentence, taken and refused (see the module docstring)."""
    if rules.pattern is None:
        return []
    ctx = ctx or Context()
    text = _basis(sentence.text)
    out: list[Candidate] = []
    current: _Subject | None = None
    pending = ""  # a qualifier stated in a clause of its own: applies to the next clause
    listed_before: list[_Subject] = []  # subjects a 分别 clause listed, for the next one
    for i, (a, b) in enumerate(sentence.clauses):
        before = sentence.clauses[i - 1][0] if i else a  # where the clause before starts
        clause = text[a:b]
        plural = "分别" in clause
        upper = latin_upper(clause)  # same length, same positions
        mentions = [(m.start(), m.end(), m.group()) for m in rules.pattern.finditer(upper)]
        mentions = sorted([*mentions, *elided(upper, mentions, rules.names)])
        taken = [(s, e) for s, e, _ in mentions]
        figures = [
            f for f in find_figures(clause) if not any(s < f[1] and f[0] < e for s, e in taken)
        ]
        tokens = sorted(
            [(s, e, "name", n) for s, e, n in mentions]
            + [(s, e, "figure", (num, unit)) for s, e, num, unit in figures],
            key=lambda t: t[0],
        )
        if not tokens:
            pending = refusal(clause, ctx) or pending
            if names_something(clause, ctx):
                current = None
            continue
        if current is not None and pending:
            current.reason = current.reason or pending
        pos = 0
        plural_growth = False
        # 城镇和农村居民人均可支配收入分别为39846元和19573元: listed subjects, one figure each
        names_end = max((e for _, e, _ in mentions), default=-1)
        paired = [(f_start, f_unit) for f_start, _, _, f_unit in figures if f_start >= names_end]
        listed: list[_Subject] = listed_before if not mentions else []
        for start, end, kind, payload in tokens:
            gap = clause[pos:start]
            pos = end
            if kind == "name" and listed and names_something(gap, ctx):
                listed = []  # a new list starts: words other than 和/与/及 came between
            if kind == "name":
                assert isinstance(payload, str)
                bracketed = clause[start - 1 : start] == "(" and clause[end : end + 1] == ")"
                if bracketed and current is not None and not gap[:-1].strip():
                    continue  # 城镇化率(常住人口), 地区生产总值(GDP): qualifies the subject
                keys = rules.names[payload]
                heads = rules.heads.get(payload)
                if heads and not any(h in latin_upper(text[before : a + start]) for h in heads):
                    said = "/".join(dict.fromkeys(heads))
                    current = _Subject(keys, payload, f"{OTHER_SUBJECT}: not of {said} / 非{said}")
                    continue  # 乡村人口…占常住人口比重: not the share its rule means
                for h in heads or ():  # 城镇人口占总人口的比重: the head is no other subject
                    gap = gap.replace(h, "")
                why = _name_reason(rules.strip_scope(gap, keys), bracketed, plural, ctx)
                current = _Subject(keys, payload, why or pending)
                listed.append(current)
                continue
            assert isinstance(payload, tuple)
            number, unit = payload
            why = refusal(gap, ctx)  # refuses this figure only (按户籍人口计算为…)
            if names_something(_NOTE.sub("", gap), ctx) and not plural and not why:  # 分别
                current = None
                continue
            if current is not None and current.reason == REGISTERED and "常住" in gap:
                current.reason = ""  # …，按常住人口计算的为85200元: the basis changed
            order = _respectively(paired, len(listed)) if plural and len(listed) > 1 else {}
            pair = start in order
            if pair:
                current = listed[order[start]]
                why = why or refusal(clause[max(names_end, 0) : paired[0][0]], ctx)
            if current is None or _APPROXIMATE.match(clause[end:]):
                continue
            fkind, value = classify(number, unit, gap)
            if fkind == "share" and (_GROWTH_NAME.search(current.name) or plural_growth):
                fkind = "growth"  # 地区生产总值增长率6%; 分别增长3.1%、3.6%: all growths
            plural_growth = plural and fkind == "growth"
            figure = Figure(value, unit, fkind, start, end)
            after = _AFTER_BRACKET.match(clause[end:])
            why = current.reason or why or (refusal(after.group(1), ctx) if after else "")
            for key in current.keys:
                stored = _accepts(rules.targets[key], figure)
                if stored is not None:
                    out.append(Candidate(key, stored, sentence, plural and not pair, why))
        listed_before = listed if plural and len(listed) > 1 else []
        pending = ""
        if names_something(clause[pos:], ctx):
            current = None
    return out


def scan(
    sentences: list[Sentence], rules: Rules, ctx: Context | None = None
) -> tuple[dict[str, list[Candidate]], dict[str, list[Candidate]]]:
    """(found, refused): every candidate of the bulletin by target key, in reading order,
    those a qualifier refuses apart."""
    found: dict[str, list[Candidate]] = defaultdict(list)
    refused: dict[str, list[Candidate]] = defaultdict(list)
    for sentence in sentences:
        for c in scan_sentence(sentence, rules, ctx):
            (refused if c.reason else found)[c.key].append(c)
    return dict(found), dict(refused)


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
        raise errors.BadValue(f"cannot express {a_unit} ÷ {b_unit} in {to}")
    return result.quantize(DERIVED_PLACES)
