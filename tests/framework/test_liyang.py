"""The shipped default framework validates against the real method registries."""

from __future__ import annotations

from pathlib import Path

from qcity.framework.io import load_framework
from qcity.framework.model import Defaults, PipelineSpec
from qcity.framework.validate import validate_file

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"


def test_liyang_exists() -> None:
    assert LIYANG.is_file(), f"the default framework {LIYANG} is missing"


def test_liyang_validates_without_problems() -> None:
    problems = validate_file(LIYANG)
    assert problems == [], "\n".join(p.format() for p in problems)


def test_liyang_loads() -> None:
    fw = load_framework(LIYANG)
    assert fw.indicators()
    assert len({n.code for n, _, _ in fw.walk()}) == len(list(fw.walk()))


def test_model_defaults_name_registered_methods() -> None:
    """The built-in defaults of the model must exist in the engine's registries."""
    from qcity.methods.registry import ALL, load_methods

    load_methods()
    defaults, pipeline = Defaults(), PipelineSpec()
    for kind in ("normalise", "weighting", "aggregate"):
        assert getattr(defaults, kind).method in ALL[kind], kind
    for kind in ("impute", "treat"):
        assert getattr(pipeline, kind).method in ALL[kind], kind
