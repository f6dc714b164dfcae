"""Pydantic models of an indicator framework: index -> dimensions -> ... -> indicators.

A framework is data, not code: it is read from YAML (see ``qcity.framework.io``) and
validated as a whole (see ``qcity.framework.validate``). Method settings
(normalise, weighting, aggregate) inherit downwards and can be overridden on any node.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from qcity import errors
from qcity.framework.bulletin import BulletinRule
from qcity.framework.targets import MonitorSpec, TargetSpec


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class MethodSpec(_Strict):
    """A method chosen by its registered name, with keyword parameters."""

    method: str
    params: dict[str, Any] = Field(default_factory=dict)

    @property
    def node_specific(self) -> bool:
        """True if it holds judgements about one node's children (an AHP ``matrix``, at
        any depth of the parameters): such a setting belongs to its node, not inherited."""

        def has_matrix(value: Any) -> bool:
            return isinstance(value, dict) and (
                "matrix" in value or any(has_matrix(v) for v in value.values())
            )

        return has_matrix(self.params)


class NormaliseSpec(MethodSpec):
    """Normalisation method; ``scope`` says which rows share goalposts.

    ``period``: each period on its own (cross-section); ``pooled``: all periods
    together, so that scores are comparable across years (COINr ``global = TRUE``);
    ``reference``: goalposts fixed from the framework's ``reference_period`` (or given),
    so that scores compare across years and do not move when a year is added
    (minmax and goalposts; see docs/en/scale.md). Fixed goalposts are comparable across
    years whatever the scope.
    """

    scope: Literal["period", "pooled", "reference"] = "period"


class Moderate(_Strict):
    """Direction of a "moderate" indicator: best at ``optimal`` or inside ``band``."""

    optimal: float | None = None
    band: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Moderate:
        if (self.optimal is None) == (self.band is None):
            raise ValueError("a moderate direction needs exactly one of 'optimal' or 'band'")
        if self.band is not None and self.band[0] > self.band[1]:
            raise ValueError("band must be [low, high] with low <= high")
        return self


Direction = Literal[1, -1] | Moderate


class Goalposts(_Strict):
    """Fixed goalposts (lower, upper) for normalisation, in the indicator's unit."""

    lo: float
    hi: float


