"""Uncertain inputs of an index: a small YAML spec, or the same as Python objects.

Each input is one source of uncertainty (the JRC/COINr practice, Saisana, Saltelli &
Tarantola 2005, "Uncertainty and sensitivity analysis techniques as tools for the quality
assessment of composite indicators", J. R. Stat. Soc. A 168(2): 307-323):

- ``method``: one of several methods for a step (imputation, treatment, normalisation,
  weighting, aggregation — for aggregation optionally at one level of the tree only);
- ``parameter``: one of several values of one parameter of a step (``winmax``, ...);
- ``weights``: weights perturbed uniformly within ±f (``w (1 + u)``, ``u ~ U(-f, f)``) at
  the given levels, as COINr's ``get_noisy_weights``;
- ``leave_out``: none or one of the listed indicators left out (weight 0).

Levels count as in COINr: 1 = indicators, 2 = their parents, ... (a node's level is one
more than its highest child's), so in ASEM pillars are 2, sub-indices 3, the index 4.

```yaml
seed: 42
inputs:
  - {name: Winmax, kind: parameter, step: treat, parameter: winmax, values: [1, 2, 3, 4, 5]}
  - name: Normalisation
    kind: method
    step: normalise
    options:
      - {method: minmax, params: {l: 1, u: 100}}
      - {method: zscore, params: {m: 10, sd: 2}}
  - {name: Weights, kind: weights, noise: {2: 0.25, 3: 0.25}}
  - name: Aggregation
    kind: method
    step: aggregate
    options: [{method: arithmetic}, {method: geometric}]
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from qcity import errors
from qcity.engine.steps import STEP_KIND
from qcity.engine.tree import Tree
from qcity.framework.model import Framework
from qcity.methods.registry import ALL, UnknownMethodError

CHOICE_STEPS = ("impute", "treat", "normalise", "weight", "aggregate")
SHIPPED = Path(__file__).resolve().parent / "specs"
"""Specs shipped with qcity (package data), one per shipped framework: ``specs/CODE.yaml``."""


class SpecError(errors.InputError, ValueError):
    """A robustness spec that cannot be used; the message names the file and field."""


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)


class MethodOption(BaseModel):
    """One method with its parameters (replacing the step's parameters entirely)."""

    model_config = ConfigDict(extra="forbid")

    method: str
    params: dict[str, Any] = Field(default_factory=dict)


class MethodChoice(_Input):
    """One of ``options`` for ``step``; for ``aggregate``, ``level`` limits the choice to
    the nodes of that level (the others keep theirs)."""

    kind: Literal["method"] = "method"
    step: Literal["impute", "treat", "normalise", "weight", "aggregate"]
    options: list[MethodOption] = Field(min_length=1)
    level: int | None = Field(default=None, ge=2)

    def categories(self) -> int:
        return len(self.options)

    def labels(self) -> list[str]:
        return [_label(o.method, o.params) for o in self.options]


class ParameterChoice(_Input):
    """One of ``values`` for the parameter ``parameter`` of ``step`` (other parameters
    of the step kept)."""

    kind: Literal["parameter"] = "parameter"
    step: Literal["impute", "treat", "normalise", "weight", "aggregate"]
    parameter: str
    values: list[Any] = Field(min_length=1)

    def categories(self) -> int:
        return len(self.values)

    def labels(self) -> list[str]:
        return [f"{self.parameter}={v}" for v in self.values]


class WeightNoise(_Input):
    """Weights of the codes at each level ``L`` multiplied by ``1 + u``, ``u ~ U(-f, f)``
    (``noise: {L: f}``), independently per code and sample (COINr ``get_noisy_weights``)."""

    kind: Literal["weights"] = "weights"
    noise: dict[int, float]

    @field_validator("noise")
    @classmethod
    def _factors(cls, v: dict[int, float]) -> dict[int, float]:
        if not v:
            raise ValueError("give at least one level: noise factor, e.g. {2: 0.25}")
        for level, f in v.items():
            if level < 1:
                raise ValueError(f"level {level}: levels count from 1 (the indicators)")
            if not 0 <= f < 1:
                raise ValueError(f"level {level}: the noise factor must lie in [0, 1), got {f}")
        return v


class LeaveOut(_Input):
    """No indicator left out, or one of ``indicators`` (``all``: any indicator)."""

    kind: Literal["leave_out"] = "leave_out"
    indicators: list[str] | Literal["all"] = "all"


Input = Annotated[
    MethodChoice | ParameterChoice | WeightNoise | LeaveOut, Field(discriminator="kind")
]


class RobustSpec(BaseModel):
    """The uncertain inputs, an optional seed, and what to rank (``node``: default the
    index; ``period``: default the latest)."""

    model_config = ConfigDict(extra="forbid")

    seed: int | None = None
    node: str | None = None
    period: str | None = None
    inputs: list[Input] = Field(min_length=1)

    @field_validator("inputs")
    @classmethod
    def _unique(cls, v: list[Any]) -> list[Any]:
        names = [i.name for i in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"input names must be unique: {', '.join(dup)} repeated")
        return v

    def check(self, fw: Framework, where: str = "spec") -> None:
        """Refuse what the framework cannot use: unknown methods, codes or levels."""
        tree = Tree.from_framework(fw)
        levels = tree_levels(tree)
        top = max(levels.values())
        if self.node is not None and self.node not in tree.children:
            raise SpecError(
                f"{where}: node: {self.node!r} is not a node of framework {fw.code} "
                f"(nodes: {', '.join(tree.nodes[-5:])}, ...)"
            )
        for i, inp in enumerate(self.inputs):
            field = f"{where}: inputs[{i}] ({inp.name})"
            if isinstance(inp, MethodChoice):
                registry = ALL[STEP_KIND[inp.step]]
                for j, opt in enumerate(inp.options):
                    try:
                        registry.get(opt.method)
                    except UnknownMethodError as exc:
                        raise SpecError(f"{field}.options[{j}].method: {exc}") from None
                if inp.level is not None and (inp.step != "aggregate" or inp.level > top):
                    raise SpecError(
                        f"{field}.level: only an aggregate choice takes a level, between 2 "
                        f"and {top} in framework {fw.code}"
                    )
            elif isinstance(inp, WeightNoise):
                bad = [lv for lv in inp.noise if lv >= top]
                if bad:
                    raise SpecError(
                        f"{field}.noise: level {bad[0]} has no weights to perturb; framework "
                        f"{fw.code} has levels 1 (indicators) to {top} (the index, weightless)"
                    )
            elif isinstance(inp, LeaveOut) and inp.indicators != "all":
                unknown = [c for c in inp.indicators if c not in tree.indicators]
                if unknown:
                    raise SpecError(
                        f"{field}.indicators: not indicators of framework {fw.code}: "
                        f"{', '.join(unknown)}"
                    )


def tree_levels(tree: Tree) -> dict[str, int]:
    """COINr's level of every code: 1 for indicators, a node one above its highest child."""
    levels = {c: 1 for c in tree.indicators}
    for node in tree.nodes:  # children first
        levels[node] = 1 + max(levels[k] for k in tree.children[node])
    return levels


def _label(method: str, params: dict[str, Any]) -> str:
    if not params:
        return method
    return f"{method}(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("method", "parameter", "weights", "leave_out") and out.endswith("]"):
            continue  # the union's tag, not a field
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def parse_spec(data: Any, where: str = "spec") -> RobustSpec:
    """A spec from plain data (as read from YAML); SpecError names ``where`` and field."""
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected a mapping with 'inputs:' (a list of inputs)")
    try:
        return RobustSpec.model_validate(data)
    except ValidationError as exc:
        lines = [f"{_field(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()[:5]]
        raise SpecError(
            f"{where}: " + "; ".join(lines) + " (see docs/en/robust.md for the spec's fields)"
        ) from None


def shipped_spec(code: str) -> Path | None:
    """The spec shipped for framework ``code`` (``qcity robust`` without ``--spec``)."""
    path = SHIPPED / f"{code}.yaml"
    return path if path.is_file() else None


def load_spec(path: str | Path) -> RobustSpec:
    """Read a spec file; SpecError names the file and the field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: cannot read the spec ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path}: not UTF-8 text; save the spec as UTF-8 YAML") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise SpecError(f"{path}:{line} is not valid YAML") from None
    return parse_spec(data, str(path))
