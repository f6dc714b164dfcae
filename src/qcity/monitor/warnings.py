"""Early warnings (预警): the framework's rules applied to one period's monitoring rows.

Each rule gives a colour when it fires (set in the framework's ``monitor.warnings``;
``green`` switches a rule off) and a sentence in Chinese and English:

- ``behind_path``: the value is behind this year's point ``T`` of the target path by more
  than ``yellow`` / ``red`` per cent, ``100·d(T - x)/|T|`` (for a band: the distance to the
  band over the nearest edge);
- ``worse_than_last_year``: ``d(x - x_prev) < 0`` (for a band: farther from it);
- ``below_peer_median``: ``d(x - median of the peers) < 0``;
- ``missing``: no value for the period while its publication deadline (the end of the
  period plus ``publication_months``) has not passed; ``late``: no value after it;
- ``implausible``: the value lies outside the indicator's ``plausible_range``.

The row's colour is the worst of the colours of the rules that fired (green when none did),
and its ``kind`` says why (:func:`kind_of`): ``target`` (off its target path or band, or worse
than last year where the target is "not worse than last year"), ``trend`` (worse than last
year), ``benchmark`` (behind the peers' median) or ``data`` (missing, late or implausible).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from qcity.framework.targets import WarningRules

RANK = {"green": 0, "yellow": 1, "red": 2}
COLOURS = ("green", "yellow", "red")
GREEN_ZH = "正常，无预警"
GREEN_EN = "no warning"


@dataclass(frozen=True)
class Facts:
    """What the rules look at for one row (NaN / None where unknown)."""

    period: str
    value: float
    direction: int
    previous: float = math.nan
    path_value: float = math.nan
    band: tuple[float, float] | None = None
    peer_median: float = math.nan
    plausible: tuple[float | None, float | None] | None = None
    deadline_passed: bool = True
    last_period: str | None = None
    base_value: float = math.nan
    check_path: bool = True


def _fmt(v: float) -> str:
    return f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"


def _dist(x: float, band: tuple[float, float]) -> float:
    return max(band[0] - x, 0.0) + max(x - band[1], 0.0)


def behind_pct(f: Facts) -> float:
    """How far (per cent) the value is behind the path (or outside the band); NaN if
    there is no path point or value, <= 0 when on or ahead of the path."""
    x = f.value
    if not math.isfinite(x):
        return math.nan
    if f.band is not None:
        edge = f.band[0] if x < f.band[0] else f.band[1]
        dist = _dist(x, f.band)
        scale = abs(edge) if edge != 0 else (f.band[1] - f.band[0]) or 1.0
        return 100.0 * dist / scale
    t = f.path_value
    if not math.isfinite(t):
        return math.nan
    scale = abs(t) if t != 0 else abs(f.base_value)
    if not scale or not math.isfinite(scale):
        return math.nan
    return 100.0 * f.direction * (t - x) / scale


def evaluate_rules(f: Facts, rules: WarningRules) -> list[tuple[str, str, str, str]]:
    """The rules that fire for ``f``: ``(rule, colour, sentence_zh, sentence_en)``."""
    out: list[tuple[str, str, str, str]] = []
    x = f.value
    if not math.isfinite(x):
        rule = "late" if f.deadline_passed else "missing"
        colour = getattr(rules, rule)
        last = f"（最近一期 {f.last_period}）" if f.last_period else ""
        last_en = f" (latest: {f.last_period})" if f.last_period else ""
        if rule == "late":
            zh, en = f"{f.period} 数据逾期未报{last}", f"no value for {f.period}, overdue{last_en}"
        else:
            zh = f"{f.period} 数据尚未报送{last}"
            en = f"no value for {f.period} yet{last_en}"
        return [(rule, colour, zh, en)] if colour != "green" else []
    if f.plausible is not None:
        lo = -math.inf if f.plausible[0] is None else f.plausible[0]
        hi = math.inf if f.plausible[1] is None else f.plausible[1]
        if not lo <= x <= hi and rules.implausible != "green":
            rng = f"[{_fmt(lo)}, {_fmt(hi)}]"
            out.append(
                (
                    "implausible",
                    rules.implausible,
                    f"数值 {_fmt(x)} 超出合理范围 {rng}，请核实",
                    f"value {_fmt(x)} outside the plausible range {rng}: check it",
                )
            )
    pct = behind_pct(f) if f.check_path else math.nan
    if math.isfinite(pct) and pct > rules.behind_path.yellow:
        colour = "red" if pct > rules.behind_path.red else "yellow"
        if f.band is not None:
            band = f"[{_fmt(f.band[0])}, {_fmt(f.band[1])}]"
            out.append(
                (
                    "behind_path",
                    colour,
                    f"偏离目标区间 {band} {pct:.1f}%",
                    f"{pct:.1f}% outside the target band {band}",
                )
            )
        else:
            out.append(
                (
                    "behind_path",
                    colour,
                    f"落后本年目标路径（{_fmt(f.path_value)}）{pct:.1f}%",
                    f"{pct:.1f}% behind this year's target path ({_fmt(f.path_value)})",
                )
            )
    if math.isfinite(f.previous) and rules.worse_than_last_year != "green":
        if f.band is not None:
            worse = _dist(x, f.band) > _dist(f.previous, f.band)
        else:
            worse = f.direction * (x - f.previous) < 0
        if worse:
            out.append(
                (
                    "worse_than_last_year",
                    rules.worse_than_last_year,
                    f"比上年变差（{_fmt(f.previous)} → {_fmt(x)}）",
                    f"worse than last year ({_fmt(f.previous)} → {_fmt(x)})",
                )
            )
    peers = math.isfinite(f.peer_median) and f.band is None
    if peers and rules.below_peer_median != "green" and f.direction * (x - f.peer_median) < 0:
        out.append(
            (
                "below_peer_median",
                rules.below_peer_median,
                f"差于对标城市中位数（{_fmt(f.peer_median)}）",
                f"worse than the peers' median ({_fmt(f.peer_median)})",
            )
        )
    return out


KINDS = ("target", "data", "trend", "benchmark")
"""Why a light is on, most telling first (the order breaks ties between rules of one colour)."""
RULE_KIND = {
    "behind_path": "target",
    "worse_than_last_year": "trend",
    "below_peer_median": "benchmark",
    "missing": "data",
    "late": "data",
    "implausible": "data",
}


def kind_of(
    fired: Sequence[tuple[str, str, str, str]], target_kind: str | None = None
) -> str | None:
    """Why the row's light is on: the kind of the worst rule that fired (ties: ``KINDS``
    order); ``worse_than_last_year`` is a ``target`` risk where the target is "not worse than
    last year". None when no rule fired."""
    if not fired:
        return None

    def kind(rule: str) -> str:
        if rule == "worse_than_last_year" and target_kind == "not_worse":
            return "target"
        return RULE_KIND[rule]

    worst = max(RANK[r[1]] for r in fired)
    kinds = {kind(r[0]) for r in fired if RANK[r[1]] == worst}
    return next(k for k in KINDS if k in kinds)


def summarise(fired: Sequence[tuple[str, str, str, str]]) -> tuple[str, str, str]:
    """``(colour, message_zh, message_en)`` of a row: the worst colour and the sentences of
    the rules that fired, worst first (green and a plain sentence when none fired)."""
    if not fired:
        return "green", GREEN_ZH, GREEN_EN
    ordered = sorted(fired, key=lambda r: -RANK[r[1]])
    colour = ordered[0][1]
    return colour, "；".join(r[2] for r in ordered), "; ".join(r[3] for r in ordered)
