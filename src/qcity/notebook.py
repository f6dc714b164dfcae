"""The notebook door: the few functions ``import qcity as qc`` offers at the top.

    fw  = qc.load_framework("examples/asem/framework.yaml")
    obs = qc.read_observations("examples/asem/data.csv", framework=fw)
    ev  = qc.evaluate(fw, obs)
    ev.scores()                      # unit, period, node, score, rank

Each is a thin layer over the function the command line uses (the same checks, the same
results); bad input raises a ``qc.QcityError`` (one of its kinds), never a bare
``TypeError`` or ``ValueError``.
"""

from __future__ import annotations

import functools
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from qcity.errors import InputError, QcityError

if TYPE_CHECKING:
    import pandas as pd

    from qcity.engine.evaluation import Evaluation
    from qcity.framework.model import Framework

F = TypeVar("F", bound=Callable[..., Any])
FRAME_NAME = "dataframe.csv"
"""How errors name a DataFrame given to ``read_observations`` (rows as in that CSV file:
the header is row 1, the first row of data row 2)."""
COLUMNS = ("unit", "indicator", "period", "value")
_SOURCES: dict[int, Path] = {}
"""The file each framework loaded here came from (its ``units_file`` is relative to it)."""


def door(f: F) -> F:
    """``f``, with the built-in errors that bad arguments cause (wrong type, value out of
    range, unknown key, missing file) raised as ``InputError`` naming the function."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except QcityError:
            raise
        except (TypeError, ValueError, LookupError, OSError) as exc:
            text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            raise InputError(
                f"qc.{f.__name__}: {text or type(exc).__name__}",
                f"see help(qc.{f.__name__}) for what it expects",
            ) from exc

    return wrapper  # type: ignore[return-value]


def _path(value: object, what: str) -> Path:
    if not isinstance(value, str | Path):
        raise InputError(
            f"{what} must be a file path (str or Path), not {type(value).__name__}",
            "give the file's path, e.g. 'examples/asem/framework.yaml'",
        )
    return Path(value)


def _framework(value: object) -> Framework:
    from qcity.framework.model import Framework

    if not isinstance(value, Framework):
        raise InputError(
            f"framework must be a Framework, not {type(value).__name__}",
            "load one with qc.load_framework('framework.yaml')",
        )
    return value


@door
def load_framework(path: str | Path) -> Framework:
    """The framework in the YAML file at ``path``, checked as ``qcity framework check``
    does; ``FrameworkError`` listing every problem (file, line, field, hint)."""
    from qcity.framework import io

    source = _path(path, "path")
    fw = io.load_framework(source)
    _SOURCES[id(fw)] = source.resolve()
    weakref.finalize(fw, _SOURCES.pop, id(fw), None)
    return fw


def _units(fw: Framework, units: pd.DataFrame | None) -> pd.DataFrame | None:
    """``units``, else the table the framework names (``units_file``, relative to the
    framework's file, as ``qcity evaluate`` reads it), else None."""
    from qcity.service.inputs import read_units_file

    if units is not None or not fw.units_file or id(fw) not in _SOURCES:
        return units
    return read_units_file(_SOURCES[id(fw)].parent / fw.units_file)


@door
def read_observations(
    data: str | Path | pd.DataFrame,
    framework: Framework,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The observations of a CSV/Excel file (or of a DataFrame with the columns of one:
    ``unit, indicator, period, value``, optional ``status, source, flag``, or the wide
    layout), read and checked exactly as ``qcity import`` does against ``framework``
    (and ``units``, a table with columns ``code, type``; default: the framework's
    ``units_file``, else every unit code is accepted).
    ``InputError`` (an ``ImportErrorReport``: every bad cell, with its row and column)
    when any cell is wrong; nothing is stored."""
    import pandas as pd

    from qcity.data.importer import read_checked

    fw = _framework(framework)
    units = _units(fw, units)
    if isinstance(data, pd.DataFrame):
        with tempfile.TemporaryDirectory(prefix="qcity-") as folder:
            path = Path(folder) / FRAME_NAME
            data.to_csv(path, index=False)  # input, not an export: read back at once
            checked = read_checked(path, fw, units, action="evaluate")[0]
    else:
        path = _path(data, "data")
        if not path.is_file():
            raise InputError(f"{path}: no such data file", "check the path")
        checked = read_checked(path, fw, units, action="evaluate")[0]
    observations: pd.DataFrame = checked.observations
    return observations


@door
def evaluate(
    framework: Framework,
    observations: pd.DataFrame,
    units: pd.DataFrame | None = None,
) -> Evaluation:
    """The framework's pipeline run on ``observations`` (from ``read_observations``):
    an ``Evaluation`` (``scores()``, ``flags()``, ``weights()`` ...), as ``qcity
    evaluate`` computes it (``units``: as for ``read_observations``)."""
    import pandas as pd

    from qcity.engine.evaluation import Evaluation

    fw = _framework(framework)
    if not isinstance(observations, pd.DataFrame):
        raise InputError(
            f"observations must be a DataFrame, not {type(observations).__name__}",
            "read them with qc.read_observations(path, framework=fw)",
        )
    missing = [c for c in COLUMNS if c not in observations.columns]
    if missing:
        raise InputError(
            f"observations lack the column(s) {', '.join(missing)}",
            "read them with qc.read_observations(path, framework=fw)",
        )
    return Evaluation(fw, observations, _units(fw, units)).run()


@door
def compare(
    ev: Evaluation, unit: str, year: object | None = None, k: int = 5, **options: Any
) -> pd.DataFrame:
    """``unit`` against its peers (``qcity compare``): one row per node and indicator with
    its rank, score and the gaps to the leader, the median and the k-th unit."""
    from qcity.benchmark.peers import compare as peers

    return peers(ev, unit, year, k, **options)


@door
def path(
    ev: Evaluation, unit: str, year: object | None = None, k: int = 5, **options: Any
) -> pd.DataFrame:
    """The least-cost path of ``unit`` into the first ``k`` (``qcity path``): one row per
    indicator to change; ``attrs["plan"]`` holds the summary."""
    from qcity.benchmark.plan import path as plan

    return plan(ev, unit, year, k, **options)
