"""The dashboard's two languages: Chinese (default) and English.

Labels of the framework (dimensions, indicators) and of units come from their own
bilingual names (``name_zh`` / ``name_en``); the words of the interface are here.
"""

from __future__ import annotations

import re
from typing import Any

LANGS = ("zh", "en")
DEFAULT = "zh"
COOKIE = "qcity_lang"

WORDS: dict[str, tuple[str, str]] = {
    "app": ("品质城市评价", "Quality-city evaluation"),
    "overview": ("驾驶舱", "Overview"),
    "dimensions": ("维度", "Dimensions"),
    "dimension": ("维度", "Dimension"),
    "indicator": ("指标", "Indicator"),
    "indicators": ("指标", "Indicators"),
    "peers": ("对标", "Peers"),
    "towns": ("镇街", "Towns and streets"),
    "reweight": ("权重模拟", "Reweighting"),
    "methodology": ("方法说明", "Methodology"),
    "upload": ("数据上传", "Data upload"),
    "switch": ("English", "中文"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "account": ("我的账号", "My account"),
    "users": ("用户管理", "Users"),
    "user_name": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "logged_in_as": ("当前用户", "Logged in as"),
    "anonymous_note": ("未登录：只读公开结果", "Not logged in: results, read only"),
    "login_private": (
        "本系统需登录后使用。账号由管理员创建。",
        "Log in to use this system. The admin creates accounts.",
    ),
    "change_password": ("修改密码", "Change password"),
    "old_password": ("当前密码", "Current password"),
    "new_password": ("新密码", "New password"),
    "new_password_again": ("再次输入新密码", "New password again"),
    "password_changed": ("密码已修改，请重新登录。", "Password changed: log in again."),
    "tokens": ("接口令牌", "API tokens"),
    "tokens_note": (
        "供脚本调用接口：请求头 Authorization: Bearer <令牌>。令牌只显示一次。",
        "For scripts calling the API: the header Authorization: Bearer <token>. "
        "A token is shown only once.",
    ),
    "token_new": ("新令牌（仅显示这一次，请妥善保存）", "New token (shown only now: keep it)"),
    "scopes": ("权限范围", "Scopes"),
    "days": ("有效天数", "Valid days"),
    "expires": ("到期", "Expires"),
    "revoked": ("已撤销", "Revoked"),
    "last_used": ("最近使用", "Last used"),
    "create": ("创建", "Create"),
    "revoke": ("撤销", "Revoke"),
    "role": ("角色", "Role"),
    "role_admin": ("管理员", "admin"),
    "role_analyst": ("分析员", "analyst"),
    "role_reviewer": ("审核员", "reviewer"),
    "role_clerk": ("填报员", "clerk"),
    "role_viewer": ("查看者", "viewer"),
    "role_operator": ("操作员", "operator"),
    "role_anonymous": ("访客", "visitor"),
    "active": ("启用", "Active"),
    "disable": ("停用", "Disable"),
    "save": ("保存", "Save"),
    "add_user": ("添加用户", "Add a user"),
    "display_name": ("姓名", "Full name"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "score": ("得分", "Score"),
    "rank": ("排名", "Rank"),
    "rank_of": ("名次", "Rank"),
    "unit": ("地区", "Unit"),
    "value": ("数值", "Value"),
    "measure": ("计量单位", "Unit of measure"),
    "normalised": ("标准化得分", "Normalised score"),
    "index_over_time": ("综合指数得分与排名", "Index score and rank over time"),
    "radar": ("五大维度对比", "The five dimensions compared"),
    "peer_median": ("对标组中位数", "Peer median"),
    "plan_time": (
        "总用时约 {y} 年（各项同时推进，均按较快进度）",
        "Total time about {y} year(s) (every change at once, each at the fast pace)",
    ),
    "top5": (
        "其他单元前五名平均（第一方阵，不含本单元）",
        "Mean of the five best others (first tier, without the unit)",
    ),
    "coupling": ("耦合协调度", "Coupling coordination"),
    "coupling_note": (
        "五大维度之间的耦合协调度 D（0-1）及其等级",
        "Coupling coordination D (0-1) among the five dimensions, with its class",
    ),
    "movers": ("较上年变化最大的指标", "Biggest movers since last year"),
    "movers_up": ("进步最大", "Most improved"),
    "movers_down": ("退步最大", "Most declined"),
    "change": ("变化", "Change"),
    "latest": ("最新得分", "Latest score"),
    "latest_rank": ("最新排名", "Latest rank"),
    "vs_last_year": ("较上年", "vs last year"),
    "band": ("协调等级", "Class"),
    "period": ("年份", "Year"),
    "sub_dimension": ("子维度", "Sub-dimension"),
    "name": ("名称", "Name"),
    "code": ("代码", "Code"),
    "version": ("版本", "version"),
    "skip_to_content": ("跳到正文", "Skip to content"),
    "menu": ("主菜单", "Main menu"),
    "light_red": ("红灯", "red"),
    "light_yellow": ("黄灯", "yellow"),
    "light_green": ("绿灯", "green"),
    "series": ("指标走势与对标", "Series against peers"),
    "provenance": ("数据来源与修订记录", "Provenance and every revision"),
    "revision": ("修订", "Revision"),
    "status": ("状态", "Status"),
    "source": ("来源", "Source"),
    "recorded_at": ("录入时间", "Recorded at"),
    "entered_by": ("录入人", "Entered by"),
    "file": ("文件", "File"),
    "method": ("标准化方法", "Normalisation method"),
    "goal": ("对应目标", "Goal"),
    "department": ("责任部门", "Department"),
    "direction": ("方向", "Direction"),
    "positive": ("正向（越大越好）", "positive (higher is better)"),
    "negative": ("负向（越小越好）", "negative (lower is better)"),
    "moderate": ("适度", "moderate (a band is best)"),
    "weight": ("权重", "Weight"),
    "ranking": ("排名表", "Ranking"),
    "heatmap": ("维度得分热力图", "Heatmap of dimension scores"),
    "rank_change": ("名次变化", "Rank change"),
    "index": ("综合指数", "Index"),
    "sliders": ("调整五大维度权重", "Set the weights of the five dimensions"),
    "reset": ("恢复默认", "Reset"),
    "share": ("分享链接", "Share link"),
    "new_rank": ("新排名", "New rank"),
    "base_rank": ("原排名", "Default rank"),
    "new_score": ("新得分", "New score"),
    "base_score": ("原得分", "Default score"),
    "reweight_note": (
        "拖动滑块，服务器按新权重重新计算得分与排名；链接中保存所选权重，可直接分享。",
        "Move a slider: the server recomputes scores and ranks with the new weights; "
        "the link keeps the weights, so it can be shared.",
    ),
    "steps": ("评价步骤", "Evaluation steps"),
    "methods": ("方法与公式", "Methods and formulas"),
    "in_use": ("使用中", "in use"),
    "other_methods": ("其他可选方法", "Other methods available"),
    "framework": ("指标体系", "Framework"),
    "upload_note": (
        "上传 CSV 或 Excel 文件：先检查并显示校验报告，确认后才写入数据库（一个事务）。",
        "Upload a CSV or Excel file: it is checked and the validation report shown "
        "before anything is stored; storing needs your confirmation (one transaction).",
    ),
    "choose_file": ("选择文件", "Choose a file"),
    "check": ("检查", "Check"),
    "confirm": ("确认提交审核", "Submit for review"),
    "implausible_reason": (
        "超出合理范围的数值确属实？请说明原因（记入审计日志）",
        "A value outside its plausible range is right? Say why (kept in the audit log)",
    ),
    "report": ("校验报告", "Validation report"),
    "no_errors": ("检查通过，没有错误。尚未写入。", "No errors. Nothing stored yet."),
    "has_errors": ("有错误，未写入任何数据。", "Errors found: nothing was stored."),
    "nothing_published": (
        "尚未发布评价结果。公开页面只显示经审核并已发布的结果。",
        "Nothing has been published yet. The public pages show reviewed, published results only.",
    ),
    "published_run": (
        "公开页面显示已发布的评价 #{id}（发布于 {at}，数据截至 {vintage}，仅含审核通过的数值）",
        "Public view of published evaluation #{id} (published {at}, data as of {vintage}; "
        "approved values only)",
    ),
    "stored": (
        "已提交审核（审核通过后计入评价）",
        "Submitted for review (evaluated once approved)",
    ),
    "severity": ("级别", "Severity"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "problem": ("问题", "Problem"),
    "rows_checked": ("检查的数值", "Values checked"),
    "errors_count": ("{n} 个错误", "{n} error(s)"),
    "illustrative": ("示例数据", "Illustrative data"),
    "illustrative_badge": ("含示例数据，非真实统计", "Illustrative values, not real statistics"),
    "no_data": ("数据库中尚无数据", "The database holds no data yet"),
    "no_data_hint": (
        "请先导入数据（数据上传页或 qcity import），或运行 qcity demo 生成示例数据。",
        "Import data first (the upload page or qcity import), or build the demo with qcity demo.",
    ),
    "focus": ("评价对象", "Focus"),
    "group": ("对标组", "Group"),
    "of": ("共", "of"),
    "units_count": ("个地区", "units"),
    "api": ("接口说明", "API"),
    "targets": ("目标值", "Targets"),
    "none": ("无", "none"),
    "print": ("打印", "Print"),
    "not_found": ("未找到", "Not found"),
    "warnings": ("预警", "Warnings"),
    "warnings_by_colour": ("预警灯", "Warning lights"),
    "warnings_list": ("按部门查看预警", "Warnings by department"),
    "warnings_note": (
        "对照目标路径、上年值和对标组中位数检查每个指标；红灯最严重。",
        "Each indicator is checked against its target path, last year and the peer median; "
        "red is the most severe.",
    ),
    "light": ("预警", "Light"),
    "message": ("说明", "Message"),
    "target": ("目标", "Target"),
    "target_year": ("目标年", "Target year"),
    "attainment": ("实现程度", "Attainment"),
    "attainment_help": (
        "实现程度：正指标 x/x*，逆指标 x*/x，区间指标区间内为100%，以100%为上限",
        "attainment: x/x* (higher is better), x*/x (lower is better), 100% inside a band; "
        "capped at 100%",
    ),
    "gap_closed": ("进度", "Gap closed"),
    "gap_closed_help": (
        "进度：自基期以来已缩小的差距占基期差距的比例 (x-x0)/(x*-x0)",
        "gap closed: the share of the base year's gap to the target closed since, (x-x0)/(x*-x0)",
    ),
    "progress": ("进展", "Progress"),
    "forecast": ("趋势预测", "Trend forecast"),
    "interval": ("95% 预测区间", "95% prediction interval"),
    "target_path": ("目标路径", "Target path"),
    "target_band": ("目标区间", "Target band"),
    "against_target": ("对照目标", "Against the target"),
    "feasibility": ("可行性", "Feasibility"),
    "required_rate": ("所需年均增速", "Required annual rate"),
    "present_pace": ("按当前趋势", "At the present pace"),
    "assumed_target": ("（目标为假设）", "(assumed target)"),
    "no_target": ("该指标未设目标", "No target is set for this indicator"),
    "gap_to_tier": ("与第一方阵的差距", "Gap to the first tier"),
    "in_tier": ("已在方阵内", "in the tier"),
    "lead_over": ("领先第{k}名", "ahead of rank {k}"),
    "next_up": ("距上一名", "next up"),
    "lead": ("领先", "lead"),
    "gap_note": (
        "差距 = 得分 − 第 {k} 名得分（门槛）；负数表示落后。已在前 {k} 名之内的，"
        "给出领先方阵外第一名的分值和距上一名的差距。",
        "Gap = score − the score of rank {k} (the threshold); negative means behind. Inside "
        "the top {k}: the lead over the first unit outside, and the gap to the next rank up.",
    ),
    "leader": ("第一名", "Leader"),
    "median": ("中位数", "Median"),
    "threshold": ("门槛（第 {k} 名）", "Threshold (rank {k})"),
    "gap": ("差距", "Gap"),
    "path_into": ("进入前 {k} 名的路径", "The path into the top {k}"),
    "path_note": (
        "最小代价方案：按同类地区较快进度计算，复算验证；数值为指标原始单位。",
        "The least-cost plan at the peers' fast pace, verified by re-evaluating; values in "
        "each indicator's own units.",
    ),
    "from_to": ("由 → 至", "From → to"),
    "share_of_gap": ("占差距", "Share of gap"),
    "years": ("所需年数", "Years"),
    "bound": ("约束", "Bound"),
    "tier_rank": ("目标名次", "Target rank"),
    "show": ("显示", "Show"),
    "composite": ("综合", "Composite"),
}

# 稳健性 (Robustness) page
WORDS.update(
    {
        "robustness": ("稳健性", "Robustness"),
        "rank_bands": ("排名区间（5%–95%）", "Rank intervals (5–95%)"),
        "rank_table": ("名次与区间", "Ranks and bands"),
        "nominal_rank": ("名义排名", "Nominal rank"),
        "median_rank": ("中位排名", "Median rank"),
        "q05": ("区间下限（5%）", "5% rank"),
        "q95": ("区间上限（95%）", "95% rank"),
        "rank_shift": ("平均排名变动（位）", "Mean absolute rank shift (places)"),
        "robust_run": (
            "蒙特卡洛抽样 {n} 次，随机种子 {seed}（每次打开结果相同）",
            "{n} Monte Carlo samples, random seed {seed} (the same on every load)",
        ),
        "robust_inputs": ("不确定的选择", "Uncertain choices"),
        "robust_overall": ("整体平均排名变动", "Mean absolute rank shift, all units"),
        "robust_headline": (
            "{name}排名第{rank}位，90%情形下第{lo}–{hi}位",
            "{name} ranks {rank}; in 90% of the cases {lo}–{hi}",
        ),
        "robust_band": ("本单元的 90% 排名区间", "The unit's 90% rank band"),
        "robust_note": (
            "每一横条是该地区在随机抽取的多组方法选择下（见上方“不确定的选择”）所得排名的"
            "5%–95% 区间，覆盖 90% 的抽样排名；菱形为名义排名（采用指标体系本身的选择），"
            "竖线为中位排名。区间窄，说明排名几乎不受这些选择影响，可以直接引用；区间宽，"
            "说明排名在很大程度上取决于方法选择，应报告区间而不是单一名次。名义排名落在"
            "区间边缘或区间之外，说明指标体系本身的选择对该地区有利（或不利）。平均排名变动"
            "是该地区在各次抽样中偏离名义排名的平均名次数。",
            "Each bar is the band that holds 90% of a unit's ranks (5th to 95th percentile) "
            "over random sets of the choices behind the index (the uncertain choices above); "
            "the diamond is the nominal rank, with the framework's own choices, and the "
            "vertical line the median rank. A narrow band means the rank hardly depends on "
            "those choices and can be reported as it is; a wide band means the rank is "
            "largely a consequence of the choices: report the band, not the single rank. A "
            "nominal rank at the edge of its band or outside it means the framework's own "
            "choices favour (or penalise) that unit compared with the alternatives. The mean "
            "absolute rank shift is how many places a unit moves from its nominal rank, on "
            "average over the samples.",
        ),
        "sobol": ("敏感性：总效应指数 STi", "Sensitivity: total Sobol indices STi"),
        "sobol_note": (
            "STi：固定该项选择后，平均排名变动的方差减少的比例（含与其他选择的交互作用）；"
            "低于约 0.05 说明该项选择几乎不影响排名。误差线为 90% 自助法区间。",
            "STi: the share of the variance of the mean absolute rank shift that disappears "
            "when that choice is fixed (alone and together with the others); below about "
            "0.05 the choice hardly matters. Error bars: 90% bootstrap intervals.",
        ),
    }
)

# The department data workflow: entry, review, audit log
WORDS.update(
    {
        "entry": ("数据填报", "Data entry"),
        "review": ("数据审核", "Review"),
        "audit_log": ("审计日志", "Audit log"),
        "unit_year": ("单元与年份", "Unit and year"),
        "open": ("打开", "Open"),
        "current": ("当前值", "Current value"),
        "new_value": ("新值", "New value"),
        "previous": ("原值（已通过）", "Previous (approved)"),
        "submitted_value": ("报送值", "Submitted value"),
        "revision": ("修订", "Revision"),
        "state": ("状态", "State"),
        "entered_by": ("填报人", "Entered by"),
        "save_drafts": ("保存草稿", "Save drafts"),
        "submit_ticked": ("提交所选", "Submit ticked"),
        "approve": ("通过", "Approve"),
        "reject": ("退回", "Reject"),
        "reason": ("理由（退回必填）", "Reason (required to reject)"),
        "nothing_submitted": ("没有待审核的数值", "No values waiting for review"),
        "export_csv": ("导出 CSV", "Export CSV"),
        "at": ("时间（UTC）", "Time (UTC)"),
        "at_local": ("时间（北京时间）", "Time (Beijing, UTC+8)"),
        "entry_no": ("序号", "No."),
        "changes": ("变更内容", "What changed"),
        "who": ("操作人", "Who"),
        "action": ("操作", "Action"),
        "object": ("对象", "Object"),
        "before": ("修改前", "Before"),
        "after": ("修改后", "After"),
        "state_draft": ("草稿", "draft"),
        "state_submitted": ("已提交", "submitted"),
        "state_approved": ("已通过", "approved"),
        "state_rejected": ("已退回", "rejected"),
        "append_only": (
            "审计日志只可追加：任何人都不能修改或删除其中的记录。",
            "The audit log is append-only: nobody can edit or delete its entries.",
        ),
    }
)

# The workflow pages' messages, and the downloads (tables, charts, the annual report)
WORDS.update(
    {
        "saved_n": (
            "已保存 {n} 个数值（草稿）。勾选后提交审核，审核通过后参与评价。",
            "Saved: {n} value(s) as drafts. Tick them and submit them for review; "
            "evaluations use them once approved.",
        ),
        "submitted_n": (
            "已提交 {n} 个数值，等待审核。",
            "Submitted: {n} value(s), waiting for review.",
        ),
        "nothing_changed": ("没有修改，未保存。", "Nothing changed: nothing saved."),
        "not_a_number": (
            "第 {row} 行「{what}」：“{raw}”不是数字，请填写数字（如 211031 或 6.1）",
            'Row {row}, {what}: "{raw}" is not a number; type a number such as 211031 or 6.1',
        ),
        "nothing_saved": (
            "未保存任何数值，您填写的内容保留在下表中，请修改后再保存。",
            "Nothing was saved; what you typed is kept below: correct it and save again.",
        ),
        "entry_conflict": (
            "未保存：您打开页面后，他人修改了以下数值。下表“当前值”已更新，您填写的内容仍保留，"
            "请核对后再保存。",
            "Not saved: someone else changed these values after you opened the page. The "
            "current values below are the new ones and what you typed is kept: check, then "
            "save again.",
        ),
        "entry_implausible": (
            "未保存：有数值超出合理范围。如确属实，请在“原因”栏说明后再保存。",
            "Not saved: a value is outside its plausible range. If it is right, give the "
            "reason in the reason field and save again.",
        ),
        "entry_not_allowed": ("未保存：无权填报该指标。", "Not saved: you may not enter this."),
        "entry_failed": ("未保存。", "Not saved."),
        "details": ("详情", "Details"),
        "review_done_approve": ("已通过。", "Approved."),
        "review_done_reject": ("已退回。", "Rejected."),
        "review_failed": ("未完成审核。", "The review was not recorded."),
        "change_pct": ("变化率", "Change"),
        "check_only": (
            "管理员可在此检查文件（与 qcity import --dry-run 相同）；"
            "写入数据须由填报员或分析员账号提交。",
            "An admin can check a file here (as qcity import --dry-run does); storing its "
            "values needs a clerk's or an analyst's account.",
        ),
        "download": ("下载", "Download"),
        "downloads": ("下载数据", "Downloads"),
        "annual_report": ("年度报告", "Annual report"),
        "report_of_run": ("年度报告（评价 #{id}，Word）", "Annual report (run #{id}, Word)"),
        "charts_png": (
            "图表：点击图表右上角的相机图标，下载为 PNG 图片。",
            "Charts: the camera icon at the top right of a chart downloads it as a PNG image.",
        ),
        "leader_name": ("第一名单位", "Leader"),
        "path_to_tier": ("进入第一方阵的路径", "Path into the first tier"),
        "tier_threshold": ("第一方阵门槛", "First-tier threshold"),
        "units_n": ("单元数", "Units"),
        "value_from": ("现值", "From"),
        "value_to": ("目标值", "To"),
        "review_state": ("审核状态", "Review state"),
        "mover_before": ("上年得分", "Score last year"),
        "mover_after": ("本年得分", "Score this year"),
    }
)


_CJK = re.compile(r"[\u3400-\u9fff]")


def local_first(message: str, lang: str) -> str:
    """A bilingual message ``"English / 中文"`` (the services' form) with the page's
    language first: ``"中文 / English"`` on a Chinese page. Other messages as they are."""
    en, sep, zh = message.rpartition(" / ")
    if not sep or not _CJK.search(zh) or _CJK.search(en) or lang == "en":
        return message
    return f"{zh} / {en}"


def lang_of(value: str | None) -> str:
    """``value`` when it is a known language, else the default (Chinese)."""
    return value if value in LANGS else DEFAULT


def word(key: str, lang: str) -> str:
    """The interface word ``key`` in ``lang``."""
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def name(obj: Any, lang: str) -> str:
    """The ``name_en`` or ``name_zh`` of a framework node, indicator or group."""
    if isinstance(obj, dict):
        return str(obj.get(f"name_{lang}") or obj.get("name_zh") or obj.get("code", ""))
    return str(getattr(obj, f"name_{lang}", None) or getattr(obj, "name_zh", ""))


def bilingual(text: str | None, lang: str) -> str:
    """``统计局 / Statistics Bureau`` -> the part in ``lang`` (the whole text when it has no
    `` / `` part)."""
    if not text:
        return ""
    zh, sep, en = text.partition(" / ")
    return (en.strip() or zh.strip()) if lang == "en" and sep else zh.strip()


def _chinese(text: str) -> bool:
    """Whether ``text`` is written in Chinese (a fifth or more of it Chinese characters;
    an English sentence quoting 亿元 is English)."""
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return han * 5 >= len(text)


_EN_ASIDE = re.compile(r" / [\x20-\x7e]+?(?=[）)]|$)")


def in_lang(text: str | None, lang: str) -> str:
    """A framework text written in both languages, as ``lang`` reads it: of a text of
    several paragraphs, those in ``lang`` (Chinese: those mostly in Chinese characters); in
    Chinese, English asides `` / target year assumed`` dropped."""
    if not text:
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(paragraphs) > 1:
        mine = [p for p in paragraphs if _chinese(p) == (lang == "zh")]
        text = "\n".join(mine or paragraphs)
    return _EN_ASIDE.sub("", text) if lang == "zh" else text


def direction(d: Any, lang: str) -> str:
    """An indicator's direction in words."""
    if d == 1:
        return word("positive", lang)
    if d == -1:
        return word("negative", lang)
    return word("moderate", lang)


def status(s: str | None, lang: str) -> str:
    """A value's status in words."""
    zh = {
        "final": "终值",
        "preliminary": "初步",
        "estimated": "估计",
        "illustrative": "示例（生成）",
    }
    if not s:
        return ""
    return zh.get(s, s) if lang == "zh" else s
