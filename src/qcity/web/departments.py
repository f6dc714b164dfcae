"""A clerk enters values only for the indicators of their own department (the framework's
``department``): which rows of an upload are someone else's."""

from __future__ import annotations

import pandas as pd

from qcity.data.roles import Actor
from qcity.framework.model import Framework


def department_of(fw: Framework) -> dict[str, str | None]:
    """Each indicator's department, and each denominator series' (the department of the
    indicator it divides)."""
    found: dict[str, str | None] = {}
    for ind in fw.indicators():
        found[ind.code] = ind.department
        if ind.denominator is not None:
            found.setdefault(ind.denominator.series, ind.department)
    return found


def same_department(framework_department: str | None, own: str | None) -> bool:
    """Whether a clerk of ``own`` department holds an indicator of
    ``framework_department``: equal, or equal to one of its bilingual halves
    (``统计局`` holds ``统计局 / Statistics Bureau``)."""
    own = (own or "").strip()
    if not own or not framework_department:
        return False
    parts = {framework_department.strip()} | {p.strip() for p in framework_department.split("/")}
    return own in parts


def foreign_rows(observations: pd.DataFrame, fw: Framework, actor: Actor) -> list[str]:
    """The rows (``unit indicator period (department)``) ``actor`` may not enter: for a
    clerk, every row whose indicator belongs to another department; nobody else is limited
    here (their role already allows or refuses entering values)."""
    if actor.role != "clerk" or observations.empty:
        return []
    departments = department_of(fw)
    allowed = {c: same_department(d, actor.department) for c, d in departments.items()}
    ok = observations["indicator"].map(allowed).fillna(False).astype(bool)
    bad = observations[~ok]
    return [
        f"{u} {i} {p} ({departments.get(i) or '-'})"
        for u, i, p in zip(bad["unit"], bad["indicator"], bad["period"], strict=True)
    ]


__all__ = ["department_of", "foreign_rows", "same_department"]
