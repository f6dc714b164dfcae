"""The results folder for people: beside the machine files of ``Evaluation.save``, an
Excel workbook, a readable scores CSV and a codebook (both UTF-8 with BOM, so that Chinese
Excel opens them), README.txt saying how scores compare across years, and NOTICE.txt.

The workbook is ``FOLDER_SHEETS``, a tuple of ``qcity.exports.spec.SheetSpec`` (title and
source function each) over the context ``Folder``; the columns are declared in
``qcity.exports.columns``.

    write_results_folder(ev, Path("out"), units=inp.units, illustrative=n, notice=text)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qcity.data.atomic import atomic_folder, moved
from qcity.data.safe_cells import safe_frame
from qcity.engine.steps import Step, split_params
from qcity.exports.columns import (
    BANNER,
    CODEBOOK,
    DIGITS,
    FILES,
    FIXED,
    KINDS,
    LEAF,
    LEVELS,
    MACHINE,
    READABLE,
    REFERENCE,
    TREATED,
)
from qcity.exports.csv_writer import machine_rows, sheet_rows, write_csv
from qcity.exports.spec import TEXT, Col, Sheet, SheetSpec, titles
from qcity.exports.spec import Lang as _Lang
from qcity.framework.model import Framework, Indicator, NormaliseSpec

if TYPE_CHECKING:
    from qcity.engine.evaluation import Evaluation


# -- what the scores mean across years ------------------------------------------------
def _step(ev: Evaluation, name: str) -> Step:
    return next(s for s in ev.log if s.name == name)


def _normalisers(ev: Evaluation) -> dict[tuple[str, str, bool], int]:
    """(method, scope, fixed) -> number of indicators normalised so in this run."""
    step = _step(ev, "normalise")
    engine, params = split_params(step)
    default = NormaliseSpec(method=step.method, params=params, scope=engine.get("scope", "period"))
    counts: dict[tuple[str, str, bool], int] = {}
    for code in ev.results.datasets["normalised"].codes:
        spec = ev.framework.resolved(code, "normalise", default)
        fixed = spec.method in FIXED or (
            spec.method == "target" and spec.params.get("formula", "ratio") == "ratio"
        )
        key = (spec.method, "fixed" if fixed else spec.scope, fixed)
        counts[key] = counts.get(key, 0) + 1
    return counts


def how_scores_compare(ev: Evaluation) -> list[tuple[str, str]]:
    """Plain-words paragraphs (zh, en) on how this run's scores compare across years,
    derived from the normaliser and scope in force for each indicator."""
    groups = _normalisers(ev)
    comparable = sum(n for (_, _, fixed), n in groups.items() if fixed) + sum(
        n for (_, scope, _), n in groups.items() if scope in ("pooled", "reference")
    )
    total = sum(groups.values())
    if comparable == total:
        out = [("结论：得分可以跨年比较。", "In short: scores compare across years.")]
    elif comparable == 0:
        out = [
            (
                "结论：得分表示当年的相对位置，跨年只能比较相对位置，不能比较实际水平。",
                "In short: a score is a position among that year's units; across years it "
                "compares relative positions, not actual levels.",
            )
        ]
    else:
        out = [
            (
                "结论：部分指标的得分可以跨年比较，部分只表示当年的相对位置；由两者合成的"
                "指数和维度得分兼有两种含义，跨年比较须谨慎。",
                "In short: some indicators' scores compare across years, others show only "
                "that year's relative position; the index and dimension scores built from "
                "both mix the two, so compare them across years with care.",
            )
        ]
    for (method, scope, _), n in sorted(groups.items()):
        rz, re = REFERENCE.get(method, ("参照值", "reference values"))
        if scope == "fixed":
            out.append(
                (
                    f"{n} 项指标按固定参照值标准化（{method}）：门槛值或目标值不随年份变化，"
                    "得分可以直接跨年比较，得分上升表示实际水平提高。",
                    f"{n} indicator(s) are normalised against fixed reference points "
                    f"({method}: goalposts or targets) that do not change from year to year, "
                    "so scores compare across years directly: a rising score means the "
                    "actual level rose.",
                )
            )
        elif scope == "reference":
            ref = ev.framework.reference_period
            years = f"{ref.first}–{ref.last}" if ref else "—"
            out.append(
                (
                    f"{n} 项指标按基准期（{years}）固定的上下限标准化（{method}，reference）："
                    "上下限取自基准期全部单元的最小值和最大值（或框架给定的门槛值），此后各年"
                    "都按同一标尺计分，得分可以直接跨年比较，加入新的年份也不会改变以往年份的"
                    "得分；超出基准期范围的值可得到低于 0 或高于 100 的分数。",
                    f"{n} indicator(s) are normalised on goalposts fixed from the reference "
                    f"period {years} ({method}, reference): the lowest and highest values of "
                    "all units in those years (or goalposts the framework gives). Every year "
                    "is scored on that one scale, so scores compare across years directly and "
                    "adding a year leaves earlier years' scores unchanged; values beyond the "
                    "reference range can score below 0 or above 100.",
                )
            )
        elif scope == "pooled":
            out.append(
                (
                    f"{n} 项指标将所有年份合并标准化（{method}，pooled）：各年份共用同一组"
                    f"参照值（全部单元、全部年份的{rz}），得分可以直接跨年比较，得分上升表示"
                    "实际水平相对整个评价期提高。加入新的年份或单元后重新计算，以往年份的"
                    "得分也会随之改变。",
                    f"{n} indicator(s) are normalised over all years together ({method}, "
                    f"pooled): every year shares the same reference ({re} over all units and "
                    "years), so scores compare across years directly: a rising score means a "
                    "higher level relative to the whole period. When a year or a unit is "
                    "added and the evaluation is run again, earlier years' scores change too.",
                )
            )
        else:
            out.append(
                (
                    f"{n} 项指标逐年标准化（{method}，period）：每年的得分只在当年参评的单元"
                    f"之间比较（参照值为当年的{rz}）。得分表示该单元在当年参评单元中所处的"
                    "位置：得分上升表示相对位置改善，不一定表示实际水平提高——如果所有单元"
                    "同时进步，某单元的得分也可能不变甚至下降。实际水平的变化请看“指标”表中"
                    "的原始值。",
                    f"{n} indicator(s) are normalised year by year ({method}, per period): "
                    "each year's scores compare only the units evaluated that year (reference: "
                    f"that year's {re}). A score says where a unit stands among the units "
                    "evaluated that year: a rising score is a better relative position, not "
                    "necessarily a higher absolute level — if every unit improved, a unit's "
                    "score can stay the same or fall. For the change in actual level, read "
                    "the raw values in the 指标 indicators sheet.",
                )
            )
    out.append(
        (
            "排名总是在同一年、同一节点的参评单元之间排列（1 = 最好，并列同名次），排名的"
            "变化表示相对位置的变化。",
            "Ranks are always among the units evaluated in the same year for the same node "
            "(1 = best, ties share a rank); a change of rank is a change of relative position.",
        )
    )
    return out


# -- tables --------------------------------------------------------------------------
def _text(s: pd.Series) -> pd.Series:
    """Text with missing values as empty strings (whatever the dtype)."""
    return s.astype(object).where(s.notna(), "")


def _unit_names(ev: Evaluation, units: pd.DataFrame | None) -> tuple[dict[str, str], ...]:
    """Unit code -> Chinese name, and -> English name (empty when not known)."""
    units = units if units is not None else ev.units
    if units is None or "code" not in units.columns:
        return {}, {}
    codes = units["code"].astype(str)
    return tuple(
        dict(zip(codes, _text(units[c]).astype(str), strict=True)) if c in units.columns else {}
        for c in ("name_zh", "name_en")
    )


def _node_info(fw: Framework, t: _Lang) -> pd.DataFrame:
    """One row per framework code: name_zh, name_en, level, measure, denominator."""
    rows = {}
    for item, _, depth in fw.walk():
        leaf = isinstance(item, Indicator)
        zh, en = LEAF if leaf else LEVELS.get(depth, (f"第 {depth} 层", f"level {depth}"))
        rows[item.code] = {
            "name_zh": item.name_zh,
            "name_en": item.name_en,
            "level": t.pair(zh, en),
            "measure": item.unit if isinstance(item, Indicator) else "",
            "denominator": item.denominator.series
            if isinstance(item, Indicator) and item.denominator
            else "",
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _scores_sheet(
    ev: Evaluation, names: tuple[dict[str, str], ...], info: pd.DataFrame, t: _Lang, flag: bool
) -> Sheet:
    """Index, dimension and sub-dimension scores and ranks (indicators are on their own
    sheet, with raw and normalised values), names beside the codes."""
    s = ev.scores()
    s = s[s["node"].isin([n.code for n in ev.framework.nodes()])].reset_index(drop=True)
    unit, node = s["unit"].astype(str), s["node"].astype(str)
    nodes = info.reindex(node.to_numpy())
    frame = pd.DataFrame(
        {
            "unit": unit,
            "unit_zh": _text(unit.map(names[0])),
            "unit_en": _text(unit.map(names[1])),
            "period": s["period"].astype(str),
            "node": node,
            "node_zh": nodes["name_zh"].to_numpy(),
            "node_en": nodes["name_en"].to_numpy(),
            "level": nodes["level"].to_numpy(),
            "score": s["score"].round(DIGITS),
            "rank": s["rank"],
        }
    )
    if flag:
        frame["status"] = t.pair("示例数据", "ILLUSTRATIVE")
    return Sheet("scores", frame, {k: READABLE[k] for k in frame.columns})


def _ranking_sheet(ev: Evaluation, scores: pd.DataFrame, t: _Lang) -> Sheet:
    """The latest period: index and dimension scores and ranks, one row per unit."""
    tree, fw = ev.results.tree, ev.framework
    res = ev.results
    latest = np.array(res.datasets["raw"].periods)[res.unit_keep.any(axis=1)][-1]
    now = scores[scores["period"] == latest]
    wide = now.pivot(index="unit", columns="node", values=["score", "rank"])
    frame = now.loc[now["node"] == tree.root, ["unit", "unit_zh", "unit_en"]].set_index("unit")
    cols = {k: READABLE[k] for k in ("rank", "unit", "unit_zh", "unit_en")}
    for code in (tree.root, *tree.children[tree.root]):
        node = fw.find(code)
        for what, zh, en in (("score", "得分", "score"), ("rank", "排名", "rank")):
            if code == tree.root and what == "rank":
                continue
            key = f"{what}:{code}"
            frame[key] = wide[(what, code)]
            base = READABLE[what]
            cols[key] = Col(
                f"{node.name_zh}{zh}",
                f"{node.name_en} {en}",
                f"{latest} 年 {node.name_zh}（{code}）的{base.meaning_zh}",
                f"{base.meaning_en} of {node.name_en} ({code}) in {latest}",
                base.kind,
                base.fmt,
            )
    frame["rank"] = wide[("rank", tree.root)]
    frame = frame.reset_index().sort_values(["rank", "unit"], na_position="last")
    frame = frame[list(cols)]
    cols["rank"] = Col(
        "指数排名", "index rank", "指数排名", "rank of the index", "integer 整数", "0"
    )
    return Sheet("ranking", frame.reset_index(drop=True), cols)


def _indicators_sheet(
    ev: Evaluation, names: tuple[dict[str, str], ...], info: pd.DataFrame, t: _Lang
) -> Sheet:
    """Raw value, value used, normalised score and flags of every kept cell."""
    res = ev.results
    norm = res.datasets["normalised"]
    codes = list(norm.codes)
    T, N, K = norm.values.shape
    used = res.datasets.get("imputed", res.datasets["raw"]).select(codes).values
    keep = np.repeat(res.unit_keep.reshape(-1), K)
    unit = np.tile(np.repeat(np.array(norm.units, dtype=object), K), T)[keep]
    code = np.tile(np.array(codes, dtype=object), T * N)[keep]
    ind = info.reindex(code)
    treated = {v: t.pair(*TREATED[k]) for k, v in (("winsorised_high", 1), ("winsorised_low", -1))}
    treated[2] = t.pair(*TREATED["transformed"])
    frame = pd.DataFrame(
        {
            "unit": unit,
            "unit_zh": _text(pd.Series(unit).map(names[0])).to_numpy(),
            "unit_en": _text(pd.Series(unit).map(names[1])).to_numpy(),
            "period": np.repeat(np.array(norm.periods, dtype=object), N * K)[keep],
            "indicator": code,
            "indicator_zh": ind["name_zh"].to_numpy(),
            "indicator_en": ind["name_en"].to_numpy(),
            "measure": ind["measure"].to_numpy(),
            "raw": res.datasets["raw"].select(codes).values.reshape(-1)[keep],
            "denominator": ind["denominator"].to_numpy(),
            "used": used.reshape(-1)[keep],
            "normalised": np.round(norm.values.reshape(-1)[keep], DIGITS),
            "imputed": np.where(res.imputed.reshape(-1)[keep], t.pair("是", "yes"), ""),
            "treated": _text(pd.Series(res.points.reshape(-1)[keep]).map(treated)).to_numpy(),
        }
    )
    if not (_step(ev, "denominate").method == "ratio" and (frame["denominator"] != "").any()):
        frame = frame.drop(columns="denominator")
    return Sheet("indicators", frame, {k: READABLE[k] for k in frame.columns})


def _weights_sheet(ev: Evaluation, info: pd.DataFrame) -> Sheet:
    w = ev.weights()
    parent = ev.results.tree.parent
    used = dict(zip(w["child"], w["weight"], strict=True))

    def share(code: str) -> float:
        up = parent.get(code)
        return 1.0 if up is None else used[code] * share(up)

    frame = pd.DataFrame(
        {
            "parent": w["node"],
            "parent_zh": info.reindex(w["node"])["name_zh"].to_numpy(),
            "parent_en": info.reindex(w["node"])["name_en"].to_numpy(),
            "child": w["child"],
            "child_zh": info.reindex(w["child"])["name_zh"].to_numpy(),
            "child_en": info.reindex(w["child"])["name_en"].to_numpy(),
            "nominal": w["nominal"],
            "weight": w["weight"].round(4),
            "share": [round(share(c), 4) for c in w["child"]],
        }
    )
    return Sheet("weights", frame, {k: READABLE[k] for k in frame.columns})


def _exclusions_sheet(
    ev: Evaluation, names: tuple[dict[str, str], ...], info: pd.DataFrame, t: _Lang
) -> Sheet:
    x = ev.exclusions
    kind = x["kind"].astype(str)
    code = x["code"].astype(str)
    is_unit, is_ind = (kind == "unit").to_numpy(), (kind == "indicator").to_numpy()

    def name(lang: int, column: str) -> np.ndarray:
        of_node = info[column].reindex(code).to_numpy()
        return np.where(is_unit, code.map(names[lang]), np.where(is_ind, of_node, ""))

    frame = pd.DataFrame(
        {
            "kind": kind.map(lambda k: t.pair(*KINDS[k]) if k in KINDS else k),
            "code": code,
            "name_zh": name(0, "name_zh"),
            "name_en": name(1, "name_en"),
            "period": x["period"].astype(object),
            "availability": x["availability"],
            "threshold": x["threshold"],
            "reason": np.where(
                x["reason"] == "data availability below the threshold",
                t.pair("数据可得率低于阈值", "data availability below the threshold", "；"),
                x["reason"],
            ),
        }
    )
    if frame.empty:  # say so rather than leave a bare header
        frame.loc[0, ["kind", "reason"]] = [
            t.pair("无", "none"),
            t.pair("未剔除", "nothing left out"),
        ]
    return Sheet("exclusions", frame, {k: READABLE[k] for k in frame.columns})


def _about(ev: Evaluation, t: _Lang, illustrative: int) -> list[tuple[str, str, str]]:
    """(item zh, item en, content) rows of the README: the run, then how to read it."""
    st, fw = ev.stamp, ev.framework
    periods = ev.results.datasets["raw"].periods
    kept = ev.results.unit_keep.any(axis=0).sum()
    k = len(ev.results.datasets["normalised"].codes)
    rows = [
        ("评价", "evaluation", t.pair(fw.name_zh, fw.name_en, " / ")),
        ("指标体系", "framework", f"{st['framework']} {st['framework_version']}"),
        ("数据时点", "data vintage", st["data_vintage"] or "-"),
        ("配置哈希", "config SHA-256", st["config_sha256"]),
        ("数据哈希", "data SHA-256", st["data_sha256"]),
        ("软件版本", "qcity version", st["qcity_version"]),
        ("参评单元", "units evaluated", str(int(kept))),
        ("评价期", "periods", f"{periods[0]}–{periods[-1]} ({len(periods)})"),
        ("采用指标", "indicators used", f"{k} / {len(fw.indicators())}"),
    ]
    if illustrative:
        rows.insert(
            0, ("示例数据", "illustrative", f"{BANNER}: {illustrative} illustrative values")
        )
    for zh, en in how_scores_compare(ev):
        rows.append(("跨年比较", "across years", t.pair(zh, en, "\n")))
    rows.append(
        (
            "小数位",
            "rounding",
            t.pair(
                "供阅读的表格（results.xlsx、scores_readable.csv）得分保留两位小数；"
                "完整精度见 scores.csv 等机器文件。",
                "The tables for reading (results.xlsx, scores_readable.csv) show scores to "
                "2 decimals; scores.csv and the other machine files keep full precision.",
                "\n",
            ),
        )
    )
    rows += [("计算步骤", "step", s.describe()) for s in ev.log]
    return rows


def _readme_txt(about: list[tuple[str, str, str]], files: list[Path], t: _Lang) -> str:
    fw_lines = [f"{t.pair(zh, en)}: {v}" for zh, en, v in about if "\n" not in v]
    paras = [v for _, _, v in about if "\n" in v]
    listed = [f"  {p.name:24} {t.pair(*FILES.get(p.name, ('', '')), ' / ')}" for p in files]
    return "\n".join(
        [
            t.pair("评价结果说明", "About these results", " / "),
            "",
            *fw_lines,
            "",
            t.pair("如何阅读得分", "How to read the scores", " / "),
            "",
            *[p + "\n" for p in paras],
            t.pair("文件", "Files", " / "),
            *listed,
            "",
        ]
    )


# -- the folder's workbook, declared -----------------------------------------------------
@dataclass
class Folder:
    """What the sheets of a results folder are built from: the evaluation, the reader's
    language order, unit names, the framework's codes and names, how many values are
    illustrative, the README's items and the score scale; ``codebook`` is set once the
    machine files are written (it describes their columns)."""

    ev: Evaluation
    t: _Lang
    names: tuple[dict[str, str], ...]
    info: pd.DataFrame
    illustrative: int
    about: list[tuple[str, str, str]]
    scale: str
    codebook: Sheet | None = None

    @cached_property
    def scores(self) -> Sheet:
        return _scores_sheet(self.ev, self.names, self.info, self.t, self.illustrative > 0)


def _readme_sheet(f: Folder) -> Sheet:
    """说明 README: the run and how to read its scores, one item per row."""
    t = f.t
    frame = pd.DataFrame(
        {"item": [t.pair(zh, en) for zh, en, _ in f.about], "content": [v for *_, v in f.about]}
    )
    return Sheet("readme", frame, {k: READABLE[k] for k in ("item", "content")}, ("content",))


def _codebook_sheet(f: Folder) -> Sheet:
    assert f.codebook is not None, "the codebook is made after the machine files"
    return f.codebook


CONTENT_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("readme", "说明", "README", _readme_sheet),
    SheetSpec("scores", "得分", "scores", lambda f: f.scores),
    SheetSpec("ranking", "排名", "ranking", lambda f: _ranking_sheet(f.ev, f.scores.frame, f.t)),
    SheetSpec(
        "indicators", "指标", "indicators",
        lambda f: _indicators_sheet(f.ev, f.names, f.info, f.t),
    ),
    SheetSpec("weights", "权重", "weights", lambda f: _weights_sheet(f.ev, f.info)),
    SheetSpec(
        "exclusions", "剔除", "exclusions",
        lambda f: _exclusions_sheet(f.ev, f.names, f.info, f.t),
    ),
)  # fmt: skip
"""The workbook's sheets of results, in order (built before anything is written)."""
CODEBOOK_SHEET = SheetSpec("codebook", "代码表", "codebook", _codebook_sheet)
"""The last sheet: the meaning of every column of every file and sheet."""
FOLDER_SHEETS: tuple[SheetSpec, ...] = (*CONTENT_SHEETS, CODEBOOK_SHEET)
SHEETS = titles(FOLDER_SHEETS)
"""key -> (title zh, title en) of the workbook's sheets."""


