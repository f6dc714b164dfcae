"""AHP weights from pairwise judgements (Saaty): the use case behind ``qcity ahp``.

``weigh_pairwise`` reads one expert's or several experts' judgements, combines several by
the element-wise geometric mean (Aczél & Saaty 1983) and computes the weights and their
consistency. The method's constants and its wording (``CR_THRESHOLD``, ``RI_TABLES``,
``AHPResult``, ``format_judgement``) are imported on first use (``qcity --help`` stays
light)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    import numpy as np

    from qcity.methods.ahp import CR_THRESHOLD, RI_TABLES, AHPResult, format_judgement

_EXPORTS = {
    "AHPResult": "qcity.methods.ahp",
    "CR_THRESHOLD": "qcity.methods.ahp",
    "format_judgement": "qcity.methods.ahp",
    "RI_TABLES": "qcity.methods.ahp",
}

__all__ = [
    "CR_THRESHOLD",
    "RI_TABLES",
    "AHPResult",
    "PairwiseWeights",
    "format_judgement",
    "weigh_pairwise",
]

__getattr__ = lazy_exports("qcity.service.ahp", _EXPORTS)


@dataclass(frozen=True)
class PairwiseWeights:
    """The weights of a judgement file: the criteria (``names``, in the file's order),
    the matrix weighed (``matrix``: the one expert's, or the experts' geometric mean),
    its weights and consistency (``result``), the random index table used (``ri``) and,
    when several experts judged, each expert's own result (``per_expert``)."""

    names: tuple[str, ...]
    matrix: np.ndarray
    result: AHPResult
    ri: str
    per_expert: tuple[AHPResult, ...] = ()

    @property
    def experts(self) -> int:
        """How many experts' judgements were combined (1 for a single matrix)."""
        return max(1, len(self.per_expert))


def weigh_pairwise(*, file: Path, ri: str = "saaty") -> PairwiseWeights:
    """Read the pairwise judgements of ``file`` (.csv: experts separated by blank lines;
    .xlsx: one sheet each), combine several experts by the element-wise geometric mean
    and compute the AHP weights, lambda_max, CI and CR with the random index table
    ``ri`` (one of ``RI_TABLES``). An unknown table, or a file that cannot be read as
    judgements (naming its sheet, row and column), is an ``InputError``; an inconsistent
    matrix is a result (``result.consistent`` False), not an error."""
    from qcity.data.judgements import read_pairwise
    from qcity.methods.ahp import RI_TABLES, ahp, combine_judgements
    from qcity.service.inputs import InputError

    if ri not in RI_TABLES:
        raise InputError(
            f"unknown random index table {ri!r}; use one of: {', '.join(RI_TABLES)} "
            "/ 未知的随机一致性指标表"
        )
    experts = read_pairwise(file)
    names = tuple(experts[0][0])
    if len(experts) == 1:
        return PairwiseWeights(names, experts[0][1], ahp(experts[0][1], ri_table=ri), ri)
    combined = combine_judgements([m for _, m in experts])
    return PairwiseWeights(
        names,
        combined,
        ahp(combined, ri_table=ri),
        ri,
        tuple(ahp(m, ri_table=ri) for _, m in experts),
    )
