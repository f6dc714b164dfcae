"""The overview's headline sentence and the rank card's notes, from the numbers the
overview already shows (``views.overview``), the ranking of the same year, the 90 % rank
band of the robustness analysis (``web.robustness.cached_bands``) and the red lights of
monitoring; the sentence itself is ``qcity.service.headline`` (the report can use it)."""

from __future__ import annotations

import logging
from typing import Any

from qcity.service.headline import HeadlineFacts, headline, neighbours
from qcity.web import monitoring, views
from qcity.web.state import Scope
from qcity.web.views import _row, _wide

log = logging.getLogger(__name__)


def band(scope: Scope, unit: str) -> tuple[int, int] | None:
    """``unit``'s 5–95 % rank band over the robustness samples (None: no spec, or the
    analysis failed: the sentence then leaves the band out)."""
    from qcity.service.robustness import unit_band
    from qcity.web.robustness import cached_bands

    try:
        bands = cached_bands(scope)
    except Exception as exc:  # the overview must not fail on the robustness analysis
        log.warning("rank bands unavailable for the headline: %s", exc)
        return None
    if bands is None:
        return None
    b = unit_band(bands, unit)
    return None if b is None else (b.low, b.high)


def red_departments(scope: Scope, unit: str, lang: str) -> list[str]:
    """One entry per red light of ``unit`` in the latest monitored period: its department
    in ``lang`` (a composite's light: 综合指数与维度 / Index and dimensions)."""
    table = monitoring.monitored(scope, unit).table
    if table.empty:
        return []
    latest = table[table["period"].astype(str) == str(table["period"].max())]
    out = []
    for dept in latest.loc[latest["warning"] == "red", "department"]:
        if isinstance(dept, str) and dept:
            out.append(monitoring._department(dept, lang))
        else:
            out.append(monitoring.COMPOSITES[0 if lang == "zh" else 1])
    return out


def facts(scope: Scope, data: dict[str, Any], lang: str) -> HeadlineFacts | None:
    """The numbers of the sentence for the overview ``data`` (None: the unit has no score)."""
    latest = data["latest"]
    if latest["score"] is None or latest["rank"] is None:
        return None
    unit, period = data["unit"], data["period"]
    score, rank = _wide(scope, scope.framework.root.code)
    srow, rrow = _row(score, period).dropna(), _row(rank, period).dropna()
    above, below = neighbours(
        {str(u): float(v) for u, v in srow.items()},
        {str(u): int(v) for u, v in rrow.items()},
        unit,
    )
    series = data["series"]
    previous = series[-2]["rank"] if len(series) > 1 else None
    return HeadlineFacts(
        score=float(latest["score"]),
        rank=int(latest["rank"]),
        n=int(data["n"]),
        group=data["group"],
        previous_rank=previous,
        above=above,
        below=below,
        band=band(scope, unit),
        red_departments=red_departments(scope, unit, lang),
    )


def add_headline(scope: Scope, data: dict[str, Any], lang: str) -> dict[str, Any]:
    """``data`` with ``headline`` (the sentence, or None) and the rank card's notes
    (``rank_notes``: last year's rank and the 90 % band)."""
    f = facts(scope, data, lang)
    data["headline"] = headline(f, lang) if f is not None else None
    notes = []
    if f is not None and f.previous_rank is not None:
        moved = f.previous_rank - f.rank
        if lang == "zh":
            how = f"升{moved}位" if moved > 0 else f"降{-moved}位" if moved < 0 else "持平"
            notes.append(f"上年第{f.previous_rank}名（{how}）")
        else:
            how = f"up {moved}" if moved > 0 else f"down {-moved}" if moved < 0 else "unchanged"
            notes.append(f"last year {f.previous_rank} ({how})")
    if f is not None and f.band is not None:
        lo, hi = f.band
        span = f"{lo}" if lo == hi else f"{lo}–{hi}"
        notes.append(f"90%情形下第{span}名" if lang == "zh" else f"{span} in 90% of scenarios")
    data["rank_notes"] = notes
    return data


def overview_with_headline(scope: Scope, unit: str | None, lang: str) -> dict[str, Any]:
    """What the overview shows, once for the page and ``/api/overview``: ``views.overview``
    (a copy: it is cached), the warning lights' counts (``warnings``), the headline
    sentence (``headline``) and the rank card's notes (``rank_notes``)."""
    data = dict(views.overview(scope, unit, lang))
    data["warnings"] = monitoring.counts(scope, data["unit"], lang)
    return add_headline(scope, data, lang)


__all__ = ["add_headline", "band", "facts", "overview_with_headline", "red_departments"]
