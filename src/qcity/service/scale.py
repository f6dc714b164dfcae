"""What a score means on a frozen reference scale, said once for every output.

With ``normalise: {scope: reference}`` and a ``reference_period`` (Liyang: 2015-2020), the
goalposts of min-max normalisation are fixed from the reference years: 100 is the best
value of an indicator among the units in those years, 0 the worst, and a score is
``100 (x - min_ref) / (max_ref - min_ref)`` (``docs/*/scale.md``). A later value better than
the reference period's best scores above 100 (and one worse than its worst below 0): the
scale is not stretched, so that adding a year changes no earlier score. The dashboard, the
report and ``qcity evaluate`` show this sentence beside such scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from qcity.framework.model import Framework


@dataclass(frozen=True)
class ScaleNote:
    """The sentence in both languages, and the reference years."""

    zh: str
    en: str
    first: int
    last: int

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en


def scale_note(framework: Framework) -> ScaleNote | None:
    """The note for ``framework``'s scores when its default normalisation is frozen on a
    reference period (None otherwise: scores are relative to each year's units)."""
    ref = framework.reference_period
    if ref is None or framework.defaults.normalise.scope != "reference":
        return None
    years = f"{ref.first}–{ref.last}"
    zh = (
        f"得分以参考期（{years}年）为标尺：100 分为参考期各单元的最好水平，0 分为最差水平；"
        "此后超过参考期最好水平的，得分可高于 100（标尺不随新数据伸缩，新增年份不改变以往得分）。"
    )
    en = (
        f"Scores are on the scale of the reference period {years}: 100 is the best value among "
        "the units in those years, 0 the worst; a later value better than that best scores "
        "above 100 (the scale does not stretch, so adding a year changes no earlier score)."
    )
    return ScaleNote(zh, en, ref.first, ref.last)


__all__ = ["ScaleNote", "scale_note"]
