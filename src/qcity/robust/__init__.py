"""qcity.robust: how much the results depend on the data and the choices made.

    from qcity import robust
    result = robust.audit(evaluation)      # statistical audit (JRC style): AuditResult
    result.flags; result.correlations; result.cronbach; result.pca; result.influence
    spec = robust.load_spec("examples/asem/robust.yaml")   # uncertain inputs
    robust.run_uncertainty(evaluation, spec, n=1000).rank_stats    # rank bands
    robust.run_sensitivity(evaluation, spec, n=1000).indices       # Sobol indices

Names are imported lazily (``qcity.lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.robust.sensitivity import SensitivityResult, run_sensitivity
    from qcity.robust.spec import RobustSpec, SpecError, load_spec
    from qcity.robust.statistical_audit import AuditError, AuditResult, AuditRules, audit
    from qcity.robust.uncertainty import UncertaintyResult, run_uncertainty

_EXPORTS = {
    "AuditError": "qcity.robust.statistical_audit",
    "AuditResult": "qcity.robust.statistical_audit",
    "AuditRules": "qcity.robust.statistical_audit",
    "audit": "qcity.robust.statistical_audit",
    "RobustSpec": "qcity.robust.spec",
    "SpecError": "qcity.robust.spec",
    "load_spec": "qcity.robust.spec",
    "UncertaintyResult": "qcity.robust.uncertainty",
    "run_uncertainty": "qcity.robust.uncertainty",
    "SensitivityResult": "qcity.robust.sensitivity",
    "run_sensitivity": "qcity.robust.sensitivity",
}

__all__ = [
    "AuditError",
    "AuditResult",
    "AuditRules",
    "RobustSpec",
    "SensitivityResult",
    "SpecError",
    "UncertaintyResult",
    "audit",
    "load_spec",
    "run_sensitivity",
    "run_uncertainty",
]


__getattr__ = lazy_exports("qcity.robust", _EXPORTS)
