"""How an indicator is read from a statistical bulletin (统计公报): the ``bulletin`` field.

A bulletin states its figures in running text ("全年实现地区生产总值1557.22亿元，比上年增长
9.7%"). The rules that find an indicator's figure belong to the framework, so that a new
framework brings its own: the phrasings that introduce the indicator (``names``), the
measure it takes (a ``level``, a ``growth`` rate, a ``share``) and the unit of measure the
text states it in (``unit``; the same unit with another multiplier, 万元 for 元, is
converted). An indicator the bulletin never states directly may be ``derive``d from other
figures of the same bulletin (a per-capita value from a total and a population, a ratio
of two indicators), and only when the rule says so.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: What a figure is: an amount (``level``), a rate of change in percent (``growth``,
#: "比上年增长5.2%"), or a percentage that is itself the value (``share``: 占比, 比重, 率).
Measure = Literal["level", "growth", "share"]

#: Ways of computing an indicator from other figures of the same bulletin.
DeriveOp = Literal["per_capita", "ratio"]

#: The operands each ``derive`` operation needs.
OPERANDS: dict[str, tuple[str, str]] = {
    "per_capita": ("total", "population"),
    "ratio": ("numerator", "denominator"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class BulletinTerm(_Strict):
    """A figure of the bulletin that is not itself an indicator (GDP, 常住人口): the
    phrasings that introduce it, its measure and the unit the text states it in."""

    names: list[str] = Field(min_length=1)
    measure: Measure = "level"
    unit: str

    @field_validator("names")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        """Every phrasing is non-blank text (a blank one would match everywhere)."""
        cleaned = [v.strip() for v in value]
        if any(not v for v in cleaned):
            raise ValueError("names must not contain an empty phrasing")
        return cleaned

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("unit must name the unit of measure the text uses, e.g. 亿元 or %")
        return value.strip()

    @model_validator(mode="after")
    def _percent_measures(self) -> BulletinTerm:
        """A growth rate or a share is stated in percent; a level is not."""
        if self.measure in ("growth", "share") and self.unit != "%":
            raise ValueError(f"measure {self.measure!r} is stated in '%', not {self.unit!r}")
        return self


#: An operand of ``derive``: an indicator code of the framework, or a term of the text.
Operand = str | BulletinTerm


class Derive(_Strict):
    """How to compute an indicator from two figures of the same bulletin.

    ``per_capita``: ``total`` ÷ ``population`` (亿元 ÷ 万人 -> 元); ``ratio``:
    ``numerator`` ÷ ``denominator`` (two figures in the same unit, e.g. 城乡居民收入比).
    Each operand is an indicator code or an inline term ``{names, measure, unit}``.
    """

    op: DeriveOp
    total: Operand | None = None
    population: Operand | None = None
    numerator: Operand | None = None
    denominator: Operand | None = None
    note: str | None = Field(default=None, description="caveat shown with the derived value")

    @model_validator(mode="after")
    def _operands(self) -> Derive:
        """Exactly the operands of ``op``, naming the missing or extra ones."""
        wanted = OPERANDS[self.op]
        given = {k for k in ("total", "population", "numerator", "denominator") if getattr(self, k)}
        missing = [k for k in wanted if k not in given]
        extra = sorted(given - set(wanted))
        if missing:
            raise ValueError(f"op {self.op!r} needs {' and '.join(missing)}")
        if extra:
            raise ValueError(f"op {self.op!r} takes {' and '.join(wanted)}, not {', '.join(extra)}")
        return self

    def operands(self) -> tuple[Operand, Operand]:
        """The two operands in the order of ``OPERANDS[op]`` (dividend, divisor)."""
        first, second = OPERANDS[self.op]
        a, b = getattr(self, first), getattr(self, second)
        assert a is not None and b is not None  # checked by _operands
        return a, b


class BulletinRule(_Strict):
    """The ``bulletin`` field of an indicator: how its figure is found in a bulletin.

    ``names`` may be empty when the indicator is only derived. ``unit`` is the unit the
    text states the figure in (default: the indicator's own unit); the proposed value is
    converted to the indicator's unit. ``scope`` lists the words naming where a figure is
    measured for the whole place (air quality in 县城 or 城区), accepted before a phrasing.
    """

    names: list[str] = Field(default_factory=list)
    measure: Measure = "level"
    unit: str | None = None
    derive: Derive | None = None
    scope: list[str] = Field(
        default_factory=list,
        description="words naming the part of the place where the figure is measured "
        "(县城, 城区): before a phrasing they do not make it another subject",
    )

    @field_validator("names")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not v for v in cleaned):
            raise ValueError("names must not contain an empty phrasing")
        return cleaned

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: list[str]) -> list[str]:
        """Every scope word is non-blank text (a blank one would accept any subject)."""
        cleaned = [v.strip() for v in value]
        if any(not v for v in cleaned):
            raise ValueError("scope must not contain an empty word")
        return cleaned

    @model_validator(mode="after")
    def _something_to_find(self) -> BulletinRule:
        """A rule finds the figure by its names, or derives it, or both."""
        if not self.names and self.derive is None:
            raise ValueError("a bulletin rule needs names (phrasings) or derive")
        if self.measure in ("growth", "share") and self.unit not in (None, "%"):
            raise ValueError(f"measure {self.measure!r} is stated in '%', not {self.unit!r}")
        return self
