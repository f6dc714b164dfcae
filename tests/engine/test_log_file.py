"""The saved step log (``qcity.engine.log_file``): its digest matches its own content and
nothing else; a log is checked in full (``check_steps``), and the pipeline refuses a log
without one of its steps before running rather than failing half-way with a lookup error."""

from __future__ import annotations

import json

import pytest

from qcity.engine import Evaluation
from qcity.engine.log_file import LogError, check_steps, log_document, parse_log
from qcity.engine.steps import Step, replace_step


def _round_trip(doc: dict) -> dict:
    """The document as written to log.json and read back."""
    return json.loads(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def test_a_log_read_back_as_written_is_not_edited(asem: Evaluation) -> None:
    saved = parse_log(_round_trip(log_document(asem.stamp, asem.log)), "log.json")
    assert not saved.edited and saved.steps == asem.log and saved.stamp == asem.stamp


def test_any_change_to_the_steps_or_the_stamp_counts_as_an_edit(asem: Evaluation) -> None:
    doc = _round_trip(log_document(asem.stamp, asem.log))
    step = next(s for s in doc["steps"] if s["step"] == "treat")
    step["params"]["winmax"] = step["params"].get("winmax", 5) + 1
    assert parse_log(doc, "log.json").edited
    doc = _round_trip(log_document(asem.stamp, asem.log))
    doc["stamp"]["data_sha256"] = "0" * 64
    saved = parse_log(doc, "log.json")
    assert saved.edited and "does not match its digest" in saved.reason


def test_a_parameter_the_method_does_not_take_is_named(asem: Evaluation) -> None:
    norm = next(s for s in asem.log if s.name == "normalise")
    steps = replace_step(asem.log, Step("normalise", "zscore", dict(norm.params)))
    with pytest.raises(LogError, match=r"\(normalise\).*'zscore' has no parameter 'l', 'u'"):
        check_steps(steps, "my log")


def test_the_pipeline_refuses_a_log_without_a_step(asem: Evaluation) -> None:
    steps = [s for s in asem.log if s.name != "weight"]
    with pytest.raises(LogError, match="missing step"):
        Evaluation(asem.framework, asem.data, asem.units, steps=steps).run()
