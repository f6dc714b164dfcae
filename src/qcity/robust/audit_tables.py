"""The tables of the audit (``qcity.robust.statistical_audit``), built from the pairwise
statistics of the audited columns: correlations by the framework's structure, Cronbach's
alpha, PCA, influence against weight, and the flags drawn from them. Loops run over the
framework's groups (tens), never over units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from qcity.robust.audit_stats import MIN_UNITS, Pairwise, cronbach_alpha, pca_eigenvalues

if TYPE_CHECKING:
    from qcity.robust.statistical_audit import AuditRules, Columns

PAIR_COLUMNS = ["group", "a", "b", "kind", "r", "p", "n", "note"]
CRONBACH_COLUMNS = ["group", "depth", "members", "used", "n", "alpha", "note"]
PCA_COLUMNS = ["group", "depth", "used", "n", "pc1_share", "above_one", "eigenvalues", "note"]
INFLUENCE_COLUMNS = [
    "node",
    "among",
    "code",
    "weight",
    "weight_share",
    "r",
    "r2",
    "influence",
    "ratio",
    "flag",
    "note",
]
FLAG_COLUMNS = ["flag", "severity", "group", "code", "other", "value", "message"]
SIGNIFICANT = 0.05
"""A negative correlation with p below this is a warning; above it, a note."""


def _note_for_pair(cols: Columns, pw: Pairwise, i: int, j: int) -> str:
    """Why r of columns i and j is not defined (or '' when it is)."""
    if not np.isnan(pw.r[i, j]):
        return ""
    why = cols.defect(i) or cols.defect(j)
    if why:
        return why
    if pw.n[i, j] < MIN_UNITS:
        return f"{int(pw.n[i, j])} unit(s) with both values 同时有值的单元过少"
    return "no variation on the units with both values 共同单元上无变化"


def pairs_table(cols: Columns, groups: list[str], pw: Pairwise, p: np.ndarray) -> pd.DataFrame:
    """One row per pair the structure relates: members of a group with each other
    (``within``), each member with its parent (``parent``) and each code with every
    aggregate further up (``ancestor``); ``group`` is the group or the aggregate."""
    tree = cols.tree
    rows: list[tuple[str, int, int, str]] = []
    for g in groups:
        kids = [cols.index(k) for k in tree.children[g]]
        rows += [(g, a, b, "within") for n, a in enumerate(kids) for b in kids[n + 1 :]]
        rows += [(g, a, cols.index(g), "parent") for a in kids]
    for code in cols.codes:
        rows += [(up, cols.index(code), cols.index(up), "ancestor") for up in tree.path(code)[2:]]
    if not rows:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    a = np.array([r[1] for r in rows])
    b = np.array([r[2] for r in rows])
    return pd.DataFrame(
        {
            "group": [r[0] for r in rows],
            "a": [cols.codes[i] for i in a],
            "b": [cols.codes[i] for i in b],
            "kind": [r[3] for r in rows],
            "r": pw.r[a, b],
            "p": p[a, b],
            "n": pw.n[a, b],
            "note": [_note_for_pair(cols, pw, i, j) for i, j in zip(a, b, strict=True)],
        },
        columns=PAIR_COLUMNS,
    )


def _members(cols: Columns, group: str) -> tuple[list[int], list[str]]:
    """Columns of the group's members that can be analysed, and notes on the others."""
    used: list[int] = []
    notes: list[str] = []
    for kid in cols.tree.children[group]:
        j = cols.index(kid)
        why = cols.defect(j)
        if why:
            notes.append(f"left out 未计入: {why}")
        else:
            used.append(j)
    return used, notes


