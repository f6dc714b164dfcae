"""The catalogues of the results folder: what each file is, what each machine column means
and the columns of the sheets for people (header words, meaning, type, Excel format), in
Chinese and English. Declarations only; ``qcity.exports.folder`` builds the sheets and the
codebook from them."""

from __future__ import annotations

from qcity.data.statuses import ILLUSTRATIVE_BANNER
from qcity.exports.spec import SCORE, SHARE, TEXT, TWO
from qcity.exports.spec import col as _c

BANNER = ILLUSTRATIVE_BANNER  # the one wording (qcity.data.statuses)
DIGITS = 2
"""Decimals of the scores in the files for reading (scores.csv keeps full precision)."""

FILES = {
    "results.xlsx": (
        "供阅读的工作簿：说明、得分、排名、指标、权重、剔除、代码表",
        "workbook for reading: README, scores, ranking, indicators, weights, exclusions, codebook",
    ),
    "scores_readable.csv": (
        "得分表（带名称，两位小数），即工作簿的“得分”表",
        "scores with names, 2 decimals: the workbook's 得分 scores sheet",
    ),
    "codebook.csv": (
        "代码表：本目录每个文件每一列的含义",
        "codebook: the meaning of every column of every file here",
    ),
    "README.txt": ("本说明", "this explanation"),
    "NOTICE.txt": (
        "示例数据声明：结果不得作为真实统计发布",
        "notice: illustrative data, results must not be presented as real",
    ),
}
MACHINE_FILES = {
    "scores.csv": ("得分与排名（完整精度）", "scores and ranks, full precision"),
    "normalised.csv": ("各指标标准化得分（宽表）", "normalised indicators, one column each"),
    "weights.csv": ("各节点采用的权重", "weights used at each node"),
    "effective_weights.csv": (
        "各指标在各节点中的有效权重",
        "effective weight of each indicator in each composite",
    ),
    "flags.csv": ("插补或异常值处理过的数值", "imputed and treated cells"),
    "exclusions.csv": (
        "剔除的单元、指标和时期及原因",
        "units, indicators and periods left out, with the reason",
    ),
    "diagnostics.csv": ("计算中的提示与警告", "notes and warnings of the run"),
    "treatment.csv": (
        "各时期各指标的偏度、峰度与处理方式",
        "skewness, kurtosis and treatment per period and indicator",
    ),
    "contributions.csv": (
        "各指标对指数得分的贡献",
        "points of the index score from each indicator",
    ),
    "coupling.csv": ("各维度的耦合协调度", "coupling coordination among the dimensions"),
    "obstacles.csv": ("各指标的障碍度", "obstacle degree of each indicator"),
    "log.json": (
        "印记（版本、数据时点、哈希）与步骤日志",
        "stamp (versions, data vintage, hashes) and step log",
    ),
}
FILES |= {k: (f"机器文件：{zh}", f"machine file: {en}") for k, (zh, en) in MACHINE_FILES.items()}