class ReferencePeriod(_Strict):
    """The years whose data fix the scale: goalposts of ``scope: reference`` and
    data-driven weights (``{from: 2015, to: 2020}``, both years included)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    first: int = Field(alias="from")
    last: int = Field(alias="to")

    def as_list(self) -> list[int]:
        """``[from, to]``, as the step log records it."""
        return [self.first, self.last]


class Transform(_Strict):
    """An explicit per-indicator transform applied before normalisation."""

    method: Literal["log", "log10", "boxcox", "none"] = "none"
    params: dict[str, Any] = Field(default_factory=dict)


class Denominator(_Strict):
    """Divide the indicator by a denominator series (e.g. population), times ``scale``."""

    series: str
    scale: float = 1.0


class Indicator(_Strict):
    """A leaf of the framework: one measured indicator."""

    code: str
    name_zh: str
    name_en: str
    weight: float = 1.0
    unit: str = ""
    direction: Direction = 1
    department: str | None = None
    source: str | None = None
    frequency: Literal["annual", "quarterly", "monthly"] = "annual"
    transform: Transform | None = None
    goalposts: Goalposts | None = None
    plausible_range: tuple[float | None, float | None] | None = None
    targets: dict[int, float] = Field(default_factory=dict)
    target: TargetSpec | None = None
    goal: str | None = None
    denominator: Denominator | None = None
    levels: list[str] = Field(
        default_factory=lambda: ["city"],
        description="unit types at which the indicator exists (city, town, ...)",
    )
    normalise: NormaliseSpec | None = None
    aliases: list[str] = Field(
        default_factory=list,
        description="other names of the indicator in yearbook tables (统计年鉴), matched "
        "exactly after normalisation; never shared by two indicators",
    )
    conversions: dict[str, float] = Field(
        default_factory=dict,
        description="declared conversions: a row name (e.g. 每万人… for a 每千人 indicator) or "
        "a unit of measure -> the factor turning its values into this indicator's unit",
    )
    bulletin: BulletinRule | None = Field(
        default=None, description="how the figure is read from a statistical bulletin"
    )


NODE_ONLY_KEYS = frozenset({"children", "weighting", "aggregate", "min_coverage"})
"""Keys that only an inner node has: a child mapping with any of them is a node."""


def child_kind(value: Any) -> str | None:
    """``"node"`` or ``"indicator"`` for a child given as a model or a mapping, else None.

    A mapping is a node when it has any of ``NODE_ONLY_KEYS`` (normally ``children``);
    deciding up front keeps validation errors to the one branch the author meant.
    """
    if isinstance(value, Node):
        return "node"
    if isinstance(value, Indicator):
        return "indicator"
    if isinstance(value, dict):
        return "node" if NODE_ONLY_KEYS.intersection(value) else "indicator"
    return None


class Node(_Strict):
    """An inner node (index, dimension, sub-dimension, ...) with children."""

    code: str
    name_zh: str
    name_en: str
    weight: float = 1.0
    normalise: NormaliseSpec | None = None
    weighting: MethodSpec | None = None
    aggregate: MethodSpec | None = None
    min_coverage: float | None = Field(
        default=None, description="minimum share of children with data for a score"
    )
    targets: dict[int, float] = Field(default_factory=dict)
    target: TargetSpec | None = None
    goal: str | None = None
    children: list[
        Annotated[
            Annotated[Node, Tag("node")] | Annotated[Indicator, Tag("indicator")],
            Discriminator(child_kind),
        ]
    ] = Field(default_factory=list)


class PipelineSpec(_Strict):
    """Settings of the steps before normalisation, applied to all indicators."""

    denominate: bool = True
    screen: MethodSpec | None = None
    impute: MethodSpec = Field(default_factory=lambda: MethodSpec(method="none"))
    treat: MethodSpec = Field(default_factory=lambda: MethodSpec(method="none"))
    order: Literal["screen_first", "impute_first"] = Field(
        default="screen_first",
        description="screen before imputing (default) or after it (COINr's ASEM example)",
    )


class Defaults(_Strict):
    """Method settings inherited by every node unless it overrides them."""

    normalise: NormaliseSpec = Field(
        default_factory=lambda: NormaliseSpec(method="minmax", params={"l": 0, "u": 100})
    )
    weighting: MethodSpec = Field(default_factory=lambda: MethodSpec(method="manual"))
    aggregate: MethodSpec = Field(default_factory=lambda: MethodSpec(method="arithmetic"))


class ReportSpec(_Strict):
    """The annual report's cover (``qcity report``): the issuing office, written
    ``中文 / English`` like departments, and the issuing date (default: the day the report
    is made, in the framework's ``timezone``)."""

    office: str | None = Field(
        default=None, description="issuing office, e.g. 溧阳市统计局 / Liyang Bureau of Statistics"
    )
    date: datetime.date | None = Field(default=None, description="issuing date (YYYY-MM-DD)")


class Framework(_Strict):
    """A versioned framework: metadata, pipeline settings and the tree."""

    code: str
    version: str
    name_zh: str
    name_en: str
    valid_from: int
    valid_to: int
    description: str | None = None
    units_file: str | None = None
    timezone: str = "Asia/Shanghai"
    reference_period: ReferencePeriod | None = Field(
        default=None,
        description="years that fix goalposts (normalise scope: reference) and data-driven "
        "weights, so that scores do not move when a year is added",
    )
    pipeline: PipelineSpec = Field(default_factory=PipelineSpec)
    defaults: Defaults = Field(default_factory=Defaults)
    monitor: MonitorSpec | None = None
    report: ReportSpec | None = None
    root: Node

    @field_validator("timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        """The zone of times written without an offset (``--as-of``): an IANA name."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; write an IANA name such as Asia/Shanghai"
            ) from None
        return value

    # -- navigation ---------------------------------------------------------------
    def walk(self) -> Iterator[tuple[Node | Indicator, Node | None, int]]:
        """Yield ``(node, parent, depth)`` depth-first, root first (depth 0)."""
        stack: list[tuple[Node | Indicator, Node | None, int]] = [(self.root, None, 0)]
        while stack:
            node, parent, depth = stack.pop()
            yield node, parent, depth
            if isinstance(node, Node):
                stack.extend((c, node, depth + 1) for c in reversed(node.children))

    def indicators(self) -> list[Indicator]:
        """All indicators in document order."""
        return [n for n, _, _ in self.walk() if isinstance(n, Indicator)]

    def nodes(self) -> list[Node]:
        """All inner nodes in document order (root first)."""
        return [n for n, _, _ in self.walk() if isinstance(n, Node)]

    def find(self, code: str) -> Node | Indicator:
        """The node or indicator with ``code``; KeyError naming it otherwise."""
        for n, _, _ in self.walk():
            if n.code == code:
                return n
        raise errors.Unknown(f"no node or indicator with code {code!r} in framework {self.code!r}")

    def parents(self) -> dict[str, str | None]:
        """Map of every code to its parent's code (None for the root)."""
        return {n.code: (p.code if p else None) for n, p, _ in self.walk()}

    def resolved(
        self,
        code: str,
        setting: Literal["normalise", "weighting", "aggregate"],
        default: Any = None,
    ) -> Any:
        """The method setting in force at ``code`` (see ``setting_in_force``); the
        framework's default when ``default`` is None."""
        nodes: dict[str, Node | Indicator] = {}
        parents: dict[str, str | None] = {}
        for n, p, _ in self.walk():
            nodes[n.code] = n
            parents[n.code] = p.code if p else None
        if code not in nodes:
            self.find(code)  # raises the KeyError naming the code
        chain: list[Node | Indicator] = []
        cur: str | None = code
        while cur is not None:
            chain.append(nodes[cur])
            cur = parents[cur]
        return setting_in_force(
            chain, setting, getattr(self.defaults, setting) if default is None else default
        )


def setting_in_force(chain: Iterable[Node | Indicator], setting: str, default: Any) -> Any:
    """The one rule for which method applies at a node: its own setting, else its nearest
    ancestor's, else ``default``. ``chain`` is the node, then its ancestors up to the root.
    A setting that carries judgements about one node's children (an AHP ``matrix``, see
    ``MethodSpec.node_specific``) belongs to that node and is not inherited."""
    for depth, node in enumerate(chain):
        value = getattr(node, setting, None)
        if value is not None and (depth == 0 or not value.node_specific):
            return value
    return default


Node.model_rebuild()