def cronbach_table(cols: Columns, groups: list[str], pw: Pairwise) -> pd.DataFrame:
    """Cronbach's alpha of each group's members (pairwise-complete covariances, as COINr's
    ``get_cronbach``); members that do not vary are left out and named in ``note``."""
    rows = []
    for g in groups:
        used, notes = _members(cols, g)
        ix = np.array(used, dtype=int)
        alpha = cronbach_alpha(pw.cov[np.ix_(ix, ix)]) if len(used) >= 2 else float("nan")
        if len(used) < 2:
            notes.append("fewer than 2 members to compare 可比较的下级不足 2 个")
        n = int(pw.n[np.ix_(ix, ix)].min()) if len(used) else 0
        rows.append(
            {
                "group": g,
                "depth": cols.tree.depth[g],
                "members": len(cols.tree.children[g]),
                "used": len(used),
                "n": n,
                "alpha": alpha,
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows, columns=CRONBACH_COLUMNS)


def pca_table(cols: Columns, groups: list[str]) -> pd.DataFrame:
    """Per group: PCA of the standardised members over the units with all of them
    (COINr's ``get_PCA``): the first component's share of the variance, how many
    eigenvalues exceed 1 (Kaiser 1960) and all eigenvalues."""
    rows = []
    for g in groups:
        used, notes = _members(cols, g)
        values, n = pca_eigenvalues(cols.x[:, used]) if len(used) >= 2 else (np.empty(0), 0)
        if len(used) < 2:
            notes.append("fewer than 2 members to compare 可比较的下级不足 2 个")
        elif values.size == 0:
            notes.append(f"{n} unit(s) with every member present or no variation on them")
        rows.append(
            {
                "group": g,
                "depth": cols.tree.depth[g],
                "used": len(used),
                "n": n,
                "pc1_share": values[0] / values.sum() if values.size else np.nan,
                "above_one": int((values > 1.0 + 1e-9).sum()) if values.size else pd.NA,
                "eigenvalues": " ".join(f"{v:.3f}" for v in values),
                "note": "; ".join(notes),
            }
        )
    frame = pd.DataFrame(rows, columns=PCA_COLUMNS)
    frame["above_one"] = frame["above_one"].astype("Int64")
    return frame


def _local_weights(cols: Columns, weights: dict[str, np.ndarray]) -> dict[str, float]:
    """Each code's weight within its parent as used by the run, normalised to sum to 1."""
    local: dict[str, float] = {}
    for node, kids in cols.tree.children.items():
        w = np.asarray(weights[node], dtype=float) if node in weights else np.ones(len(kids))
        total = w.sum()
        shares = w / total if total > 0 else np.zeros(len(kids))
        local.update({k: float(v) for k, v in zip(kids, shares, strict=True)})
    return local


def _path_weight(cols: Columns, local: dict[str, float], code: str, node: str) -> float:
    """The effective weight of ``code`` in ``node``: the product of the weights on the way."""
    path = cols.tree.path(code)
    return float(np.prod([local[c] for c in path[: path.index(node)]]))


def influence_table(
    cols: Columns,
    groups: list[str],
    pw: Pairwise,
    weights: dict[str, np.ndarray],
    rules: AuditRules,
) -> pd.DataFrame:
    """Influence against weight: for each aggregate (``node``), its children and its
    indicators (``among``), r with the node, r^2, the r^2 share (``influence``: r^2 over the
    sum of r^2 of the same set), the effective weight (product of the weights used along
    the path), its share among the members with a known influence (``weight_share``) and
    ``ratio`` = influence / weight share. ``flag``: ``negative`` (r < 0),
    ``low`` (ratio < rules.low), ``high`` (ratio > rules.high).

    A constant member has no influence (r^2 counted as 0: it cannot move the aggregate);
    a member without enough values is left out of both shares (influence and ratio empty).
    """
    tree, local = cols.tree, _local_weights(cols, weights)
    frames = []
    for g in groups:
        kids = list(tree.children[g])
        sets = [("indicators", tree.leaves_under(g))]
        if any(k in tree.children for k in kids):
            sets.insert(0, ("children", kids))
        for among, members in sets:
            j = np.array([cols.index(m) for m in members])
            weight = np.array([_path_weight(cols, local, m, g) for m in members])
            r = pw.r[j, cols.index(g)]
            flat = cols.constant[j] & (cols.count[j] >= MIN_UNITS)
            r2 = np.where(flat, 0.0, r * r)
            known = ~np.isnan(r2)
            with np.errstate(invalid="ignore", divide="ignore"):
                influence = np.where(known, r2 / r2[known].sum(), np.nan)
                share = weight / weight[known].sum()
                ratio = np.where(known & (weight > 0), influence / share, np.nan)
            flag = np.where(
                r < 0,
                "negative",
                np.where(ratio < rules.low, "low", np.where(ratio > rules.high, "high", "")),
            )
            frames.append(
                pd.DataFrame(
                    {
                        "node": g,
                        "among": among,
                        "code": members,
                        "weight": weight,
                        "weight_share": np.where(known, share, np.nan),
                        "r": r,
                        "r2": r2,
                        "influence": influence,
                        "ratio": ratio,
                        "flag": np.where(known, flag, ""),
                        "note": [_note_for_pair(cols, pw, i, cols.index(g)) for i in j],
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=INFLUENCE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[INFLUENCE_COLUMNS]


MESSAGES = {
    "constant": "各单元取值相同，对排名没有作用 / the same for every unit: it cannot change a rank",
    "no_values": "本期没有数值（见评价的诊断信息，例如常数列无法做最小-最大标准化）/ no value in "
    "this period (see the run's diagnostics: e.g. min-max cannot normalise a constant column)",
    "few_values": f"少于 {MIN_UNITS} 个单元有数值 / fewer than {MIN_UNITS} units have a value",
    "duplicate": "几乎重复，可能重复计算 / near-duplicates: the same thing may count twice",
    "within": "同组负相关，得分相互抵消 / negative inside the group: they offset each other",
    "parent": "与上级负相关 / moves against its parent",
    "influence_negative": "与指数负相关 / moves against the index",
    "influence_low": "实际影响远小于权重 / influence far below its weight",
    "influence_high": "实际影响远大于权重 / influence far above its weight",
    "low_alpha": "组内一致性低 / the members do not move together",
    "multidimensional": "该组不止一个维度 / more than one dimension in the group",
}


def _row(*values: Any) -> dict[str, Any]:
    """A flag: flag, severity, group, code, other, value, message."""
    return dict(zip(FLAG_COLUMNS, values, strict=True))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def flags_table(
    cols: Columns,
    corr: pd.DataFrame,
    cron: pd.DataFrame,
    pca: pd.DataFrame,
    influence: pd.DataFrame,
    rules: AuditRules,
) -> pd.DataFrame:
    """What deserves a look, warnings first: constant columns, near-duplicates and
    significant negative correlations inside a group, influence far from weight on the
    index; then notes: other negative correlations, low alpha, and groups with more than
    one principal component above 1."""
    rows: list[dict[str, Any]] = []
    for j, code in enumerate(cols.codes):
        kind = cols.kind(j)
        if kind:
            parent = cols.tree.parent.get(code) or ""
            rows.append(_row(kind, "warning", parent, code, "", cols.count[j], MESSAGES[kind]))
    inside = corr[corr["kind"].isin(["within", "parent"])]
    dup = inside[(inside["kind"] == "within") & (inside["r"].abs() > rules.duplicate)]
    for d in _records(dup):
        text = f"r = {d['r']:.2f}, |r| > {rules.duplicate:g}: {MESSAGES['duplicate']}"
        rows.append(_row("duplicate", "warning", d["group"], d["a"], d["b"], d["r"], text))
    for n in _records(inside[inside["r"] < rules.negative]):
        severity = "warning" if n["p"] < SIGNIFICANT else "note"
        text = f"r = {n['r']:.2f}, p = {n['p']:.2f}: {MESSAGES[n['kind']]}"
        rows.append(_row("negative", severity, n["group"], n["a"], n["b"], n["r"], text))
    root = cols.tree.root
    top = influence[influence["node"] == root]
    for i in _records(top[top["flag"] != ""]):
        flag = f"influence_{i['flag']}"
        text = f"r² share {i['influence']:.1%}, weight {i['weight_share']:.1%}: {MESSAGES[flag]}"
        rows.append(_row(flag, "warning", root, i["code"], "", i["ratio"], text))
    for c in _records(cron[cron["alpha"] < rules.alpha]):
        text = f"alpha = {c['alpha']:.2f} < {rules.alpha:g}: {MESSAGES['low_alpha']}"
        rows.append(_row("low_alpha", "note", c["group"], "", "", c["alpha"], text))
    for g in _records(pca[pca["above_one"].fillna(0) > 1]):
        text = f"{g['above_one']} eigenvalues > 1: {MESSAGES['multidimensional']}"
        rows.append(_row("multidimensional", "note", g["group"], "", "", g["above_one"], text))
    frame = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    order = frame["severity"].map({"warning": 0, "note": 1})
    frame = frame.iloc[np.argsort(order.to_numpy(), kind="stable")]
    return frame.reset_index(drop=True)
