"""Targets (目标任务) and early-warning rules (预警规则) of a framework, for monitoring.

An indicator or composite may carry one ``target`` (a :class:`TargetSpec`): what is aimed
at (``kind``), by when (``year``), from which baseline (``base_year``) and along which
path the yearly targets in between lie (``path``). The older ``targets: {year: value}``
mapping stays valid: it is read as level targets through those points.

The framework's ``monitor`` section (:class:`MonitorSpec`) sets the baseline year, the peer
group, the expected publication delay and the warning rules (:class:`WarningRules`). All of
it is optional: a framework without these fields reads and evaluates as before.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TargetKind = Literal["level", "growth", "band", "not_worse", "rank"]
"""``level``: reach a value; ``growth``: grow (or fall, if negative) by ``value`` % a year;
``band``: stay inside ``[low, high]``; ``not_worse``: no worse than the year before;
``rank``: rank ``value`` or better among the peers."""

PathKind = Literal["linear", "constant_growth", "peer_first_tier", "own_trend"]
"""How the yearly targets run from the baseline to the goal year: a straight line; a
constant growth rate ("one level a year", 一年一个台阶); a straight line to the level of the
peers' first tier (median of the top ``top_k`` peers); or the city's own linear trend."""

Colour = Literal["green", "yellow", "red"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TargetSpec(_Strict):
    """One target of an indicator or composite, with its path and provenance."""

    kind: TargetKind = "level"
    value: float | None = Field(
        default=None,
        description="level: the value aimed at; growth: % a year; rank: the rank aimed at",
    )
    band: tuple[float, float] | None = Field(default=None, description="band: [low, high]")
    year: int | None = Field(default=None, description="the goal year (目标年)")
    base_year: int | None = Field(
        default=None, description="baseline year of the path (default: monitor.base_year)"
    )
    path: PathKind = "linear"
    top_k: int = Field(default=3, ge=1, description="peer_first_tier: how many top peers")
    source: str | None = Field(
        default=None, description="where the target comes from (document, article, decision)"
    )
    assumed: bool = Field(
        default=False, description="True if a number or year is an assumption, not in the text"
    )

    @model_validator(mode="after")
    def _complete(self) -> TargetSpec:
        needs_value = self.kind in ("level", "growth", "rank") and self.path != "peer_first_tier"
        if needs_value and self.value is None and self.path != "own_trend":
            raise ValueError(f"a {self.kind} target needs 'value'")
        if self.kind == "band":
            if self.band is None:
                raise ValueError("a band target needs 'band: [low, high]'")
            if self.band[0] > self.band[1]:
                raise ValueError("band must be [low, high] with low <= high")
        if self.kind == "rank" and self.value is not None and self.value < 1:
            raise ValueError("a rank target is 1 (first) or more")
        if self.kind in ("level", "growth", "band", "rank") and self.year is None:
            raise ValueError(f"a {self.kind} target needs its goal 'year'")
        if self.year is not None and self.base_year is not None and self.base_year >= self.year:
            raise ValueError("base_year must be before the goal year")
        return self


class BehindPath(_Strict):
    """Behind the target path by more than ``yellow`` / ``red`` per cent of the path's value."""

    yellow: float = 5.0
    red: float = 15.0

    @model_validator(mode="after")
    def _order(self) -> BehindPath:
        if not 0 <= self.yellow <= self.red:
            raise ValueError("behind_path needs 0 <= yellow <= red (per cent)")
        return self


class WarningRules(_Strict):
    """Which colour each rule gives when it fires (``green`` switches a rule off).

    ``missing``: no value for the period yet, its publication deadline not passed;
    ``late``: no value after the deadline (``MonitorSpec.publication_months``)."""

    behind_path: BehindPath = Field(default_factory=BehindPath)
    worse_than_last_year: Colour = "yellow"
    below_peer_median: Colour = "yellow"
    missing: Colour = "yellow"
    late: Colour = "red"
    implausible: Colour = "red"


class MonitorSpec(_Strict):
    """Monitoring settings of a framework (all optional)."""

    base_year: int | None = Field(
        default=None, description="baseline year of progress and paths (default: first year)"
    )
    peer_group: str | None = Field(
        default=None, description="the unit group whose members are the peers (e.g. sunan)"
    )
    publication_months: int = Field(
        default=6,
        ge=0,
        description="a year's value is late when recorded more than this many months after "
        "the year ends",
    )
    progress_fallback: bool = Field(
        default=False,
        description="assess series the progress method cannot (values of opposite signs) by "
        "linear change, an extension of the method labelled where used (default off)",
    )
    warnings: WarningRules = Field(default_factory=WarningRules)
