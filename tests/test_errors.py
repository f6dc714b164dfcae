"""``qcity.errors``: every exception class of the project is one of the seven kinds of
``QcityError`` and still the built-in class it was; the kinds carry their exit code
and HTTP status; ``QcityError(message, hint)``."""

from __future__ import annotations

import ast
import pickle
from importlib import import_module

import pytest

from qcity import errors
from tests.helpers import REPO

PACKAGE = REPO / "src" / "qcity"
STATUS = {
    errors.InputError: 400,
    errors.FrameworkError: 422,
    errors.StoreError: 503,
    errors.ConflictError: 409,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.EvaluationError: 422,
}


def _exception_classes() -> list[tuple[str, str, list[str]]]:
    """``(module, class, base names)`` of every class of src/qcity that derives from an
    exception (by name: ``...Error``, ``Exception``, or one of the project's)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py" and path.parent == PACKAGE:
            continue
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.parse(path.read_text("utf-8")).body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = [ast.unparse(b) for b in node.bases]
            if any(b.endswith(("Error", "Exception", "NotFound", "NotAllowed")) for b in bases):
                found.append((module, node.name, bases))
    return found


CLASSES = _exception_classes()


def test_the_project_has_exception_classes_to_check() -> None:
    names = {c for _, c, _ in CLASSES}
    assert {"FrameworkError", "StoreError", "SpecError", "UnknownMethodError"} <= names
    assert len(CLASSES) >= 35


@pytest.mark.parametrize(("module", "name", "bases"), CLASSES, ids=[c[1] for c in CLASSES])
def test_every_exception_class_is_a_kind_of_qcity_error(
    module: str, name: str, bases: list[str]
) -> None:
    cls = getattr(import_module(module), name)
    assert issubclass(cls, errors.QcityError), f"{module}.{name} is not a QcityError"
    kinds = [k for k in cls.__mro__ if k in errors.KINDS]
    assert kinds, f"{module}.{name} is of no kind"
    assert cls.http_status == STATUS[kinds[0]]  # the nearest kind decides
    assert cls.exit_code == 1


def test_the_classes_keep_their_builtin_bases() -> None:
    """``except ValueError`` / ``KeyError`` / ``LookupError`` catch what they caught."""
    from qcity.data.tables import SchemaNotReadyError, StoreError
    from qcity.framework.problems import FrameworkError
    from qcity.methods.registry import UnknownMethodError
    from qcity.robust.distributed import SchedulerError
    from qcity.web.state import NotFound

    assert issubclass(StoreError, ValueError) and issubclass(SchemaNotReadyError, RuntimeError)
    assert issubclass(UnknownMethodError, KeyError) and issubclass(NotFound, LookupError)
    assert issubclass(SchedulerError, RuntimeError) and issubclass(FrameworkError, Exception)


def test_existing_classes_keep_their_arguments_and_text() -> None:
    from qcity.framework.problems import FrameworkError, Problem
    from qcity.methods.registry import UnknownMethodError
    from qcity.robust.spec import SpecError

    exc = SpecError("spec.yaml: inputs[0].name: missing", "extra")
    assert exc.args == ("spec.yaml: inputs[0].name: missing", "extra") and exc.hint is None
    problem = Problem("fw.yaml", 3, "EC01.direction", "must be 1 or -1", hint="write 1")
    fw = FrameworkError([problem])
    assert (
        str(fw) == "1 problem in framework\n  fw.yaml:3: [EC01.direction] must be 1 or -1 — write 1"
    )
    assert isinstance(fw, errors.FrameworkError) and fw.problems == [problem]
    key = UnknownMethodError("normalise", "x", ["minmax", "zscore"])
    assert str(key) == "unknown normalise method 'x'; available: minmax, zscore"
    assert key.args == ("x",) and isinstance(key, errors.FrameworkError)
    assert pickle.loads(pickle.dumps(exc)).args == exc.args


def test_kinds_carry_exit_code_and_http_status() -> None:
    assert errors.QcityError.exit_code == 1
    assert {k: k.http_status for k in errors.KINDS} == STATUS
    assert all(k.exit_code == 1 for k in errors.KINDS)


def test_message_and_hint() -> None:
    exc = errors.InputError("data.csv, row 3, field value: not a number", "write 12.5")
    assert exc.message == str(exc) == "data.csv, row 3, field value: not a number"
    assert exc.hint == "write 12.5" and exc.args == (exc.message,)
    assert errors.NotFound("unit x").hint is None
    assert errors.QcityError("plain", hint="do this").hint == "do this"
