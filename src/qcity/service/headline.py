"""The overview's headline: one sentence a leader reads first, built from the same numbers
as the cards (score, rank and last year's rank, the gaps to the neighbours in the ranking,
the 90 % rank band of the robustness analysis, the red lights and whose they are).

A pure function over plain numbers, so that the dashboard and the annual report say the
same thing in the same words, e.g.
``91.2分，苏南县级市第5（上年第5），落后第4名2.2分、领先第6名3.6分，90%情形下第4–5名；2项红灯均属工信局``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Neighbour:
    """The unit next in the ranking above or below: its rank and the score gap (> 0)."""

    rank: int
    gap: float


@dataclass(frozen=True)
class HeadlineFacts:
    """What the sentence says. ``red_departments``: one entry per red light, the
    department that owns it (a composite's light: the group name of composites)."""

    score: float
    rank: int
    n: int
    group: str
    previous_rank: int | None = None
    above: Neighbour | None = None
    below: Neighbour | None = None
    band: tuple[int, int] | None = None
    red_departments: list[str] = field(default_factory=list)


def neighbours(
    scores: dict[str, float], ranks: dict[str, int], unit: str
) -> tuple[Neighbour | None, Neighbour | None]:
    """The units just above and just below ``unit`` in one period's scores: the closest
    strictly better and strictly worse score, with its rank and the absolute gap."""
    mine = scores[unit]
    better = [(s, u) for u, s in scores.items() if u != unit and s > mine]
    worse = [(s, u) for u, s in scores.items() if u != unit and s < mine]
    above = below = None
    if better:
        s, u = min(better)
        above = Neighbour(ranks[u], s - mine)
    if worse:
        s, u = max(worse)
        below = Neighbour(ranks[u], mine - s)
    return above, below


def _ordinal(k: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    if 10 <= k % 100 <= 20:
        return f"{k}th"
    return f"{k}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th') }"


def _reds_zh(depts: list[str]) -> str:
    """The red lights and whose they are, in Chinese."""
    if not depts:
        return "无红灯"
    c = Counter(depts)
    if len(c) == 1:
        d = next(iter(c))
        return f"{len(depts)}项红灯均属{d}" if len(depts) > 1 else f"1项红灯属{d}"
    parts = "、".join(f"{d}{k}项" for d, k in c.most_common())
    return f"{len(depts)}项红灯：{parts}"


def _reds_en(depts: list[str]) -> str:
    """The red lights and whose they are, in English."""
    if not depts:
        return "no red lights"
    c = Counter(depts)
    if len(c) == 1:
        d = next(iter(c))
        if len(depts) == 1:
            return f"1 red light, with the {d}"
        return f"{len(depts)} red lights, {'both' if len(depts) == 2 else 'all'} with the {d}"
    parts = ", ".join(f"{d} {k}" for d, k in c.most_common())
    return f"{len(depts)} red lights: {parts}"


def headline(f: HeadlineFacts, lang: str) -> str:
    """The sentence in ``lang`` ("zh" or "en"). Scores and gaps with one decimal, as the
    cards show them; parts without data (no last year, no band) are left out."""
    if lang == "zh":
        out = f"{f.score:.1f}分，{f.group}第{f.rank}"
        if f.previous_rank is not None:
            out += f"（上年第{f.previous_rank}）"
        gaps = []
        if f.above is not None:
            gaps.append(f"落后第{f.above.rank}名{f.above.gap:.1f}分")
        if f.below is not None:
            gaps.append(f"领先第{f.below.rank}名{f.below.gap:.1f}分")
        if gaps:
            out += "，" + "、".join(gaps)
        if f.band is not None:
            lo, hi = f.band
            out += f"，90%情形下第{lo}名" if lo == hi else f"，90%情形下第{lo}–{hi}名"
        return out + "；" + _reds_zh(f.red_departments)
    out = f"{f.score:.1f} points, {_ordinal(f.rank)} of {f.n} ({f.group})"
    if f.previous_rank is not None:
        out += f", {_ordinal(f.previous_rank)} last year"
    if f.above is not None:
        out += f"; {f.above.gap:.1f} behind the {_ordinal(f.above.rank)}"
    if f.below is not None:
        out += (", " if f.above is not None else "; ") + (
            f"{f.below.gap:.1f} ahead of the {_ordinal(f.below.rank)}"
        )
    if f.band is not None:
        lo, hi = f.band
        where = _ordinal(lo) if lo == hi else f"{_ordinal(lo)}–{_ordinal(hi)}"
        out += f"; {where} in 90% of scenarios"
    return out + "; " + _reds_en(f.red_departments) + "."


__all__ = ["HeadlineFacts", "Neighbour", "headline", "neighbours"]
