"""The one rule for "what if the dimensions were weighted otherwise": the weights a user
may give (``economy:2,society:1``: the other dimensions keep the framework's nominal
weights; each from 0 to 100, at least one above 0) and the scores they give (the
evaluation's ``weight`` step with these nominal weights, every other step unchanged:
``Evaluation.with_step``). The dashboard's sliders and its API use it.

    weights = parse_weights(fw, "economy:2,society:1")
    period, scores = reweighted_scores(evaluation, weights)   # the index, latest period
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from qcity import errors

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation
    from qcity.framework.model import Framework

#: The largest weight a dimension may be given.
MAX_WEIGHT = 100.0


def default_weights(fw: Framework) -> dict[str, float]:
    """The framework's nominal weights of the dimensions."""
    return {d.code: float(d.weight) for d in fw.root.children}


def parse_weights(fw: Framework, text: str | None) -> dict[str, float]:
    """``economy:2,society:1`` -> weights of the dimensions (others keep the framework's);
    ``errors.BadValue`` (a ``ValueError``) naming the bad part."""
    weights = default_weights(fw)
    if not text:
        return weights
    for part in text.split(","):
        if not part.strip():
            continue
        code, sep, value = part.partition(":")
        code = code.strip()
        if not sep or code not in weights:
            raise errors.BadValue(
                f"weights: {part!r} is not CODE:WEIGHT with a dimension code ({', '.join(weights)})"
            )
        try:
            w = float(value)
        except ValueError:
            raise errors.BadValue(f"weights: {value!r} for {code} is not a number") from None
        if not math.isfinite(w) or w < 0 or w > MAX_WEIGHT:
            raise errors.BadValue(f"weights: {code}={value} must be a number from 0 to 100")
        weights[code] = w
    if sum(weights.values()) <= 0:
        raise errors.BadValue("weights: at least one dimension needs a weight above 0")
    return weights


def reweighted_scores(
    evaluation: Evaluation, weights: dict[str, float]
) -> tuple[str, dict[str, float]]:
    """The latest period and each unit's index score with the dimensions weighted
    ``weights`` (the ``weight`` step's nominal weights replaced; all else equal)."""
    root = evaluation.framework.root.code
    step = next(s for s in evaluation.log if s.name == "weight")
    params = {**step.params, "nominal": {**step.params.get("nominal", {}), **weights}}
    new = evaluation.with_step("weight", params=params).scores()
    new = new[new["node"].astype(str) == root]
    last = str(new["period"].astype(str).max())
    new = new[new["period"].astype(str) == last]
    return last, dict(zip(new["unit"].astype(str), new["score"].astype(float), strict=True))
