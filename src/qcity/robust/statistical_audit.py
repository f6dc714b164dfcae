"""Statistical audit of an evaluation, in the JRC's way: does the data support the
framework's structure and weights?

For one period, on the normalised indicators and the aggregated scores of an evaluation:

- ``correlations``: Pearson r of the members of every group with each other, of every
  member with its parent, and of every code with the aggregates further up (COINr
  ``get_corr(..., withparent = "family")`` and ``grouplev``);
- ``cronbach``: Cronbach's alpha of every group's members (COINr ``get_cronbach``);
- ``pca``: per group, the share of variance of the first principal component and how many
  components have an eigenvalue above 1 (COINr ``get_PCA``, Kaiser's rule);
- ``influence``: each indicator's (and each child's) Pearson r^2 with the aggregate above
  it, as a share of the group's total, against its effective weight (Paruolo, Saisana and
  Saltelli 2013; Becker et al. 2017);
- ``flags``: what deserves a look — near-duplicates, negative correlations inside a group,
  constant columns, low alpha, groups with more than one dimension, indicators whose
  influence is far from their weight. The rules are ``AuditRules``.

Sources: OECD/JRC, *Handbook on Constructing Composite Indicators* (2008), step 4
(multivariate analysis); JRC Competence Centre on Composite Indicators, *Your 10-step
pocket guide to composite indicators & scoreboards* (2019), statistical coherence;
Becker et al. (2022), "COINr: an R package for developing composite indicators", *JOSS*
7(78) 4567 (``get_corr``, ``get_corr_flags``, ``get_cronbach``, ``get_PCA``); Paruolo,
Saisana and Saltelli (2013), "Ratings and rankings: voodoo or science?", *J. R. Stat.
Soc. A* 176(3); Becker, Saisana, Paruolo and Vandecasteele (2017),
"Weights and importance in composite indicators: closing the gap", *Ecological
Indicators* 80.

    >>> result = audit(evaluation)           # the latest period
    >>> result.flags                           # what deserves a look first
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qcity import errors
from qcity.robust.audit_stats import MIN_UNITS, constant_columns, correlation_pvalue, pairwise
from qcity.robust.audit_tables import (
    FLAG_COLUMNS,
    cronbach_table,
    flags_table,
    influence_table,
    pairs_table,
    pca_table,
)

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation
    from qcity.engine.tree import Tree


class AuditError(errors.EvaluationError, ValueError):
    """An audit that cannot be made (unknown period, too few units)."""


@dataclass(frozen=True)
class AuditRules:
    """When the audit flags something (documented in docs/en/audit.md).

    ``duplicate``: two members of a group with |r| above it (COINr ``get_corr_flags``'
    default 0.9); ``negative``: a member correlated below it with another member or with
    its parent; ``alpha``: Cronbach's alpha below it (Nunnally's 0.7); ``low``/``high``:
    an influence share below ``low`` or above ``high`` times the weight share.
    """

    duplicate: float = 0.9
    negative: float = 0.0
    alpha: float = 0.7
    low: float = 0.5
    high: float = 2.0


@dataclass(frozen=True)
class AuditResult:
    """The audit of one period: tables (see the module docstring), the units audited,
    and the Chinese and English name of every code."""

    period: str
    units: tuple[str, ...]
    correlations: pd.DataFrame
    matrix: pd.DataFrame
    flags: pd.DataFrame
    cronbach: pd.DataFrame
    pca: pd.DataFrame
    influence: pd.DataFrame
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    rules: AuditRules = field(default_factory=AuditRules)


@dataclass(frozen=True)
class Columns:
    """The audited data: ``x`` (n units, p codes), the codes, their depth, and which
    columns never vary or have too few values."""

    x: np.ndarray
    codes: list[str]
    tree: Tree
    constant: np.ndarray
    count: np.ndarray

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def kind(self, j: int) -> str:
        """What is wrong with column ``j`` for correlating it: ``no_values``,
        ``few_values``, ``constant``, or '' (nothing)."""
        if self.count[j] == 0:
            return "no_values"
        if self.count[j] < MIN_UNITS:
            return "few_values"
        return "constant" if self.constant[j] else ""

    def defect(self, j: int) -> str:
        """Why column ``j`` cannot be correlated, or ''."""
        kind, code = self.kind(j), self.codes[j]
        if kind == "no_values":
            return f"{code}: no value in this period 本期无数值 (see the run's diagnostics)"
        if kind == "few_values":
            return f"{code}: {int(self.count[j])} value(s) only 数值过少"
        return f"{code}: the same for every unit 各单元取值相同" if kind else ""


def audit(
    evaluation: Evaluation, period: str | int | None = None, rules: AuditRules | None = None
) -> AuditResult:
    """Audit ``evaluation`` in ``period`` (default: the latest period with scores)."""
    rules = rules or AuditRules()
    res = evaluation.results
    periods = list(res.datasets["raw"].periods)
    t = _period_index(periods, res.unit_keep, period)
    keep = res.unit_keep[t]
    units = tuple(np.array(res.datasets["raw"].units, dtype=object)[keep])
    if len(units) < MIN_UNITS:
        raise AuditError(
            f"an audit needs at least {MIN_UNITS} units with scores in {periods[t]}; "
            f"this evaluation has {len(units)} ({', '.join(map(str, units)) or 'none'}): "
            "evaluate more units (e.g. a peer group, --group)"
        )
    order = [n.code for n, _, _ in evaluation.framework.walk() if n.code in res.scores]
    x = np.stack([res.scores[c][t, keep] for c in order], axis=1)
    cols = Columns(x, order, res.tree, constant_columns(x), (~np.isnan(x)).sum(axis=0))
    pw = pairwise(x)
    p = correlation_pvalue(pw.r, pw.n)
    names = {n.code: (n.name_zh, n.name_en) for n, _, _ in evaluation.framework.walk()}
    groups = [c for c in order if c in res.tree.children]
    corr = pairs_table(cols, groups, pw, p)
    cron = cronbach_table(cols, groups, pw)
    pca = pca_table(cols, groups)
    influence = influence_table(cols, groups, pw, res.weights, rules)
    flags = flags_table(cols, corr, cron, pca, influence, rules)
    matrix = pd.DataFrame(pw.r, index=pd.Index(order), columns=pd.Index(order))
    return AuditResult(
        period=str(periods[t]),
        units=tuple(str(u) for u in units),
        correlations=corr,
        matrix=matrix,
        flags=flags if not flags.empty else pd.DataFrame(columns=FLAG_COLUMNS),
        cronbach=cron,
        pca=pca,
        influence=influence,
        names=names,
        rules=rules,
    )


def _period_index(periods: list[str], unit_keep: np.ndarray, period: str | int | None) -> int:
    """The index of ``period``, or of the latest period with any unit kept."""
    if period is None:
        with_units = np.flatnonzero(unit_keep.any(axis=1))
        if with_units.size == 0:
            raise AuditError("the evaluation has no period with scores to audit")
        return int(with_units[-1])
    if str(period) not in periods:
        raise AuditError(f"period {period} is not in the evaluation; periods: {', '.join(periods)}")
    return periods.index(str(period))
