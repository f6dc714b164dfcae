"""Which department answers for which indicator (the framework's ``department`` field), and
whether a clerk's department is that one: the one rule every check of a clerk's rights uses."""

from __future__ import annotations

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


def held_by(fw: Framework, own: str | None) -> set[str]:
    """The codes (indicators and denominator series) a clerk of ``own`` department holds."""
    return {code for code, dept in department_of(fw).items() if same_department(dept, own)}


__all__ = ["department_of", "held_by", "same_department"]
