"""Stored evaluation runs: write one run with its outputs in one transaction, list them,
read them back, publish one. Outputs are never changed once written.

The service (``qcity.service.runs``) decides what a run holds; this module only stores
and reads it. Scores are kept as rows (for queries by unit, node and period) and every
file of the results folder is kept gzip-compressed, so that an export writes the same
bytes that the evaluation wrote.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, insert, select, update

from qcity import errors
from qcity.data import audit
from qcity.data.roles import Actor
from qcity.data.schema import EvaluationRun, RunFile, RunScore, RunWeight
from qcity.data.store import Store
from qcity.data.tables import INSERT_CHUNK, StoreError, frame_from_rows, utcnow

RUNS = cast(Table, EvaluationRun.__table__)
SCORES = cast(Table, RunScore.__table__)
WEIGHTS = cast(Table, RunWeight.__table__)
FILES = cast(Table, RunFile.__table__)

#: Columns of ``list_runs`` (and the keys of ``read_run``, which adds the JSON fields).
RUN_COLUMNS = [
    "id",
    "status",
    "created_at",
    "created_by",
    "published_at",
    "published_by",
    "framework_code",
    "framework_version",
    "index_node",
    "data_source",
    "data_vintage",
    "as_of",
    "data_sha256",
    "config_sha256",
    "qcity_version",
]
JSON_COLUMNS = ["selection", "stamp", "steps", "libraries", "diagnostics", "value_counts"]


class RunNotFoundError(errors.NotFound, StoreError):
    """No stored run has that id."""


@dataclass
class RunRecord:
    """Everything one stored run holds (the id and creation time are given on insert)."""

    created_by: str
    framework_code: str
    framework_version: str
    index_node: str
    data_source: str
    data_vintage: str | None
    as_of: datetime | None
    data_sha256: str
    config_sha256: str
    qcity_version: str
    scores: pd.DataFrame
    weights: pd.DataFrame
    files: Mapping[str, bytes] = field(default_factory=dict)
    selection: dict[str, Any] = field(default_factory=dict)
    stamp: dict[str, Any] = field(default_factory=dict)
    steps: list[Any] = field(default_factory=list)
    libraries: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[Any] = field(default_factory=list)
    value_counts: dict[str, Any] = field(default_factory=dict)


def _none_if_nan(values: np.ndarray) -> list[Any]:
    """Floats as Python objects with NaN as None (stored as NULL)."""
    out = values.astype(object)
    out[pd.isna(values)] = None
    return list(out)


def _score_rows(run_id: int, scores: pd.DataFrame) -> list[dict[str, Any]]:
    rank = scores["rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ranks = [None if np.isnan(r) else int(r) for r in rank]
    return [
        {"run_id": run_id, "node": n, "unit": u, "period": p, "score": s, "rank": r}
        for n, u, p, s, r in zip(
            scores["node"].astype(str),
            scores["unit"].astype(str),
            scores["period"].astype(str),
            _none_if_nan(scores["score"].to_numpy(dtype=float)),
            ranks,
            strict=True,
        )
    ]


def insert_run(
    store: Store,
    record: RunRecord,
    actor: Actor | None = None,
    before_commit: Callable[[int], None] | None = None,
) -> int:
    """Write ``record`` and all its outputs in ONE transaction, recorded in the audit log
    (by ``actor``, default the run's ``created_by`` via the CLI); returns the run id.

    ``before_commit(run_id)`` runs inside the transaction as its last step (a report that
    prints its run's id is written then): if it fails, nothing is stored."""
    facts = [c for c in RUN_COLUMNS if c not in ("id", "status", "created_at")]
    head = {
        "status": "draft",
        "created_at": utcnow(),
        **{c: getattr(record, c) for c in facts if c not in ("published_at", "published_by")},
        **{c: getattr(record, c) for c in JSON_COLUMNS},
    }
    with store.engine.begin() as conn:
        run_id = int(conn.execute(insert(RUNS).returning(RUNS.c.id), head).scalar_one())
        rows = _score_rows(run_id, record.scores)
        for start in range(0, len(rows), INSERT_CHUNK * 5):
            conn.execute(insert(SCORES), rows[start : start + INSERT_CHUNK * 5])
        if len(record.weights):
            w = record.weights
            conn.execute(
                insert(WEIGHTS),
                [
                    {"run_id": run_id, "node": n, "child": c, "nominal": a, "weight": b}
                    for n, c, a, b in zip(
                        w["node"].astype(str),
                        w["child"].astype(str),
                        _none_if_nan(w["nominal"].to_numpy(dtype=float)),
                        _none_if_nan(w["weight"].to_numpy(dtype=float)),
                        strict=True,
                    )
                ],
            )
        for name, content in record.files.items():
            conn.execute(
                insert(FILES),
                {
                    "run_id": run_id,
                    "name": name,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "size": len(content),
                    "content": gzip.compress(content, compresslevel=6, mtime=0),
                },
            )
        audit.record(
            conn,
            actor or record.created_by,
            "run.store",
            "run",
            str(run_id),
            None,
            {
                "framework": f"{record.framework_code} {record.framework_version}",
                "data_vintage": record.data_vintage,
                "as_of": record.as_of,
                "data_sha256": record.data_sha256,
                "config_sha256": record.config_sha256,
                "selection": record.selection,
            },
            at=head["created_at"],
        )
        if before_commit is not None:
            before_commit(run_id)
    return run_id


def list_runs(store: Store) -> pd.DataFrame:
    """Every stored run (without outputs), newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(*(RUNS.c[c] for c in RUN_COLUMNS)).order_by(RUNS.c.id.desc())
        ).all()
    frame = frame_from_rows(rows, RUN_COLUMNS)
    for col in ("published_at", "as_of"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def read_run(store: Store, run_id: int) -> dict[str, Any]:
    """The stored facts of run ``run_id`` (no outputs); RunNotFoundError if none."""
    with store.engine.connect() as conn:
        row = conn.execute(select(RUNS).where(RUNS.c.id == run_id)).mappings().first()
    if row is None:
        raise RunNotFoundError(f"no evaluation run {run_id}; `qcity runs list` shows the runs")
    return dict(row)


def read_scores(store: Store, run_id: int) -> pd.DataFrame:
    """``unit, period, node, score, rank`` of run ``run_id`` as stored."""
    read_run(store, run_id)
    stmt = (
        select(SCORES.c.unit, SCORES.c.period, SCORES.c.node, SCORES.c.score, SCORES.c.rank)
        .where(SCORES.c.run_id == run_id)
        .order_by(SCORES.c.node, SCORES.c.period, SCORES.c.unit)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame.from_records(
        [tuple(r) for r in rows], columns=["unit", "period", "node", "score", "rank"]
    )
    frame["score"] = frame["score"].astype("float64")
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def read_weights(store: Store, run_id: int) -> pd.DataFrame:
    """``node, child, nominal, weight`` of run ``run_id``."""
    stmt = (
        select(WEIGHTS.c.node, WEIGHTS.c.child, WEIGHTS.c.nominal, WEIGHTS.c.weight)
        .where(WEIGHTS.c.run_id == run_id)
        .order_by(WEIGHTS.c.node, WEIGHTS.c.child)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame.from_records(
        [tuple(r) for r in rows], columns=["node", "child", "nominal", "weight"]
    )


def read_files(store: Store, run_id: int) -> dict[str, bytes]:
    """The files of run ``run_id``'s results folder, by name, as they were written."""
    read_run(store, run_id)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(FILES.c.name, FILES.c.sha256, FILES.c.content)
            .where(FILES.c.run_id == run_id)
            .order_by(FILES.c.name)
        ).all()
    out: dict[str, bytes] = {}
    for name, digest, content in rows:
        data = gzip.decompress(bytes(content))
        if hashlib.sha256(data).hexdigest() != digest:
            raise StoreError(
                f"run {run_id}: stored file {name} does not match its checksum; the database "
                "was changed outside qcity: restore it from a backup"
            )
        out[str(name)] = data
    return out


def publish_run(store: Store, run_id: int, by: str, actor: Actor | None = None) -> bool:
    """Mark run ``run_id`` published, recorded in the audit log (by ``actor``, default
    ``by`` via the CLI); False if it already was (nothing changes then)."""
    with store.engine.begin() as conn:
        status = conn.execute(select(RUNS.c.status).where(RUNS.c.id == run_id)).scalar_one_or_none()
        if status is None:
            raise RunNotFoundError(f"no evaluation run {run_id}; `qcity runs list` shows the runs")
        if status == "published":
            return False
        now = utcnow()
        conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id)
            .values(status="published", published_at=now, published_by=by)
        )
        audit.record(
            conn,
            actor or by,
            "run.publish",
            "run",
            str(run_id),
            {"status": status},
            {"status": "published", "published_by": by},
            at=now,
        )
    return True
