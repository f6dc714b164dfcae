"""The step log: which method each pipeline step uses, with which parameters.

The log is written explicitly from the framework (no introspection), can be edited
(``Evaluation.with_step``) and re-run (``Evaluation.regen``), and is part of the hash
that stamps every result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from qcity import errors
from qcity.framework.model import Framework
from qcity.methods.registry import ALL, ENGINE_PARAMS

STEP_NAMES = ("denominate", "screen", "impute", "treat", "normalise", "weight", "aggregate")

# Registry kind used by each step (denominate has two fixed methods, see below).
STEP_KIND = {
    "screen": "screen",
    "impute": "impute",
    "treat": "treat",
    "normalise": "normalise",
    "weight": "weighting",
    "aggregate": "aggregate",
}
DENOMINATE_METHODS = ("ratio", "none")


@dataclass(frozen=True)
class Step:
    """One pipeline step: its name, the registered method and the method's parameters.

    For normalise, weight and aggregate the method is the default for every node that
    does not set its own in the framework (as COINr's global vs individual specs).
    """

    name: str
    method: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.name not in STEP_NAMES:
            raise errors.BadValue(f"unknown step {self.name!r}; steps are {', '.join(STEP_NAMES)}")
        if self.name == "denominate":
            if self.method not in DENOMINATE_METHODS:
                raise errors.BadValue(
                    f"unknown denominate method {self.method!r}; "
                    f"available: {', '.join(DENOMINATE_METHODS)}"
                )
        else:
            ALL[STEP_KIND[self.name]].get(self.method)  # raises UnknownMethodError

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the log file and the configuration hash."""
        return {"step": self.name, "method": self.method, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Step:
        """Inverse of ``to_dict``."""
        return cls(data["step"], data["method"], dict(data.get("params") or {}))

    def describe(self) -> str:
        """One line for people: ``normalise: minmax {"l": 0, "u": 100}``."""
        params = json.dumps(self.params, ensure_ascii=False, sort_keys=True, default=str)
        return f"{self.name}: {self.method} {params}"


def default_steps(fw: Framework) -> list[Step]:
    """The log a framework asks for, in execution order."""
    pipe = fw.pipeline
    screen = pipe.screen
    norm = fw.defaults.normalise
    steps = [
        Step("denominate", "ratio" if pipe.denominate else "none"),
        Step("screen", screen.method if screen else "none", dict(screen.params) if screen else {}),
        Step("impute", pipe.impute.method, dict(pipe.impute.params)),
    ]
    if pipe.order == "impute_first":
        steps[1], steps[2] = steps[2], steps[1]
    # a reference period is recorded in the log, so a replay fixes the same scale
    ref = {"reference": fw.reference_period.as_list()} if fw.reference_period else {}
    steps += [
        Step("treat", pipe.treat.method, dict(pipe.treat.params)),
        Step("normalise", norm.method, {**norm.params, "scope": norm.scope, **ref}),
        Step("weight", fw.defaults.weighting.method, {**fw.defaults.weighting.params, **ref}),
        Step("aggregate", fw.defaults.aggregate.method, dict(fw.defaults.aggregate.params)),
    ]
    return steps


def replace_step(steps: list[Step], new: Step) -> list[Step]:
    """The log with the step of the same name replaced by ``new``."""
    if not any(s.name == new.name for s in steps):
        raise errors.BadValue(f"the log has no {new.name!r} step")
    return [new if s.name == new.name else s for s in steps]


def split_params(step: Step) -> tuple[dict[str, Any], dict[str, Any]]:
    """(engine options, method parameters) of a step: the engine reads the first itself
    (see ``registry.ENGINE_PARAMS``), the second goes to the method function."""
    own = ENGINE_PARAMS.get(STEP_KIND.get(step.name, step.name), ())
    engine = {k: v for k, v in step.params.items() if k in own}
    method = {k: v for k, v in step.params.items() if k not in own}
    return engine, method