MACHINE: dict[str, tuple[str, str, str]] = {
    "unit": ("单元代码", "unit code", TEXT),
    "period": ("时期（年份）", "period (year)", TEXT),
    "node": (
        "节点代码：指数、维度、子维度或指标",
        "node code: index, dimension, sub-dimension or indicator",
        TEXT,
    ),
    "score": ("得分（完整精度）", "score (full precision)", SCORE),
    "rank": (
        "同一时期、同一节点内的排名，1 = 最好，并列同名次",
        "rank among the units of the same period and node, 1 = best, ties share a rank",
        "integer 整数",
    ),
    "indicator": ("指标代码", "indicator code", TEXT),
    "imputed": ("是否为插补值", "whether the value was imputed", "True/False"),
    "treatment": (
        "异常值处理：winsorised_high 高端缩尾，winsorised_low 低端缩尾，transformed 变换",
        "outlier treatment: winsorised_high, winsorised_low, transformed",
        TEXT,
    ),
    "child": ("下级节点或指标代码", "code of the child node or indicator", TEXT),
    "nominal": ("指标体系设定的名义权重", "nominal weight set in the framework", "number 数值"),
    "weight": (
        "实际采用的权重（同一节点的下级合计为 1）",
        "weight used (a node's children sum to 1)",
        SHARE,
    ),
    "effective": (
        "指标在该节点得分中的有效权重（路径上各级权重之积）",
        "the indicator's effective weight in the node (product of the weights on its path)",
        SHARE,
    ),
    "kind": (
        "剔除对象：unit 单元、indicator 指标或 period 时期",
        "what was excluded: unit, indicator or period",
        TEXT,
    ),
    "code": (
        "被剔除的单元、指标或时期的代码",
        "code of the unit, indicator or period excluded",
        TEXT,
    ),
    "availability": ("数据可得率", "share of the data available", SHARE),
    "threshold": (
        "筛选阈值（可得率低于此值即剔除）",
        "screening threshold (excluded below it)",
        SHARE,
    ),
    "reason": ("剔除原因", "reason", TEXT),
    "contribution": (
        "该指标贡献给节点得分的分值（合计等于得分）",
        "points of the node's score from the indicator (they sum to the score)",
        SCORE,
    ),
    "obstacle": (
        "障碍度：该指标在与最优得分总差距中所占份额",
        "obstacle degree: the indicator's share of the total shortfall from the best score",
        SHARE,
    ),
    "C": ("耦合度", "coupling degree C", SHARE),
    "T": ("综合发展指数", "comprehensive development index T", SHARE),
    "D": ("耦合协调度", "coupling coordination degree D", SHARE),
    "band": ("协调等级（1–10）", "coordination band (1–10)", "integer 整数"),
    "band_zh": ("协调等级名称（中文）", "band name (Chinese)", TEXT),
    "band_en": ("协调等级名称（英文）", "band name (English)", TEXT),
    "treatment.csv:treatment": (
        "处理方式：none 未处理，winsorise 缩尾，log 对数变换",
        "treatment: none, winsorise, log",
        TEXT,
    ),
    "severity": ("严重程度：info 提示，warning 警告", "severity: info or warning", TEXT),
    "step": ("所在计算步骤", "pipeline step", TEXT),
    "message": ("说明", "message", TEXT),
    "diagnostics.csv:code": (
        "涉及的指标或节点代码（如有）",
        "indicator or node concerned, if any",
        TEXT,
    ),
    **{
        f"{what}{n}": (f"{zh_stage}{zh}", f"{en} {en_stage}", kind)
        for n, (zh_stage, en_stage) in enumerate(
            (
                ("处理前", "before treatment"),
                ("缩尾后", "after winsorising"),
                ("对数变换后", "after the log transform"),
            )
        )
        for what, zh, en, kind in (
            ("skew", "偏度", "skewness", "number 数值"),
            ("kurt", "峰度（超额）", "excess kurtosis", "number 数值"),
            ("pass", "是否通过偏度峰度检验", "passed the skewness/kurtosis check", "True/False"),
        )
    },
    "nwin": ("缩尾的数据点个数", "points winsorised", "integer 整数"),
    "file": ("文件（工作簿为“文件/工作表”）", "file (a workbook sheet as file/sheet)", TEXT),
    "column": ("列名", "column name", TEXT),
    "meaning_zh": ("含义（中文）", "meaning in Chinese", TEXT),
    "meaning_en": ("含义（英文）", "meaning in English", TEXT),
    "type_unit": ("类型或计量单位", "type or unit of measure", TEXT),
}


