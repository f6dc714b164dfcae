"""The saved step log (``log.json``): its digest, and the checks a log read back must pass
before it is replayed.

``qcity evaluate`` writes ``{"stamp": ..., "steps": [...], "digest": ...}``; the digest is
the SHA-256 of the canonical JSON of the stamp and the steps, so a log changed by hand no
longer matches it (an edit, not a forgery check: anyone can recompute a digest). Every log
is validated in full before it runs — the shape, every step once, every method name in its
registry, every parameter accepted by the method's signature — whether or not its digest
matches, so an unknown method or parameter never reaches the engine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qcity import errors
from qcity.engine.steps import DENOMINATE_METHODS, STEP_KIND, STEP_NAMES, Step
from qcity.framework.method_checks import DATA_ARGS, option_names
from qcity.methods.registry import ALL, ENGINE_PARAMS, load_methods

STEP_KEYS = ("step", "method", "params")


class LogError(errors.InputError, ValueError):
    """A log that cannot be replayed: names the file, the step and the field, with a hint."""


def digest(stamp: dict[str, Any], steps: list[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, UTF-8) of ``stamp`` and ``steps``."""
    text = json.dumps(
        {"stamp": stamp, "steps": steps}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def log_document(stamp: dict[str, Any], steps: list[Step]) -> dict[str, Any]:
    """What ``log.json`` holds: the stamp, the steps and their digest."""
    plain = json.loads(json.dumps([s.to_dict() for s in steps], ensure_ascii=False, default=str))
    stamp = json.loads(json.dumps(stamp, ensure_ascii=False, default=str))
    return {"stamp": stamp, "steps": plain, "digest": digest(stamp, plain)}


@dataclass
class SavedLog:
    """A log read back and validated: its steps, its stamp, and whether it was edited
    (no digest, or one that does not match its content)."""

    steps: list[Step]
    stamp: dict[str, Any]
    edited: bool
    reason: str = ""
    previously_edited: bool = field(default=False)


def parse_log(doc: Any, source: str) -> SavedLog:
    """Validate ``doc`` (the parsed JSON of the log file ``source``) and return its steps;
    ``LogError`` naming the file, step and field otherwise."""
    if not isinstance(doc, dict) or not isinstance(doc.get("steps"), list):
        raise LogError(
            f"{source}: not a qcity log.json (needs 'steps': a list of {{step, method, "
            "params}}); give the log.json of a results folder written by qcity evaluate"
        )
    stamp = doc.get("stamp")
    if stamp is not None and not isinstance(stamp, dict):
        raise LogError(f"{source}: 'stamp' must be an object, got {type(stamp).__name__}")
    stamp = stamp or {}
    steps = [_step(raw, i, source) for i, raw in enumerate(doc["steps"])]
    check_steps(steps, source)
    given = doc.get("digest")
    plain = doc["steps"]
    if not isinstance(given, str):
        edited, reason = True, "it carries no digest (written by hand or by an older qcity)"
    elif given != digest(stamp, plain):
        edited, reason = True, "its content does not match its digest"
    else:
        edited, reason = False, ""
    return SavedLog(steps, stamp, edited, reason, stamp.get("edited_log") is True)


def check_steps(
    steps: Sequence[Step], source: str = "the step log", *, methods: bool = True
) -> None:
    """``LogError`` unless ``steps`` has each step once and (with ``methods``) every
    method takes the parameters given, as ``parse_log`` checks a saved log."""
    names = [s.name for s in steps]
    missing = [n for n in STEP_NAMES if n not in names]
    twice = sorted({n for n in names if names.count(n) > 1})
    if missing or twice:
        what = "; ".join(
            [f"missing step(s) {', '.join(missing)}"] * bool(missing)
            + [f"step(s) given twice: {', '.join(twice)}"] * bool(twice)
        )
        raise LogError(f"{source}: {what}; a log has each of {', '.join(STEP_NAMES)} exactly once")
    for i, step in enumerate(steps if methods else ()):
        _check_method(step.name, step.method, step.params, f"{source}: steps[{i}] ({step.name})")


def _step(raw: Any, i: int, source: str) -> Step:
    """Step ``i`` of the log, checked: shape, step name, method, parameters."""
    where = f"{source}: steps[{i}]"
    if not isinstance(raw, dict):
        raise LogError(f"{where}: a step is an object {{step, method, params}}, got {raw!r}")
    where += f" ({raw['step']})" if isinstance(raw.get("step"), str) else ""
    extra = sorted(str(k) for k in raw if k not in STEP_KEYS)
    if extra:
        raise LogError(f"{where}: unknown field(s) {', '.join(extra)}; a step has step, "
                       "method and params")  # fmt: skip
    for key in ("step", "method"):
        if not isinstance(raw.get(key), str):
            raise LogError(f"{where}: field {key!r} must be text, got {raw.get(key)!r}")
    name, method, params = raw["step"], raw["method"], raw.get("params")
    if name not in STEP_NAMES:
        raise LogError(f"{where}: unknown step {name!r}; steps are {', '.join(STEP_NAMES)}")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise LogError(f"{where}: field 'params' must be an object, got {params!r}")
    _check_method(name, method, params, where)
    return Step(name, method, dict(params))


def _check_method(name: str, method: str, params: dict[str, Any], where: str) -> None:
    """The method is registered for the step and takes every parameter given."""
    if name == "denominate":
        if method not in DENOMINATE_METHODS:
            raise LogError(f"{where}: unknown denominate method {method!r}; "
                           f"available: {', '.join(DENOMINATE_METHODS)}")  # fmt: skip
        if params:
            raise LogError(f"{where}: denominate takes no parameters, got {sorted(params)}")
        return
    load_methods()
    kind = STEP_KIND[name]
    registry = ALL[kind]
    if method not in registry:
        raise LogError(f"{where}: field 'method': unknown {kind} method {method!r}; "
                       f"available: {', '.join(registry.names())}")  # fmt: skip
    accepted, required, any_name = option_names(registry.get(method), DATA_ARGS[kind])
    if accepted is None:
        return
    accepted = [*accepted, *ENGINE_PARAMS.get(kind, ())]
    unknown = [k for k in params if not any_name and k not in accepted]
    if unknown:
        raise LogError(
            f"{where}: field 'params': {kind} method {method!r} has no parameter "
            f"{', '.join(repr(k) for k in unknown)}; its parameters: "
            f"{', '.join(accepted) or '(none)'}"
        )
    lacking = [k for k in required if k not in params]
    if lacking:
        raise LogError(f"{where}: field 'params': {kind} method {method!r} needs "
                       f"{', '.join(repr(k) for k in lacking)}")  # fmt: skip


def differences(saved: list[Step], expected: list[Step]) -> list[str]:
    """What differs between a log's steps and ``expected`` (the framework's), step by
    step: the method, or the parameters added, removed or changed."""
    want = {s.name: s for s in expected}
    out = []
    for step in saved:
        other = want.get(step.name)
        if other is None:
            continue
        if step.method != other.method:
            out.append(f"{step.name}: method {step.method!r} (the framework: {other.method!r})")
            continue
        keys = sorted(set(step.params) | set(other.params))
        changed = [k for k in keys if step.params.get(k) != other.params.get(k)]
        if changed:
            shown = ", ".join(
                f"{k}={json.dumps(step.params.get(k), default=str)} "
                f"(the framework: {json.dumps(other.params.get(k), default=str)})"
                for k in changed
            )
            out.append(f"{step.name}: {shown}")
    return out
