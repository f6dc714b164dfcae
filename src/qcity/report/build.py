"""Build the annual self-evaluation report (年度自我评价报告) of one unit and year from an
evaluation with its peers: every number comes from the results (scores, attribution,
monitoring, benchmarking, robustness), every narrative is a template filled with those
numbers, and a section whose data do not exist is left out, never faked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qcity.monitor.progress import CLASS_LABELS
from qcity.report import charts
from qcity.report.model import Chart, Notice, Paragraph, Report, Section, Table
from qcity.service.evaluation import EvaluationResult
from qcity.service.notice import ILLUSTRATIVE, used_rows
from qcity.service.robustness import SAMPLES
from qcity.service.scale import scale_note


@dataclass
class RunInfo:
    """Where the report's evaluation comes from: the stored run, and whether this report
    stored it (``kept``) or took it with ``--run``."""

    run_id: int
    kept: bool
    data_vintage: str
    config_sha256: str
    data_sha256: str
    framework_version: str


#: Fixed texts in both languages.
T: dict[str, dict[str, str]] = {
    "title": {
        "zh": "{unit}{year}年度高质量发展自我评价报告",
        "en": "{unit}: self-evaluation report {year}",
    },
    "summary": {"zh": "一、总体评价", "en": "1 Summary"},
    "dimensions": {"zh": "二、分维度评价", "en": "2 Dimensions"},
    "targets": {"zh": "三、目标完成情况", "en": "3 Targets"},
    "warnings": {"zh": "四、分部门预警", "en": "4 Early warnings by department"},
    "peers": {
        "zh": "五、对标分析与进入第一方阵路径",
        "en": "5 Peers and the path into the first tier",
    },
    "towns": {"zh": "六、镇（街道）评价", "en": "6 Towns and streets"},
    "stability": {"zh": "七、排名稳健性", "en": "7 How stable the rank is"},
    "methods": {"zh": "附录一、评价方法", "en": "Appendix A Methods"},
    "sources": {"zh": "附录二、数据来源", "en": "Appendix B Data sources"},
    "illustrative": {"zh": "附录三、示例数据说明", "en": "Appendix C Illustrative values"},
    "record": {"zh": "附录四、运行记录", "en": "Appendix D Run record"},
    "score": {"zh": "得分", "en": "score"},
    "median": {"zh": "对标城市中位数", "en": "peers' median"},
}


#: Progress classes (Statistics Canada's SDG classes) and warning lights in both languages.
PROGRESS = {cls: (zh, en) for cls, (_, zh, en) in CLASS_LABELS.items()}
LIGHTS = {"red": ("红", "red"), "yellow": ("黄", "yellow"), "green": ("绿", "green")}


def label_of(table: dict[str, tuple[str, str]], value: object, lang: str) -> str:
    """The ``lang`` label of a progress class or warning light (the value when unknown)."""
    pair = table.get(str(value))
    if pair is None:
        return (
            "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        )
    return pair[0] if lang == "zh" else pair[1]


def t(key: str, lang: str) -> str:
    """The fixed text ``key`` in ``lang``."""
    return T[key][lang]


def f1(x: float) -> str:
    """A score or change with one decimal (the precision every narrative uses)."""
    return f"{abs(x):.1f}" if x is not None else "-"


def cell(x: Any, digits: int = 1) -> str:
    """A table cell: numbers with ``digits`` decimals, empty when missing."""
    if x is None:
        return ""
    if isinstance(x, float | np.floating | int | np.integer) and not isinstance(x, bool):
        v = float(x)
        if math.isnan(v):
            return ""
        return f"{v:,.{digits}f}"
    if isinstance(x, float) or (isinstance(x, type(pd.NA)) or x is pd.NaT):
        return ""
    return str(x)


class Builder:
    """Collects the report's sections for ``unit`` in ``period`` from ``result`` (the unit
    evaluated with its peers)."""

    def __init__(
        self,
        result: EvaluationResult,
        unit: str,
        period: str,
        lang: str,
        run: RunInfo,
        group: str | None,
        towns: EvaluationResult | None = None,
        samples: int = SAMPLES,
    ) -> None:
        self.result = result
        self.ev = result.evaluation
        self.fw = result.framework
        self.unit = unit
        self.period = period
        self.lang = lang
        self.run = run
        self.group = group
        self.towns = towns
        self.samples = samples
        units = result.inputs.units
        self.unit_names: dict[str, str] = {}
        if units is not None and "name_zh" in units.columns:
            col = "name_zh" if lang == "zh" or "name_en" not in units.columns else "name_en"
            self.unit_names = dict(
                zip(units["code"].astype(str), units[col].astype(str), strict=True)
            )
        self.node_names = {
            n.code: (n.name_zh if lang == "zh" else n.name_en) for n, _, _ in self.fw.walk()
        }
        self.scores = self.ev.scores()
        self.scores["period"] = self.scores["period"].astype(str)
        self.scores["unit"] = self.scores["unit"].astype(str)
        periods = sorted(self.scores["period"].unique())
        before = [p for p in periods if p < period]
        self.previous = before[-1] if before else None
        self.periods = periods

    # -- helpers ---------------------------------------------------------------------
    def zh(self) -> bool:
        return self.lang == "zh"

    def uname(self, code: str) -> str:
        return self.unit_names.get(code, code)

    def nname(self, code: str) -> str:
        return self.node_names.get(code, code)

    def score(self, node: str, period: str, unit: str | None = None) -> tuple[float, int, int]:
        """(score, rank, number ranked) of ``unit`` at ``node`` in ``period``."""
        s = self.scores
        rows = s[(s["node"] == node) & (s["period"] == period)]
        mine = rows[rows["unit"] == (unit or self.unit)]
        n = int(rows["score"].notna().sum())
        if mine.empty or pd.isna(mine["score"].iloc[0]):
            return math.nan, 0, n
        return float(mine["score"].iloc[0]), int(mine["rank"].iloc[0]), n

    def attribution(self) -> pd.DataFrame | None:
        if self.previous is None:
            return None
        from qcity.monitor.attribution import attribution

        frame: pd.DataFrame = attribution(self.ev, self.unit, self.previous, self.period)
        return frame

    # -- the report ------------------------------------------------------------------
    def build(self) -> Report:
        zh = self.zh()
        root = self.fw.root.code
        title = t("title", self.lang).format(unit=self.uname(self.unit), year=self.period)
        subtitle = [
            (f"评价体系：{self.fw.name_zh}（{self.fw.code} {self.fw.version}）" if zh
             else f"Framework: {self.fw.name_en} ({self.fw.code} {self.fw.version})"),
            (f"运行编号 run {self.run.run_id} · 数据版本 {self.run.data_vintage}" if zh
             else f"Run {self.run.run_id} · data vintage {self.run.data_vintage}"),
        ]  # fmt: skip
        report = Report(title, subtitle, self.lang, notice=self.result.notice)
        attribution = self.attribution()
        mon = self._monitor()
        for section in (
            self.summary(root, attribution),
            *self.dimensions(attribution),
            self.targets(mon),
            self.warnings(mon),
            self.peers(),
            self.towns_section(),
            self.stability(),
            self.methods(),
            self.sources(),
            self.illustrative(),
            self.record(),
        ):
            if section is not None:
                report.sections.append(section)
        return report

    def summary(self, root: str, attribution: pd.DataFrame | None) -> Section:
        zh = self.zh()
        sec = Section(t("summary", self.lang), key="summary")
        score, rank, n = self.score(root, self.period)
        name = self.uname(self.unit)
        if zh:
            text = f"{self.period}年{name}高质量发展综合指数为 {score:.1f} 分，在 {n} 个对标城市中排第 {rank} 位"  # noqa: E501
        else:
            text = f"In {self.period} {name}'s index is {score:.1f}, rank {rank} of {n} peers"
        if self.previous is not None:
            before, rank0, _ = self.score(root, self.previous)
            if not math.isnan(before):
                d = score - before
                if zh:
                    text += f"，较上年{'提高' if d >= 0 else '下降'} {f1(d)} 分（上年 {before:.1f} 分、第 {rank0} 位）"  # noqa: E501
                else:
                    text += f", {'up' if d >= 0 else 'down'} {f1(d)} points on {self.previous} ({before:.1f}, rank {rank0})"  # noqa: E501
        table = self.scores
        median = table.loc[
            (table["node"] == root) & (table["period"] == self.period), "score"
        ].median()
        if not math.isnan(float(median)):
            text += (
                f"；对标城市中位数为 {float(median):.1f} 分"
                if zh
                else f"; the peers' median is {float(median):.1f}"
            )
        sec.blocks.append(Paragraph(text + ("。" if zh else "."), narrative=True))
        note = scale_note(self.fw)
        if note is not None:
            sec.blocks.append(Paragraph(note.text(self.lang), narrative=False))
        if attribution is not None:
            rows = attribution[attribution["node"] == root].dropna(subset=["contribution"])
            rows = rows.sort_values("contribution")
            # contributions that round to 0.0 are neither gains nor shortfalls
            gains = rows[rows["contribution"] >= 0.05].iloc[::-1].head(3)
            losses = rows[rows["contribution"] <= -0.05].head(3)
            for frame, label_zh, label_en in (
                (gains, "拉动最大的三项指标", "The three biggest gains"),
                (losses, "拖累最大的三项指标", "The three biggest shortfalls"),
            ):
                if frame.empty:
                    continue
                items = []
                for code, c in zip(frame["indicator"], frame["contribution"], strict=True):
                    sign = "+" if float(c) > 0 else "-"
                    name = self.nname(str(code))
                    items.append(
                        f"{name}（{sign}{f1(float(c))} 分）"
                        if zh
                        else f"{name} ({sign}{f1(float(c))} points)"
                    )
                sec.blocks.append(
                    Paragraph(
                        (f"{label_zh}：" + "、".join(items) + "。")
                        if zh
                        else f"{label_en}: " + "; ".join(items) + ".",
                        narrative=True,
                    )
                )
        header = (
            ["维度", "得分", "排名", "较上年"] if zh else ["Dimension", "Score", "Rank", "Change"]
        )
        rows_out = []
        for node in [self.fw.root, *self.fw.root.children]:
            s, r, n = self.score(node.code, self.period)
            change = ""
            if self.previous is not None:
                b, _, _ = self.score(node.code, self.previous)
                change = cell(s - b) if not (math.isnan(s) or math.isnan(b)) else ""
            rows_out.append([self.nname(node.code), cell(s), f"{r}/{n}" if r else "", change])
        sec.blocks.append(Table("总体得分" if zh else "Scores", header, rows_out))
        return sec

    def dimensions(self, attribution: pd.DataFrame | None) -> list[Section]:
        zh = self.zh()
        out = [Section(t("dimensions", self.lang), key="dimensions")]
        s = self.scores
        for dim in self.fw.root.children:
            sec = Section(self.nname(dim.code), level=2, key=f"dim:{dim.code}")
            score, rank, n = self.score(dim.code, self.period)
            if math.isnan(score):
                continue
            name = self.nname(dim.code)
            text = (
                f"{name}指数为 {score:.1f} 分，在 {n} 个对标城市中排第 {rank} 位"
                if zh
                else f"{name}: {score:.1f}, rank {rank} of {n}"
            )
            if self.previous is not None:
                before, _, _ = self.score(dim.code, self.previous)
                if not math.isnan(before):
                    d = score - before
                    text += (
                        f"，较上年{'提高' if d >= 0 else '下降'} {f1(d)} 分"
                        if zh
                        else f", {'up' if d >= 0 else 'down'} {f1(d)} points on {self.previous}"
                    )
                    if attribution is not None:
                        rows = attribution[attribution["node"] == dim.code].dropna(
                            subset=["contribution"]
                        )
                        if not rows.empty:
                            contrib = rows["contribution"].to_numpy(dtype=float)
                            at = int(np.argmax(contrib) if d >= 0 else np.argmin(contrib))
                            top = rows.iloc[at]
                            c = float(top["contribution"])
                            text += (
                                f"，主要来自{self.nname(str(top['indicator']))}（贡献 {'' if c >= 0 else '-'}{f1(c)} 分）"  # noqa: E501
                                if zh
                                else f", mainly from {self.nname(str(top['indicator']))} "
                                f"(contribution {'' if c >= 0 else '-'}{f1(c)} points)"
                            )
            sec.blocks.append(Paragraph(text + ("。" if zh else "."), narrative=True))
            rows_d = s[s["node"] == dim.code]
            mine = rows_d[rows_d["unit"] == self.unit].set_index("period")["score"]
            med = rows_d.groupby("period")["score"].median()
            periods = [p for p in self.periods if p in mine.index]
            sec.blocks.append(
                Chart(
                    f"{name}得分与对标城市中位数" if zh else f"{name}: score and the peers' median",
                    charts.trend_chart(
                        periods,
                        [float(mine[p]) for p in periods],
                        [float(med[p]) for p in periods],
                        self.uname(self.unit),
                        t("median", self.lang),
                        t("score", self.lang),
                    ),
                )
            )
            header = (
                ["子维度", "得分", "排名", "较上年"]
                if zh
                else ["Sub-dimension", "Score", "Rank", "Change"]
            )
            rows_out = []
            for child in getattr(dim, "children", []):
                cs, cr, cn = self.score(child.code, self.period)
                if math.isnan(cs):
                    continue
                change = ""
                if self.previous is not None:
                    b, _, _ = self.score(child.code, self.previous)
                    change = cell(cs - b) if not math.isnan(b) else ""
                rows_out.append([self.nname(child.code), cell(cs), f"{cr}/{cn}", change])
            if rows_out:
                sec.blocks.append(
                    Table(f"{name}分项得分" if zh else f"{name}: parts", header, rows_out)
                )
            out.append(sec)
        return out if len(out) > 1 else []

    def _monitor(self) -> Any:
        from qcity.monitor.table import MonitorError, monitor

        try:
            return monitor(self.result, self.unit, self.period, self.group)
        except MonitorError:
            return None

    def targets(self, mon: Any) -> Section | None:
        if mon is None:
            return None
        zh = self.zh()
        table = mon.table[mon.table["target"].notna()]
        if table.empty:
            return None
        sec = Section(t("targets", self.lang), key="targets")
        done = int((table["attainment"] >= 1).sum())
        sec.blocks.append(
            Paragraph(
                f"{len(table)} 项设有目标的指标中，{done} 项已达到目标。"
                if zh
                else f"Of {len(table)} indicators with a target, {done} have reached it.",
                narrative=True,
            )
        )
        header = (
            ["指标", "数值", "单位", "目标", "目标年", "实现程度(%)", "进度(%)", "进展", "预警"]
            if zh
            else [
                "Indicator",
                "Value",
                "Unit",
                "Target",
                "Year",
                "Attainment (%)",
                "Gap closed (%)",
                "Progress",
                "Warning",
            ]
        )
        rows = [
            [
                f"{self.nname(str(r['indicator']))} ({r['indicator']})",
                cell(r["value"], 2),
                cell(r["unit_of_measure"]),
                cell(r["target"], 2),
                cell(r["target_year"]),
                cell(100 * float(r["attainment"])) if pd.notna(r["attainment"]) else "",
                cell(100 * float(r["gap_closed"])) if pd.notna(r["gap_closed"]) else "",
                label_of(PROGRESS, r["progress_class"], self.lang),
                label_of(LIGHTS, r["warning"], self.lang),
            ]
            for r in table.to_dict("records")
        ]
        sec.blocks.append(
            Table("目标实现情况表" if zh else "Targets: attainment and progress", header, rows)
        )
        return sec

    def warnings(self, mon: Any) -> Section | None:
        if mon is None or mon.warnings.empty:
            return None
        zh = self.zh()
        sec = Section(t("warnings", self.lang), key="warnings")
        w = mon.warnings
        red = int((w["warning"] == "red").sum())
        yellow = int((w["warning"] == "yellow").sum())
        sec.blocks.append(
            Paragraph(
                f"共 {red} 项红色预警、{yellow} 项黄色预警。"
                if zh
                else f"{red} red and {yellow} yellow warnings.",
                narrative=True,
            )
        )
        msg = "message_zh" if zh else "message_en"
        for dept, rows in w.groupby(w["department"].fillna("综合 / composites"), sort=True):
            header = ["预警", "指标", "说明"] if zh else ["Warning", "Indicator", "Message"]
            sec.blocks.append(
                Table(
                    str(dept),
                    header,
                    [
                        [
                            label_of(LIGHTS, r["warning"], self.lang),
                            f"{self.nname(str(r['indicator']))} ({r['indicator']})",
                            str(r[msg]),
                        ]
                        for r in rows.to_dict("records")
                    ],
                )
            )
        return sec

    def peers(self) -> Section | None:
        from qcity.benchmark.peers import compare
        from qcity.benchmark.plan import find_path

        zh = self.zh()
        units = self.scores["unit"].unique()
        if len(units) < 2:
            return None
        k = 5
        table = compare(self.ev, self.unit, self.period, k=k)
        sec = Section(t("peers", self.lang), key="peers")
        header = (
            ["指标", "排名", "得分", "最高", "中位数", f"第{k}名", "与第一方阵差距"]
            if zh
            else ["Node", "Rank", "Score", "Leader", "Median", f"No. {k}", "Gap to the first tier"]
        )
        rows = [
            [
                ("  " * int(r["depth"])) + self.nname(str(r["node"])),
                f"{r['rank']}/{r['n']}",
                cell(r["score"]),
                cell(r["leader"]),
                cell(r["median"]),
                cell(r["threshold"]),
                cell(r["gap_to_threshold"]),
            ]
            for r in table[table["kind"] != "indicator"].to_dict("records")
        ]
        sec.blocks.append(Table("对标得分与差距" if zh else "Ranks and gaps", header, rows))
        root = self.fw.root.code
        now = self.scores[(self.scores["node"] == root) & (self.scores["period"] == self.period)]
        now = now.dropna(subset=["score"]).sort_values("score", ascending=False)
        labels = [self.uname(u) for u in now["unit"]]
        idx = list(now["unit"]).index(self.unit)
        sec.blocks.append(
            Chart(
                f"{self.period}年对标城市综合指数" if zh else f"Index of the peers, {self.period}",
                charts.bar_chart(
                    labels, [float(v) for v in now["score"]], idx, t("score", self.lang)
                ),
            )
        )
        plan = find_path(self.ev, self.unit, self.period, k=k)
        if plan.rank_before <= k:
            text = (
                f"{self.uname(self.unit)}已位列第一方阵（第 {plan.rank_before} 位，前 {k} 名）。"
                if zh
                else f"{self.uname(self.unit)} is already in the first tier (rank {plan.rank_before}, top {k})."  # noqa: E501
            )
            sec.blocks.append(Paragraph(text, narrative=True))
        else:
            gap = plan.threshold_before - plan.score_before
            reach = plan.rank_after
            text = (
                f"进入前 {k} 名需提高 {f1(gap)} 分；按下表路径可达到第 {reach} 位。"
                if zh
                else f"Entering the top {k} needs {f1(gap)} more points; the path below reaches rank {reach}."  # noqa: E501
            )
            sec.blocks.append(Paragraph(text, narrative=True))
            if len(plan.table):
                h = (
                    ["指标", "现值", "目标值", "指数增量"]
                    if zh
                    else ["Indicator", "Now", "Target", "Index points"]
                )
                sec.blocks.append(
                    Table(
                        "进入第一方阵路径" if zh else "Path into the first tier",
                        h,
                        [
                            [
                                self.nname(str(r["indicator"])),
                                cell(r["value_from"], 2),
                                cell(r["value_to"], 2),
                                cell(r["index_points"], 2),
                            ]
                            for r in plan.table.to_dict("records")
                        ],
                    )
                )
        return sec

    def towns_section(self) -> Section | None:
        if self.towns is None:
            return None
        zh = self.zh()
        ev = self.towns.evaluation
        s = ev.scores()
        s = s[s["period"].astype(str) == self.period]
        root = self.fw.root.code
        if s.empty:
            return None
        wide = s.pivot(index="unit", columns="node", values="score")
        ranks = s[s["node"] == root].set_index("unit")["rank"]
        wide = wide.sort_values(root, ascending=False)
        dims = [d.code for d in self.fw.root.children if d.code in wide.columns]
        header = (
            ["镇（街道）", "综合指数", "排名"] if zh else ["Town / street", "Index", "Rank"]
        ) + [self.nname(d) for d in dims]
        rows = [
            [
                self.uname(str(u)),
                cell(wide.loc[u, root]),
                cell(ranks.get(u), 0),
                *[cell(wide.loc[u, d]) for d in dims],
            ]
            for u in wide.index
        ]
        sec = Section(t("towns", self.lang), key="towns")
        best = str(wide.index[0])
        top = float(wide[root].iloc[0])
        sec.blocks.append(
            Paragraph(
                f"{len(wide)} 个镇（街道）中，{self.uname(best)}综合指数最高（{top:.1f} 分）。"
                if zh
                else f"Of {len(wide)} towns and streets, {self.uname(best)} scores highest ({top:.1f}).",  # noqa: E501
                narrative=True,
            )
        )
        sec.blocks.append(
            Table("镇（街道）得分" if zh else "Scores of the towns and streets", header, rows)
        )
        sec.blocks.append(
            Chart(
                "镇（街道）综合指数" if zh else "Index of the towns and streets",
                charts.bar_chart(
                    [self.uname(str(u)) for u in wide.index],
                    [float(v) for v in wide[root]],
                    None,
                    t("score", self.lang),
                ),
            )
        )
        return sec

    def stability(self) -> Section | None:
        from qcity.service.robustness import rank_bands

        if self.scores["unit"].nunique() < 2:
            return None
        bands = rank_bands(self.ev, period=self.period, samples=self.samples)
        if bands is None:
            return None
        stats = bands.result.rank_stats.sort_values("nominal")
        zh = self.zh()
        mine = stats[stats["unit"].astype(str) == self.unit]
        sec = Section(t("stability", self.lang), key="stability")
        if not mine.empty:
            r = mine.iloc[0]
            sec.blocks.append(
                Paragraph(
                    f"在 {self.samples} 次蒙特卡洛抽样（权重、缺失值处理等方法选择的合理变动）中，"
                    f"{self.uname(self.unit)}排名为第 {int(r['nominal'])} 位，90% 区间为第 {int(r['q05'])}–{int(r['q95'])} 位。"  # noqa: E501
                    if zh
                    else f"Over {self.samples} Monte Carlo samples of the method choices, {self.uname(self.unit)} "  # noqa: E501
                    f"ranks {int(r['nominal'])}, with a 90% band of {int(r['q05'])}-{int(r['q95'])}.",  # noqa: E501
                    narrative=True,
                )
            )
        header = (
            ["城市", "排名", "平均", "5%", "95%"] if zh else ["Unit", "Rank", "Mean", "5%", "95%"]
        )
        sec.blocks.append(
            Table(
                "排名区间" if zh else "Rank bands",
                header,
                [
                    [
                        self.uname(str(r["unit"])),
                        cell(r["nominal"], 0),
                        cell(r["mean"], 2),
                        cell(r["q05"], 0),
                        cell(r["q95"], 0),
                    ]
                    for r in stats.to_dict("records")
                ],
            )
        )
        labels = [self.uname(str(u)) for u in stats["unit"]]
        hi = list(stats["unit"].astype(str)).index(self.unit) if not mine.empty else None
        sec.blocks.append(
            Chart(
                "排名及其 5%–95% 区间" if zh else "Rank and its 5-95% band",
                charts.band_chart(
                    labels,
                    [float(v) for v in stats["nominal"]],
                    [float(v) for v in stats["q05"]],
                    [float(v) for v in stats["q95"]],
                    hi,
                    "排名" if zh else "rank",
                ),
            )
        )
        return sec

    def methods(self) -> Section:
        zh = self.zh()
        sec = Section(t("methods", self.lang), key="methods")
        sec.blocks.append(
            Paragraph(
                f"评价体系 {self.fw.code} {self.fw.version} 共 {len(self.fw.root.children)} 个维度、"  # noqa: E501
                f"{len(self.fw.indicators())} 项指标。评价步骤依次为："
                if zh
                else f"Framework {self.fw.code} {self.fw.version}: {len(self.fw.root.children)} dimensions, "  # noqa: E501
                f"{len(self.fw.indicators())} indicators. The steps, in order:"
            )
        )
        sec.blocks.append(
            Table(
                "评价步骤" if zh else "Steps",
                ["步骤", "方法", "参数"] if zh else ["Step", "Method", "Parameters"],
                [
                    [s.name, s.method, ", ".join(f"{k}={v}" for k, v in s.params.items())]
                    for s in self.ev.log
                ],
            )
        )
        eff = self.ev.effective_weights()
        at_root = eff[eff["node"].astype(str) == self.fw.root.code]
        weight = dict(zip(at_root["indicator"].astype(str), at_root["effective"], strict=True))
        parents = self.fw.parents()
        rows = []
        for ind in self.fw.indicators():
            rows.append(
                [
                    ind.code,
                    ind.name_zh if zh else ind.name_en,
                    self.nname(str(parents.get(ind.code, ""))),
                    str(ind.unit or ""),
                    {"1": "+", "-1": "−"}.get(str(ind.direction), str(ind.direction)),
                    cell(100 * float(weight[ind.code]), 2) if ind.code in weight else "",
                ]
            )
        sec.blocks.append(
            Table(
                "指标与权重" if zh else "Indicators and weights",
                ["代码", "指标", "所属", "单位", "方向", "指数中权重(%)"]
                if zh
                else [
                    "Code",
                    "Indicator",
                    "Part of",
                    "Unit",
                    "Direction",
                    "Weight in the index (%)",
                ],
                rows,
            )
        )
        return sec

    def _used(self) -> pd.DataFrame:
        inp = self.result.inputs
        units = sorted(self.scores["unit"].unique())
        return inp.data[used_rows(inp.data, self.fw, units, self.periods)]

    def sources(self) -> Section | None:
        used = self._used()
        if "source" not in used.columns:
            return None
        zh = self.zh()
        src = used["source"].fillna("—").astype(str)
        counts = src.value_counts()
        sec = Section(t("sources", self.lang), key="sources")
        sec.blocks.append(
            Table(
                "数据来源" if zh else "Data sources",
                ["来源", "数值个数"] if zh else ["Source", "Values"],
                [[str(k), str(int(v))] for k, v in counts.items()],
            )
        )
        return sec

    def illustrative(self) -> Section | None:
        used = self._used()
        if "status" not in used.columns:
            return None
        ill = used[used["status"].astype(str) == ILLUSTRATIVE]
        if ill.empty:
            return None
        zh = self.zh()
        sec = Section(t("illustrative", self.lang), key="illustrative")
        sec.blocks.append(Notice(self.result.notice or ""))
        mine = ill[
            (ill["unit"].astype(str) == self.unit) & (ill["period"].astype(str) == self.period)
        ]
        mine_by = dict(zip(mine["indicator"].astype(str), mine["value"], strict=True))
        groups = ill.groupby(ill["indicator"].astype(str))
        rows = []
        for code, g in groups:
            periods = sorted(g["period"].astype(str).unique())
            rows.append(
                [
                    f"{self.nname(code)} ({code})",
                    str(len(g)),
                    str(g["unit"].nunique()),
                    f"{periods[0]}–{periods[-1]}",
                    cell(mine_by.get(code), 2) if code in mine_by else "",
                ]
            )
        sec.blocks.append(
            Table(
                "示例数值（按指标）" if zh else "Illustrative values by indicator",
                [
                    "指标",
                    "示例数值个数",
                    "单元数",
                    "年份",
                    f"{self.uname(self.unit)}{self.period}年数值",
                ]
                if zh
                else [
                    "Indicator",
                    "Illustrative values",
                    "Units",
                    "Years",
                    f"{self.uname(self.unit)} {self.period}",
                ],
                rows,
            )
        )
        return sec

    def record(self) -> Section:
        zh = self.zh()
        r = self.run
        how = (
            ("本报告生成时将评价结果保存为运行 " if zh else "Stored by this report as run ")
            if r.kept
            else ("本报告取自已保存的运行 " if zh else "Taken from the stored run ")
        ) + str(r.run_id)
        sec = Section(t("record", self.lang), key="record")
        sec.blocks.append(Paragraph(how + ("。" if zh else ".")))
        sec.blocks.append(
            Table(
                "运行记录" if zh else "Run record",
                ["项目", "值"] if zh else ["Item", "Value"],
                [
                    ["run id", str(r.run_id)],
                    ["data vintage", r.data_vintage],
                    ["config sha256", r.config_sha256],
                    ["data sha256", r.data_sha256],
                    ["framework", f"{self.fw.code} {r.framework_version}"],
                    [
                        "qcity report --run",
                        f"qcity report --unit {self.unit} --year {self.period} --run {r.run_id}",
                    ],
                ],
            )
        )
        return sec