CODEBOOK = ("file", "column", "meaning_zh", "meaning_en", "type_unit")
READABLE = {
    "unit": _c("单元代码", "unit code"),
    "unit_zh": _c("单元名称", "unit name"),
    "unit_en": _c("单元英文名", "unit name (en)"),
    "period": _c(
        "时期",
        "period",
        "时期（年份）；剔除表中为空表示所有时期",
        "period (year); empty in exclusions: every period",
    ),
    "node": _c(
        "节点代码",
        "node code",
        "指数、维度、子维度或指标的代码",
        "code of the index, dimension, sub-dimension or indicator",
    ),
    "node_zh": _c("节点名称", "node name"),
    "node_en": _c("节点英文名", "node name (en)"),
    "level": _c(
        "层级", "level", "指数、维度、子维度或指标", "index, dimension, sub-dimension or indicator"
    ),
    "score": _c(
        "得分",
        "score",
        "得分，两位小数（完整精度见 scores.csv）",
        "score to 2 decimals (full precision in scores.csv)",
        SCORE,
        TWO,
    ),
    "rank": _c(
        "排名",
        "rank",
        "同一时期、同一节点内的排名，1 = 最好",
        "rank in the same period and node, 1 = best",
        "integer 整数",
        "0",
    ),
    "status": _c(
        "数据性质",
        "data status",
        "示例（生成）数据，不是官方统计",
        "illustrative (generated) data, not official statistics",
    ),
    "indicator": _c("指标代码", "indicator code"),
    "indicator_zh": _c("指标名称", "indicator name"),
    "indicator_en": _c("指标英文名", "indicator name (en)"),
    "measure": _c(
        "计量单位", "unit of measure", "原始值的计量单位", "unit of measure of the raw value"
    ),
    "raw": _c(
        "原始值",
        "raw value",
        "录入的原始数值（完整精度）",
        "the value as entered (full precision)",
        "number, see 计量单位 unit of measure",
    ),
    "denominator": _c("分母", "denominator", "比值化所除的序列", "series the value is divided by"),
    "used": _c(
        "采用值",
        "value used",
        "比值化、插补之后、异常值处理之前的数值",
        "value after ratio and imputation, before outlier treatment",
        "number 数值",
    ),
    "normalised": _c(
        "标准化得分",
        "normalised score",
        "标准化后的指标得分，两位小数",
        "normalised score to 2 decimals",
        SCORE,
        TWO,
    ),
    "imputed": _c(
        "插补",
        "imputed",
        "原始值缺失，采用值为插补值",
        "the raw value was missing; the value used is imputed",
    ),
    "treated": _c("异常值处理", "outlier treatment", "缩尾或变换", "winsorised or transformed"),
    "parent": _c("节点代码", "node code", "上级节点代码", "code of the node weighted"),
    "parent_zh": _c("节点名称", "node name"),
    "parent_en": _c("节点英文名", "node name (en)"),
    "child": _c(
        "下级代码", "child code", "下级节点或指标代码", "code of the child node or indicator"
    ),
    "child_zh": _c("下级名称", "child name"),
    "child_en": _c("下级英文名", "child name (en)"),
    "nominal": _c(
        "名义权重",
        "nominal weight",
        "指标体系设定的权重",
        "weight set in the framework",
        "number 数值",
    ),
    "weight": _c(
        "采用权重",
        "weight used",
        "在该节点中采用的权重（合计为 1）",
        "weight used within the node (sums to 1)",
        SHARE,
        "0.0000",
    ),
    "share": _c(
        "占指数权重",
        "share of index",
        "在总指数中的有效权重（路径上各级权重之积）",
        "effective weight in the index (product along the path)",
        SHARE,
        "0.0000",
    ),
    "kind": _c("剔除对象", "excluded", "单元、指标或时期", "a unit, an indicator or a period"),
    "code": _c("代码", "code", "被剔除的单元、指标或时期的代码", "code of what was excluded"),
    "name_zh": _c("名称", "name"),
    "name_en": _c("英文名", "name (en)"),
    "availability": _c("数据可得率", "data availability", kind=SHARE, fmt="0.0%"),
    "threshold": _c(
        "阈值",
        "threshold",
        "可得率低于此值即剔除",
        "excluded below this availability",
        SHARE,
        "0.0%",
    ),
    "reason": _c("原因", "reason"),
    "item": _c("项目", "item"),
    "content": _c("内容", "content"),
}

LEVELS = {0: ("指数", "index"), 1: ("维度", "dimension"), 2: ("子维度", "sub-dimension")}
LEAF = ("指标", "indicator")
KINDS = {"unit": ("单元", "unit"), "indicator": ("指标", "indicator"), "period": ("时期", "period")}
TREATED = {
    "winsorised_high": ("高端缩尾", "winsorised high"),
    "winsorised_low": ("低端缩尾", "winsorised low"),
    "transformed": ("变换", "transformed"),
}
FIXED = {"goalposts"}
"""Normalisers whose reference points do not depend on the data (``target`` too, with
its default ``ratio`` formula)."""
REFERENCE = {
    "minmax": ("最小值和最大值", "lowest and highest values"),
    "zscore": ("均值和标准差", "mean and standard deviation"),
    "best": ("最优值", "best value"),
    "ratio_mean": ("平均值", "mean"),
    "rank": ("排序", "ranking"),
    "percentile": ("排序", "ranking"),
    "moderate": ("与适度区间的最大距离", "largest distance from the optimal band"),
    "target": ("目标值和最小值", "target and lowest value"),
}
