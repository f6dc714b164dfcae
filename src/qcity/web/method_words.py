"""The evaluation's steps and methods in words a Chinese reader reads: each method's name
and its formula in one Chinese sentence (the English pages show the method's docstring,
which cites its source), the steps' names and their parameters."""

from __future__ import annotations

from typing import Any

KINDS: dict[str, tuple[str, str]] = {
    "denominate": ("分母换算", "Denominators"),
    "screen": ("数据筛选", "Screening"),
    "impute": ("缺失值插补", "Imputation"),
    "treat": ("异常值处理", "Outlier treatment"),
    "transform": ("数据变换", "Transformation"),
    "normalise": ("标准化", "Normalisation"),
    "weight": ("赋权", "Weighting"),
    "weighting": ("赋权", "Weighting"),
    "aggregate": ("合成", "Aggregation"),
}
"""Step and method kinds: (Chinese, English)."""

METHODS: dict[tuple[str, str], tuple[str, str]] = {
    ("denominate", "ratio"): (
        "比值换算",
        "按框架规定的分母把总量换算为人均、地均等相对指标。",
    ),
    ("impute", "linear"): (
        "线性插值",
        "在相邻的已观测年份之间按线性插补缺失值（按单元、指标分别计算）。",
    ),
    ("impute", "locf"): (
        "沿用上期值",
        "缺失值取该单元此前最近一期的观测值（COINr 的 latest 方法）。",
    ),
    ("impute", "mean"): (
        "均值插补",
        "缺失值取同期（同组）各单元的平均值。",
    ),
    ("impute", "median"): (
        "中位数插补",
        "缺失值取同期（同组）各单元的中位数。",
    ),
    ("impute", "none"): (
        "不插补",
        "缺失值保持缺失。",
    ),
    ("screen", "availability"): (
        "数据完整率筛选",
        "每期保留数据完整率不低于阈值的单元，再保留完整率不低于阈值的指标（COINr Screen）。",
    ),
    ("screen", "none"): (
        "不筛选",
        "保留全部单元和指标（仍报告完整率）。",
    ),
    ("treat", "coinr"): (
        "缩尾或对数处理",
        "偏度和峰度超限的指标逐点缩尾（至多 winmax 个点），仍超限则改取对数（COINr Treat）。",
    ),
    ("treat", "none"): (
        "不处理异常值",
        "数值不变。",
    ),
    ("transform", "boxcox"): (
        "Box-Cox 变换",
        "(x^λ − 1)/λ，λ=0 时取 ln x；要求 x>0（Box 与 Cox，1964）。",
    ),
    ("transform", "log"): (
        "自然对数",
        "ln x；要求观测值均大于 0。",
    ),
    ("transform", "log10"): (
        "常用对数",
        "lg x；要求观测值均大于 0。",
    ),
    ("transform", "none"): (
        "不变换",
        "数值不变。",
    ),
    ("normalise", "best"): (
        "与最优值比",
        "x ÷ 最大值 × u（COINr n_fracmax）。",
    ),
    ("normalise", "goalposts"): (
        "固定门槛法",
        "(x − 下门槛) ÷ (上门槛 − 下门槛)，截断到 [0, 1] 后换算到 [l, u]。",
    ),
    ("normalise", "minmax"): (
        "极差标准化",
        "(x − 最小值) ÷ (最大值 − 最小值) × (u − l) + l，在各单元之间计算（COINr n_minmax）。",
    ),
    ("normalise", "moderate"): (
        "区间型指标标准化",
        "1 − 偏离适度区间的距离 ÷ 最大距离，换算到 [l, u]。",
    ),
    ("normalise", "percentile"): (
        "百分位排名",
        "(名次 − 1) ÷ (n − 1)，换算到 [l, u]（COINr n_prank）。",
    ),
    ("normalise", "rank"): (
        "排名",
        "各单元间的名次，数值最小者为 1，并列取较小名次（COINr n_rank）。",
    ),
    ("normalise", "ratio_mean"): (
        "与均值比",
        "x ÷ 各单元均值 × 比例系数（OECD/JRC 手册 2008，5.2 节）。",
    ),
    ("normalise", "target"): (
        "目标距离法",
        "以目标值为上限计算到目标的距离，换算到 [l, u]。",
    ),
    ("normalise", "zscore"): (
        "Z 分数",
        "(x − 均值) ÷ 样本标准差 × sd + m（COINr n_zscore）。",
    ),
    ("weighting", "ahp"): (
        "层次分析法",
        "两两比较判断矩阵的主特征向量（Saaty，1980）。",
    ),
    ("weighting", "combined"): (
        "主客观组合赋权",
        "主观权重与客观权重按比例组合。",
    ),
    ("weighting", "critic"): (
        "CRITIC 法",
        "w_j = C_j ÷ Σ C_k，C_j = σ_j Σ_k (1 − r_jk)。",
    ),
    ("weighting", "cv"): (
        "变异系数法",
        "w_j = CV_j ÷ Σ CV_k，CV_j = 标准差 ÷ 均值。",
    ),
    ("weighting", "entropy"): (
        "熵权法",
        "w_j = (1 − e_j) ÷ Σ (1 − e_k)，e_j 为信息熵。",
    ),
    ("weighting", "equal"): (
        "等权",
        "各项权重均为 1/c（OECD/JRC 手册 2008，6.1 节）。",
    ),
    ("weighting", "manual"): (
        "框架给定权重",
        "框架规定的名义权重归一化：w_j = n_j ÷ Σ n_k。",
    ),
    ("weighting", "pca"): (
        "主成分分析法",
        "按 Nicoletti 等（2000）与 OECD/JRC 手册（2008）6.1 节由主成分载荷定权。",
    ),
    ("aggregate", "arithmetic"): (
        "加权算术平均",
        "Σ w_j x_j ÷ Σ w_j，只计有值的指标。",
    ),
    ("aggregate", "copeland"): (
        "Copeland 计分",
        "各单元两两加权多数比较的胜场减负场。",
    ),
    ("aggregate", "generalised"): (
        "加权幂平均",
        "(Σ w_j x_j^p ÷ Σ w_j)^(1/p)，只计有值的指标。",
    ),
    ("aggregate", "geometric"): (
        "加权几何平均",
        "exp(Σ w_j ln x_j ÷ Σ w_j)，只计有值的指标。",
    ),
    ("aggregate", "grey_relational"): (
        "灰色关联度",
        "与各期最优单元的灰色关联度 × 比例系数（邓聚龙，1982）。",
    ),
    ("aggregate", "harmonic"): (
        "加权调和平均",
        "Σ w_j ÷ Σ (w_j ÷ x_j)，只计有值的指标。",
    ),
    ("aggregate", "topsis"): (
        "TOPSIS 法",
        "到理想解与负理想解的相对贴近度 D⁻ ÷ (D⁺ + D⁻) × 比例系数。",
    ),
}
"""(kind, method) -> (Chinese name, the formula in one Chinese sentence)."""

