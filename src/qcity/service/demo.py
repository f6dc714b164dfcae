"""The illustrative demo database (示例数据): build, reset, summary.

The names are imported on first use (``qcity --help`` stays light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qcity.lazy import lazy_exports

if TYPE_CHECKING:
    from qcity.demo.build import (
        DEFAULT_SEED,
        build_demo,
        default_framework_path,
        demo_summary,
        held,
        refuse_foreign_data,
        reset_database,
    )

_EXPORTS = {
    "build_demo": "qcity.demo.build",
    "default_framework_path": "qcity.demo.build",
    "DEFAULT_SEED": "qcity.demo.build",
    "demo_summary": "qcity.demo.build",
    "held": "qcity.demo.build",
    "refuse_foreign_data": "qcity.demo.build",
    "reset_database": "qcity.demo.build",
}

__all__ = [
    "DEFAULT_SEED",
    "build_demo",
    "default_framework_path",
    "demo_summary",
    "held",
    "refuse_foreign_data",
    "reset_database",
]

__getattr__ = lazy_exports("qcity.service.demo", _EXPORTS)
