"""What the tests share: the repository and its reference data (tests/reference), COINr's
ASEM example, and small frameworks built in a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qcity.engine import Evaluation
from qcity.framework.io import load_framework
from qcity.framework.model import Framework
from qcity.service.inputs import EvaluationInput, from_files

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"
COINR = REFERENCE / "coinr_asem"


def reference_file(relative: str) -> Path:
    """A file of the tests' reference data (tests/reference, see its README); a clear
    failure (never a skip) when it is absent."""
    path = REFERENCE / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"tests/reference/{relative} is missing: restore it from the repository, or copy "
            "it from the shared reference folder with `python tools/refresh_test_data.py`"
        )
    return path


def coinr_file(name: str) -> Path:
    """A COINr 1.1.14 reference output of the ASEM example (tests/reference/coinr_asem)."""
    return reference_file(f"coinr_asem/{name}")


ASEM = REPO / "examples" / "asem"
"""COINr's ASEM example (framework.yaml, data.csv, robust.yaml; see its README)."""


def asem_inputs() -> tuple[Framework, EvaluationInput]:
    """The ASEM example's framework and the inputs read from its data file."""
    fw = load_framework(ASEM / "framework.yaml")
    return fw, from_files(fw, ASEM / "framework.yaml", ASEM / "data.csv", None)


def asem_evaluation() -> Evaluation:
    """The ASEM example evaluated with its framework's pipeline (COINr's defaults)."""
    fw, inp = asem_inputs()
    return Evaluation(fw, inp.data, inp.units).run()


def indicator(code: str, direction: int = 1, **fields: Any) -> dict[str, Any]:
    """An indicator of a test framework, named by its code in both languages."""
    return {"code": code, "name_zh": code, "name_en": code, "direction": direction, **fields}


def composite(
    code: str, name_zh: str, children: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    """A composite (dimension) of a test framework: its Chinese name, its code in English."""
    return {"code": code, "name_zh": name_zh, "name_en": code, **fields, "children": children}


def toy_framework(
    children: list[dict[str, Any]],
    valid_from: int = 2020,
    valid_to: int = 2024,
    root: dict[str, Any] | None = None,
    **top: Any,
) -> Framework:
    """A small framework ``t`` version 1 (测试 / test): the index ``idx`` (with the
    settings ``root``) over ``children``; ``top``: more top-level fields (defaults,
    pipeline, reference_period ...)."""
    return Framework.model_validate(
        {
            "code": "t",
            "version": "1",
            "name_zh": "测试",
            "name_en": "test",
            "valid_from": valid_from,
            "valid_to": valid_to,
            **top,
            "root": {
                "code": "idx",
                "name_zh": "指数",
                "name_en": "index",
                **(root or {}),
                "children": children,
            },
        }
    )