def write_results_folder(
    ev: Evaluation,
    out: Path,
    *,
    units: pd.DataFrame | None,
    illustrative: int = 0,
    notice: str | None = None,
    lang: str = "zh",
    workbook: bool = True,
) -> list[Path]:
    """Write the machine files (``ev.save``) and, for people, scores_readable.csv,
    codebook.csv, README.txt, (when given) NOTICE.txt verbatim and, with ``workbook``,
    results.xlsx (the sheets of ``FOLDER_SHEETS``).

    ``units``: code, name_zh, name_en (default ``ev.units``); ``illustrative``: how many
    values used are illustrative (a banner on every sheet when > 0); ``lang``: which
    language comes first. Returns every path written.
    """
    t = _Lang(lang)
    out = Path(out)
    lo, hi = ev.results.scale
    f = Folder(
        ev=ev,
        t=t,
        names=_unit_names(ev, units),
        info=_node_info(ev.framework, t),
        illustrative=illustrative,
        about=_about(ev, t, illustrative),
        scale=f"{lo:g}–{hi:g}",
    )
    # Everything for people is built before anything is written.
    sheets = [(spec, spec.source(f)) for spec in CONTENT_SHEETS]
    with atomic_folder(out, stale=FILES) as tmp:  # a failure leaves no file behind
        files = _write(f, tmp, sheets, notice, workbook)
    return moved(files, out)


