"""Stored evaluation runs for the interfaces: keep a run (with the framework version it
used), list, show, publish and export runs, and replay a saved step log.

A run keeps what went in (framework version, unit selection, data vintage and hashes,
step log, library versions), who ran it and when, its diagnostics and its outputs. Its
outputs never change: a published run reads back bit-identical whatever is revised later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from qcity.data import runs as run_table
from qcity.data.atomic import atomic_folder
from qcity.data.safe_cells import inside
from qcity.data.store import Store
from qcity.engine.log_file import LogError, SavedLog, differences, parse_log
from qcity.engine.steps import default_steps
from qcity.framework.model import Framework
from qcity.service.evaluation import EvaluationResult
from qcity.service.inputs import InputError


def keep_run(
    result: EvaluationResult,
    url: str | None,
    created_by: str,
    written: list[Path],
    before_commit: Callable[[int], None] | None = None,
) -> int:
    """Store ``result`` (its framework version too) with the files of the results folder
    that its evaluation ``written``, in one transaction; returns the new run's id.
    ``before_commit(run_id)`` runs as the transaction's last step: if it fails, no run is
    stored (``data.runs.insert_run``)."""
    ev = result.evaluation
    files = {p.name: p.read_bytes() for p in written}
    inp = result.inputs
    record = run_table.RunRecord(
        created_by=created_by,
        framework_code=result.framework.code,
        framework_version=result.framework.version,
        index_node=result.framework.root.code,
        data_source=inp.source,
        data_vintage=inp.vintage,
        as_of=inp.as_of,
        data_sha256=str(result.stamp["data_sha256"]),
        config_sha256=str(result.stamp["config_sha256"]),
        qcity_version=str(result.stamp["qcity_version"]),
        scores=ev.scores(),
        weights=ev.weights(),
        files=files,
        selection=inp.selection,
        stamp=result.stamp,
        steps=[s.to_dict() for s in ev.log],
        libraries=result.libraries,
        diagnostics=result.diagnostics,
        value_counts=result.value_counts,
    )
    with Store(url) as store:
        store.check_schema()
        if result.framework_text is not None:
            store.save_framework(result.framework, result.framework_text, actor=created_by)
        return run_table.insert_run(store, record, before_commit=before_commit)


@dataclass(frozen=True)
class StoredRun:
    """A stored run as read back: its facts, its scores and the units' Chinese names."""

    facts: dict[str, Any]
    scores: pd.DataFrame
    unit_names: dict[str, str]

    @property
    def id(self) -> int:
        """The run's id."""
        return int(self.facts["id"])


def list_runs(*, db: str | None, published_only: bool = False) -> pd.DataFrame:
    """Every stored run of the database at ``db``, newest first (only the published ones
    with ``published_only``), without its outputs: one row per run with the columns
    ``id, status, created_at, created_by, published_at, published_by, framework_code,
    framework_version, index_node, data_source, data_vintage, as_of, data_sha256,
    config_sha256, qcity_version`` (``status`` is ``draft`` or ``published``)."""
    with Store(db, create=False) as store:
        store.check_schema()
        frame = run_table.list_runs(store)
    if published_only:
        frame = frame[frame["status"].astype(str) == "published"]
    return frame


def get_run(*, db: str | None, run_id: int) -> StoredRun:
    """Run ``run_id`` of the database at ``db`` with its scores and the units' Chinese
    names; ``RunNotFoundError`` (a ``NotFound``) if there is none."""
    with Store(db, create=False) as store:
        store.check_schema()
        facts = run_table.read_run(store, run_id)
        units = store.units()
        names = dict(zip(units["code"].astype(str), units["name_zh"].astype(str), strict=True))
        return StoredRun(facts, run_table.read_scores(store, run_id), names)


@dataclass(frozen=True)
class PublishedRun:
    """What publishing did: the run, and whether it is newly published (False: it already
    was, and nothing changed)."""

    run_id: int
    newly_published: bool


def publish_run(*, db: str | None, run_id: int, by: str) -> PublishedRun:
    """Publish run ``run_id`` as ``by`` (recorded with the run and in the audit log): it
    becomes the city's reported result. Publishing a published run changes nothing;
    ``RunNotFoundError`` (a ``NotFound``) if there is no such run."""
    with Store(db, create=False) as store:
        store.check_schema()
        return PublishedRun(run_id, run_table.publish_run(store, run_id, by))


@dataclass(frozen=True)
class ExportedRun:
    """A stored run's results folder written again: the run, the folder and its files."""

    run_id: int
    out: Path
    files: tuple[Path, ...]


def export_run(*, db: str | None, run_id: int, out: Path) -> ExportedRun:
    """Write run ``run_id``'s results folder to ``out``: the same files, byte for byte,
    that its evaluation wrote (``scores.csv`` included) — all of them or none."""
    with Store(db, create=False) as store:
        store.check_schema()
        files = run_table.read_files(store, run_id)
    with atomic_folder(out) as tmp:  # all the files or none
        for name, content in files.items():
            inside(tmp, name).write_bytes(content)  # a name such as ../x.csv cannot leave
    return ExportedRun(run_id, out, tuple(inside(out, name) for name in files))


def read_log(path: Path, fw: Framework, *, allow_edited: bool = False) -> SavedLog:
    """The step log and stamp saved in a results folder's ``log.json``, validated in full
    (``qcity.engine.log_file``). A log whose digest does not match its content was edited:
    refused, saying what differs from ``fw``'s log, unless ``allow_edited``. A log with an
    unknown method or parameter is refused either way."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such log file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a qcity log.json ({exc})") from None
    try:
        saved = parse_log(doc, str(path))
    except LogError as exc:
        raise InputError(str(exc)) from None
    if saved.edited and not allow_edited:
        diff = differences(saved.steps, default_steps(fw))
        what = f"; it differs from framework {fw.code} {fw.version} in " + "; ".join(diff)
        raise InputError(
            f"{path}: the log was edited ({saved.reason}){what if diff else ''}. "
            "Replay it only if you mean to: add --allow-edited-log (the results' stamp then "
            "records edited_log: true), or replay an unedited log.json"
        )
    return saved


def replay_differences(saved: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What differs between the stamp a log was saved with and a replay's stamp
    (framework, framework version, data hash): a replay on other inputs says so."""
    out = []
    for key, what in (
        ("framework", "framework"),
        ("framework_version", "framework version"),
        ("data_sha256", "data"),
    ):
        if saved.get(key) is not None and saved.get(key) != now.get(key):
            out.append(f"{what} differs from the saved run ({saved.get(key)} -> {now.get(key)})")
    return out
