"""The audit log as a reader reads it: local time (Asia/Shanghai, the city's clock, the
stored time being UTC), the action in words, and a one-line summary of what changed
instead of raw JSON (the CSV export keeps the raw record)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")
"""The time zone the log is shown in."""

ACTIONS: dict[str, tuple[str, str]] = {
    "units.import": ("导入单元", "units imported"),
    "group.save": ("保存对标组", "group saved"),
    "framework.load": ("载入指标体系", "framework loaded"),
    "values.import": ("导入数值", "values imported"),
    "values.submit": ("提交数值", "values submitted"),
    "value.save": ("保存数值", "value saved"),
    "value.submit": ("提交数值", "value submitted"),
    "value.approve": ("审核通过", "value approved"),
    "value.reject": ("退回数值", "value rejected"),
    "run.store": ("保存评价结果", "run stored"),
    "run.publish": ("发布评价结果", "run published"),
    "users.add": ("新增用户", "user added"),
    "users.update": ("修改用户", "user updated"),
    "tokens.create": ("创建接口令牌", "API token created"),
    "tokens.revoke": ("撤销接口令牌", "API token revoked"),
    "backup.restore": ("恢复备份", "backup restored"),
}
"""Actions of the log: (Chinese, English); others show as stored."""

ENTITIES: dict[str, str] = {
    "run": "评价结果",
    "import_batch": "导入批次",
    "framework": "指标体系",
    "group": "对标组",
    "units": "单元",
    "observation": "数值",
    "value": "数值",
    "user": "用户",
    "token": "令牌",
}
"""What an entry is about, in Chinese (others show as stored)."""

FIELDS: dict[str, str] = {
    "status": "状态",
    "published_by": "发布人",
    "framework": "指标体系",
    "data_vintage": "数据截至",
    "as_of": "截至",
    "file": "文件",
    "format": "格式",
    "rows": "行数",
    "added": "新增",
    "revised": "修订",
    "unchanged": "未变",
    "code": "代码",
    "version": "版本",
    "name_zh": "中文名",
    "name_en": "英文名",
    "members": "成员",
    "value": "数值",
    "comment": "意见",
    "reason": "原因",
    "role": "角色",
    "department": "部门",
    "active": "启用",
    "source": "来源",
    "period": "时期",
    "indicator": "指标",
    "unit": "单元",
}
"""Field names of the records, in Chinese (others show as stored)."""

VALUES = {"draft": "草稿", "published": "已发布", "submitted": "已提交", "approved": "已通过"}
"""Field values that are states, in Chinese."""

LONG = 12
"""Hashes and other long words are cut to this many characters."""


def local_time(value: Any) -> str:
    """An ISO time (UTC when it names no zone) as ``YYYY-MM-DD HH:MM:SS`` in Asia/Shanghai."""
    if value is None or value == "":
        return "–"
    try:
        t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)[:19]
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S")


def action_name(action: str, lang: str) -> str:
    """The action in words (the stored key when unknown)."""
    zh, en = ACTIONS.get(action, (action, action))
    return en if lang == "en" else zh


def entity_name(entity: str, key: str, lang: str) -> str:
    """What an entry is about: ``评价结果 1`` / ``run 1``."""
    what = ENTITIES.get(entity, entity) if lang == "zh" else entity.replace("_", " ")
    if lang == "zh" and key.endswith(" unit(s)"):
        key = key.replace(" unit(s)", "个")
    return f"{what} {key}".strip()


def _short(v: Any, lang: str) -> str:
    if isinstance(v, list):
        head = (
            "、".join(_short(x, lang) for x in v[:5])
            if lang == "zh"
            else ", ".join(_short(x, lang) for x in v[:5])
        )
        more = len(v) - 5
        if more > 0:
            head += f" 等{len(v)}项" if lang == "zh" else f" and {more} more"
        return head
    if isinstance(v, dict):
        return _pairs(v, lang)
    if v is None:
        return "–"
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    text = str(v)
    if lang == "zh":
        text = VALUES.get(text, text)
    if len(text) > 40 and " " not in text:
        return text[:LONG] + "…"
    if len(text) >= 26 and text[4:5] == "-" and "T" in text:  # an ISO time
        return local_time(text)
    return text


def _field(k: str, lang: str) -> str:
    return FIELDS.get(k, k) if lang == "zh" else k.replace("_", " ")


def _pairs(d: dict[str, Any], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    return sep.join(f"{_field(k, lang)}{colon}{_short(v, lang)}" for k, v in d.items())


def _load(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def summary(before: Any, after: Any, lang: str) -> str:
    """What changed, in one line: ``状态：草稿 → 已发布`` for the fields that differ, the new
    record's fields when there was none, the old one's when it was removed. ``before`` and
    ``after`` are the stored records (dicts, or their JSON text)."""
    b, a = _load(before), _load(after)
    arrow = " → "
    if isinstance(b, dict) and isinstance(a, dict):
        parts = []
        colon = "：" if lang == "zh" else ": "
        for k in [*b, *[k for k in a if k not in b]]:
            if b.get(k) != a.get(k):
                old = _short(b[k], lang) if k in b else "–"
                parts.append(f"{_field(k, lang)}{colon}{old}{arrow}{_short(a.get(k), lang)}")
        none = "无变化" if lang == "zh" else "no change"
        return ("；" if lang == "zh" else "; ").join(parts) or none
    if b in (None, "") and a not in (None, ""):
        return _short(a, lang)
    if a in (None, "") and b not in (None, ""):
        return ("删除：" if lang == "zh" else "removed: ") + _short(b, lang)
    if b in (None, "") and a in (None, ""):
        return "–"
    return f"{_short(b, lang)}{arrow}{_short(a, lang)}"


__all__ = ["action_name", "entity_name", "local_time", "summary"]