def _write(
    f: Folder,
    out: Path,
    sheets: list[tuple[SheetSpec, Sheet]],
    notice: str | None,
    workbook: bool,
) -> list[Path]:
    """Write the files of ``write_results_folder`` into the (empty, temporary) ``out``."""
    t, scale, scores = f.t, f.scale, f.scores
    written = f.ev.save(out)
    xlsx = out / "results.xlsx"
    readable, codebook_csv, readme_txt = (
        out / n for n in ("scores_readable.csv", "codebook.csv", "README.txt")
    )
    people = [*([xlsx] if workbook else []), readable, codebook_csv, readme_txt]
    people += [out / "NOTICE.txt"] if notice is not None else []
    rows = machine_rows(written, f.info, scale)
    if workbook:
        for spec, sheet in sheets:
            rows += sheet_rows(f"results.xlsx/{spec.title(t)}", sheet, t, scale)
    rows += sheet_rows("scores_readable.csv", scores, t, scale)
    books = [f"results.xlsx/{CODEBOOK_SHEET.title(t)}"] if workbook else []
    for name in (*books, "codebook.csv"):
        rows += [[name, k, *MACHINE[k]] for k in CODEBOOK]
    rows += [[p.name, "", *FILES[p.name], TEXT] for p in people if p.suffix == ".txt"]
    book = {k: Col(k, k, *MACHINE[k]) for k in CODEBOOK}
    f.codebook = Sheet("codebook", pd.DataFrame(rows, columns=list(CODEBOOK)), book)

    n = f.illustrative
    banner = f"{BANNER} ({n} illustrative values 示例数值)" if n else None
    if workbook:
        from qcity.exports.xlsx import write_workbook

        tables = [(sheet, spec.title(t)) for spec, sheet in sheets]
        write_workbook(xlsx, [*tables, (_codebook_sheet(f), CODEBOOK_SHEET.title(t))], t, banner)
    write_csv(scores, t, readable)
    safe_frame(f.codebook.frame).to_csv(codebook_csv, index=False, encoding="utf-8-sig")
    text = _readme_txt(f.about, [*people, *written], t)
    readme_txt.write_text(text, encoding="utf-8-sig", newline="\r\n")  # Notepad-friendly
    if notice is not None:
        (out / "NOTICE.txt").write_text(notice, encoding="utf-8")
    return [*written, *people]