PARAMS: dict[str, tuple[str, str]] = {
    "l": ("下限", "lower bound"),
    "u": ("上限", "upper bound"),
    "scope": ("计算范围", "scope"),
    "reference": ("参考期", "reference period"),
    "unit_threshold": ("单元完整率阈值", "unit threshold"),
    "indicator_threshold": ("指标完整率阈值", "indicator threshold"),
    "winmax": ("最多缩尾点数", "winmax"),
    "skew_thresh": ("偏度阈值", "skewness threshold"),
    "kurt_thresh": ("峰度阈值", "kurtosis threshold"),
    "nominal": ("名义权重", "nominal weights"),
    "scale": ("比例系数", "scale"),
    "p": ("幂次", "power"),
}
"""Parameter names: (Chinese, English)."""

VALUES: dict[str, str] = {"reference": "参考期", "all": "全部", "period": "当期", "group": "组内"}
"""Parameter values that are words, in Chinese."""


def kind_name(kind: str, lang: str) -> str:
    """A step or method kind in ``lang`` (the key itself when unknown)."""
    zh, en = KINDS.get(kind, (kind, kind))
    return en if lang == "en" else zh


def method_name(kind: str, method: str, lang: str) -> str:
    """A method's name: Chinese, or its registry key in English."""
    kind = "weighting" if kind == "weight" else kind
    if lang == "en":
        return method
    return METHODS.get((kind, method), (method, ""))[0]


def method_text(kind: str, method: str, doc: str, lang: str) -> str:
    """What the method does: its Chinese sentence, or its docstring ``doc`` in English."""
    kind = "weighting" if kind == "weight" else kind
    if lang == "en":
        return doc
    return METHODS.get((kind, method), ("", ""))[1]


def _value(v: Any, lang: str) -> str:
    if isinstance(v, list | tuple):
        if len(v) == 2 and all(isinstance(x, int | float) for x in v):
            return f"{v[0]}–{v[1]}"
        return "、".join(_value(x, lang) for x in v) if lang == "zh" else ", ".join(map(str, v))
    if isinstance(v, dict):
        return "; ".join(f"{k} {_value(x, lang)}" for k, x in v.items())
    if v is None:
        return "–"
    text = str(v)
    return VALUES.get(text, text) if lang == "zh" else text


def params_text(params: dict[str, Any], lang: str) -> str:
    """A step's parameters as ``name value`` pairs in ``lang`` (no JSON)."""
    sep = "，" if lang == "zh" else ", "
    parts = []
    for k, v in params.items():
        zh, en = PARAMS.get(k, (k, k))
        parts.append(f"{en if lang == 'en' else zh} {_value(v, lang)}")
    return sep.join(parts)


__all__ = ["kind_name", "method_name", "method_text", "params_text"]
