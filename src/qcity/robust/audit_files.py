"""The audit folder: flags.csv, correlations.csv, cronbach.csv, pca.csv and influence.csv,
each with the Chinese and English name beside every code, in UTF-8 with BOM (so that
Chinese Excel opens them, like the results folder), a README.txt saying how to read them
and, for illustrative data, a status column on every row and NOTICE.txt.

    write_audit_folder(audit(ev), Path("out/audit"), notice=result.notice)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from qcity.data.atomic import atomic_folder, moved
from qcity.data.safe_cells import safe_frame
from qcity.data.statuses import ILLUSTRATIVE_LABEL

if TYPE_CHECKING:
    from qcity.robust.statistical_audit import AuditResult

FILES = {
    "flags.csv": (
        "需要关注的问题，警告在前：常数列、近似重复、组内负相关、实际影响与权重不符；"
        "提示：不显著的负相关、alpha 偏低、组内不止一个维度",
        "what deserves a look, warnings first: constant columns, near-duplicates, negative "
        "correlations inside a group, influence far from weight; notes: non-significant "
        "negative correlations, low alpha, more than one dimension in a group",
    ),
    "correlations.csv": (
        "相关系数：同组成员之间（within）、成员与上级（parent）、与更上层（ancestor）",
        "Pearson r of the members of a group (within), of each member with its parent "
        "(parent) and with every aggregate further up (ancestor); p-value, units used",
    ),
    "cronbach.csv": (
        "各组的 Cronbach's alpha（内部一致性，0.7 以上为好）",
        "Cronbach's alpha of each group (internal consistency; 0.7 or more is good)",
    ),
    "pca.csv": (
        "各组的主成分分析：第一主成分解释的方差比例、特征值大于 1 的个数",
        "PCA of each group: variance share of the first component, eigenvalues above 1",
    ),
    "influence.csv": (
        "实际影响（与上级得分相关系数的平方所占份额）与有效权重的对比",
        "influence (share of r² with the aggregate) against the effective weight",
    ),
}
CODE_COLUMNS = ("group", "a", "b", "node", "code", "other")
STATUS = ILLUSTRATIVE_LABEL


def labelled(frame: pd.DataFrame, result: AuditResult, illustrative: bool) -> pd.DataFrame:
    """``frame`` with the period first, ``X_zh`` and ``X_en`` after every code column X,
    and a status column when the data are illustrative."""
    out = pd.DataFrame({"period": [result.period] * len(frame)}, index=frame.index)
    for col in frame.columns:
        out[col] = frame[col]
        if col in CODE_COLUMNS:
            codes = frame[col].astype(str)
            out[f"{col}_zh"] = codes.map(lambda c: result.names.get(c, ("", ""))[0])
            out[f"{col}_en"] = codes.map(lambda c: result.names.get(c, ("", ""))[1])
    if illustrative:
        out["status"] = STATUS
    return out.reset_index(drop=True)


def _csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with BOM; text that Excel would take for a formula gets a leading quote."""
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig", float_format="%.6g")


def readme_text(result: AuditResult) -> str:
    """README.txt: what was audited, the rules of the flags, and the files."""
    r = result.rules
    lines = [
        "统计审计 / Statistical audit",
        "",
        f"时期 period: {result.period}; 单元 units: {len(result.units)}",
        "",
        "规则 / Rules:",
        f"  duplicate: 同组两成员 |r| > {r.duplicate:g} / two members of a group with "
        f"|r| > {r.duplicate:g}",
        f"  negative: 同组成员之间或与上级 r < {r.negative:g}（p < 0.05 为警告，否则为提示）/ "
        f"r < {r.negative:g} between members or with the parent (a warning when p < 0.05, "
        "else a note)",
        f"  low_alpha: Cronbach's alpha < {r.alpha:g}",
        "  multidimensional: 特征值大于 1 的主成分多于 1 个 / more than one eigenvalue above 1",
        f"  influence_low / influence_high: r² 份额 / 权重份额 < {r.low:g} 或 > {r.high:g} / "
        f"r² share / weight share below {r.low:g} or above {r.high:g}; influence_negative: "
        "与指数负相关 / r < 0 with the index",
        "  constant: 各单元取值相同 / the same value for every unit",
        "",
        "文件 / Files:",
        *[f"  {name:18} {zh}\n  {'':18} {en}" for name, (zh, en) in FILES.items()],
        "",
    ]
    return "\n".join(lines)


def write_audit_folder(result: AuditResult, out: Path, *, notice: str | None = None) -> list[Path]:
    """Write the audit's tables to ``out`` (see the module docstring); ``notice``: the
    illustrative-data notice (then NOTICE.txt and a status column). All or nothing
    (``qcity.data.atomic``). Returns the paths."""
    with atomic_folder(out, stale=[*FILES, "README.txt", "NOTICE.txt"]) as tmp:
        written = _write(result, tmp, notice)
    return moved(written, out)


def _write(result: AuditResult, out: Path, notice: str | None) -> list[Path]:
    illustrative = notice is not None
    tables = {
        "flags.csv": result.flags,
        "correlations.csv": result.correlations,
        "cronbach.csv": result.cronbach,
        "pca.csv": result.pca,
        "influence.csv": result.influence,
    }
    written = []
    for name, frame in tables.items():
        path = out / name
        _csv(labelled(frame, result, illustrative), path)
        written.append(path)
    readme = out / "README.txt"
    readme.write_text(readme_text(result), encoding="utf-8-sig", newline="\r\n")
    written.append(readme)
    notice_path = out / "NOTICE.txt"
    if notice is not None:
        notice_path.write_text(notice, encoding="utf-8")
        written.append(notice_path)
    return written
