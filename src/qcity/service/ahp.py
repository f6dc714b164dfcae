"""AHP weights from pairwise judgements (Saaty), and reading judgement files.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.data.judgements import read_pairwise
    from qcity.methods.ahp import (
        CR_THRESHOLD,
        RI_TABLES,
        AHPResult,
        ahp,
        combine_judgements,
        format_judgement,
    )

_EXPORTS = {
    "ahp": "qcity.methods.ahp",
    "AHPResult": "qcity.methods.ahp",
    "combine_judgements": "qcity.methods.ahp",
    "CR_THRESHOLD": "qcity.methods.ahp",
    "format_judgement": "qcity.methods.ahp",
    "read_pairwise": "qcity.data.judgements",
    "RI_TABLES": "qcity.methods.ahp",
}

__all__ = [
    "CR_THRESHOLD",
    "RI_TABLES",
    "AHPResult",
    "ahp",
    "combine_judgements",
    "format_judgement",
    "read_pairwise",
]

__getattr__ = lazy_exports("qcity.service.ahp", _EXPORTS)
