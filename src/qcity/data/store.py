"""The data store: units, groups, framework versions and every revision of every value.

``Store`` is the one entry point the rest of qcity uses to read and write data. Writes
are bulk (executemany through SQLAlchemy Core, never row-by-row ORM adds) and each
``add_*`` call is one transaction. Observations are append-only: a correction is a new
row with ``revision + 1``; reading "as of" a time returns exactly what was visible then.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    select,
)

from qcity import errors
from qcity.data import audit
from qcity.data.engine import display_url, make_engine, resolve_url
from qcity.data.limits import refuse_too_long
from qcity.data.observations import (
    REVIEWS,
    ProgressCallback,
    check_units_known,
    check_values,
    insert_observations,
    latest_for,
    next_stamp,
    observation_columns,
    observations_select,
    prepare_observations,
    same_number,
    same_text,
)
from qcity.data.periods import parse_periods
from qcity.data.roles import Actor
from qcity.data.tables import (
    BATCHES,
    FRAMEWORKS,
    GROUPS,
    KEY,
    MEMBERS,
    OBS,
    OBSERVATION_COLUMNS,
    UNIT_REVISIONS,
    UNITS,
    FrameworkConflictError,
    SchemaNotReadyError,
    StoreError,
    as_utc,
    frame_from_rows,
    text_table,
    utcnow,
)
from qcity.data.units import (
    GroupShrinkError,
    UnitsSummary,
    UnitTypeChangeError,
    history_frame,
    history_select,
    prepare_units,
    units_frame,
    units_select,
    write_units,
)
from qcity.framework.model import Framework

__all__ = [
    "FrameworkConflictError",
    "ImportSummary",
    "SchemaNotReadyError",
    "Store",
    "StoreError",
    "UnitTypeChangeError",
    "UnitsSummary",
]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: rows new to the store, rows revising an earlier value, rows
    equal to the latest revision (nothing written), and the import batch's id (None when
    nothing was written: no empty batch is logged)."""

    added: int
    revised: int
    unchanged: int
    batch_id: int | None
    #: The keys (``unit indicator period``) whose stored source was replaced by none.
    unsourced: tuple[str, ...] = ()

    @property
    def written(self) -> int:
        """Rows written (added + revised)."""
        return self.added + self.revised


class UnsourcedReplacementError(StoreError):
    """Values with a source that an import would replace by values without one."""

    def __init__(self, keys: list[str]) -> None:
        """Keep the keys; the message lists them and says what to do."""
        self.keys = keys
        shown = ", ".join(keys[:10]) + (f" ... ({len(keys)} in all)" if len(keys) > 10 else "")
        super().__init__(
            f"{len(keys)} stored value(s) have a source that the file's values lack: "
            f"{shown}. Give the source (--source TEXT or a source column), or replace them "
            "without one on purpose with --allow-unsourced (Python: "
            "allow_unsourced=True); nothing was written / 库中数值有来源而新数值没有，"
            "请用 --source 注明来源，或加 --allow-unsourced 确认"
        )


#: Every store opened in this process and not yet garbage-collected.
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()


def close_open_stores() -> None:
    """Release the connections of every store still open (the ``qcity`` script calls it
    before leaving without the interpreter's teardown, see ``qcity.cli.app.main``)."""
    for store in list(_OPEN):
        store.close()


class Store:
    """The qcity data store on SQLite or PostgreSQL (URL resolved by ``resolve_url``)."""

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        """Open (lazily) the database at ``url``, ``$QCITY_DATABASE_URL`` or
        ``var/qcity.sqlite``; ``create=False`` never creates a database file (read-only
        commands use it)."""
        self.url = resolve_url(url)
        self.engine = make_engine(self.url, create=create)
        self._is_postgres = self.engine.dialect.name == "postgresql"
        _OPEN.add(self)

    def __repr__(self) -> str:
        """Show the URL without its password."""
        return f"Store({display_url(self.url)!r})"

    def __enter__(self) -> Store:
        """Use as a context manager; connections are released on exit."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the connection pool."""
        self.close()

    def close(self) -> None:
        """Release every pooled connection (the store can still be used afterwards)."""
        self.engine.dispose()

    # -- schema ------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Create or migrate the tables to the newest schema (``alembic upgrade head``)."""
        from qcity.data import migrate  # alembic is imported only when needed

        migrate.upgrade(self.engine)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at; None if it was never migrated."""
        with self.engine.connect() as conn:
            from qcity.data import migrate

            return migrate.current_revision(conn)

    def check_schema(self) -> None:
        """Raise ``SchemaNotReadyError`` with a hint unless the schema is the newest."""
        from qcity.data import migrate

        current, head = self.schema_revision(), migrate.head_revision()
        if current != head:
            state = "has no qcity tables" if current is None else f"is at revision {current}"
            raise SchemaNotReadyError(
                f"database {display_url(self.url)} {state} (newest is {head}); "
                f"run `qcity db upgrade --db {display_url(self.url)}` first"
            )

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction that serialises writers: ``BEGIN IMMEDIATE`` on SQLite, a
        SHARE ROW EXCLUSIVE lock on observations on PostgreSQL (readers are never blocked)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self._is_postgres:
                    conn.exec_driver_sql("LOCK TABLE observations IN SHARE ROW EXCLUSIVE MODE")
                yield conn

    # -- units and groups ----------------------------------------------------------------
    def add_units(
        self,
        df: pd.DataFrame,
        entered_by: str = "qcity",
        *,
        confirm_type_change: bool = False,
    ) -> UnitsSummary:
        """Add or update units (columns code, name_zh, name_en, type, parent_code; any
        other column is an attribute such as region) in one transaction. Each new or
        changed unit gets a revision in ``unit_history``; a unit changing ``type`` is
        refused (``UnitTypeChangeError``) unless ``confirm_type_change``."""
        if not str(entered_by or "").strip():
            raise StoreError("entered_by is required: say who changes the units")
        records = prepare_units(df)
        with self._write() as conn:
            summary = write_units(conn, records, entered_by, utcnow(), confirm_type_change)
            if summary.written:  # the unit revisions hold each change; the log the batch
                audit.record(
                    conn,
                    entered_by,
                    "units.import",
                    "units",
                    f"{summary.written} unit(s)",
                    None,
                    {"added": summary.added, "revised": summary.revised},
                )
            return summary

    def units(self, as_of: datetime | None = None) -> pd.DataFrame:
        """All units: code, name_zh, name_en, type, parent_code, then one column per
        attribute (in the order first seen); with ``as_of``, as they were recorded then."""
        with self.engine.connect() as conn:
            rows = conn.execute(units_select(as_of)).mappings().all()
        return units_frame(list(rows))

    def unit_history(self, code: str) -> pd.DataFrame:
        """Every revision of unit ``code``, oldest first: revision, the full row, what
        changed (as text), recorded_at, entered_by. Empty for an unknown code."""
        with self.engine.connect() as conn:
            rows = conn.execute(history_select(code)).all()
        return history_frame(list(rows))

    def add_group(
        self,
        code: str,
        name_zh: str,
        name_en: str,
        members: Iterable[str],
        kind: str = "peer",
    ) -> None:
        """Create or replace the group ``code`` with exactly ``members`` (unit codes)."""
        members = list(dict.fromkeys(members))
        self.add_groups(
            pd.DataFrame(
                {
                    "group": code,
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "kind": kind,
                    "unit": members,
                },
                index=range(len(members)),
            ),
            empty=[(code, name_zh, name_en, kind)] if not members else (),
            replace=True,
        )

    def add_groups(
        self,
        df: pd.DataFrame,
        empty: Iterable[tuple[str, str, str, str]] = (),
        *,
        replace: bool = False,
        changes: list[str] | None = None,
    ) -> int:
        """Create or replace groups from a table with one row per member (columns group,
        name_zh, name_en, unit, optional kind), all in one transaction; ``empty`` adds
        groups without members. Returns the number of groups written: a group equal to
        the stored one (names, kind, members) is left alone. A stored group that would
        lose members is refused (``GroupShrinkError``, nothing written) unless
        ``replace``: a file listing part of a group is more often incomplete than meant.
        ``changes``, if given, receives one line per group whose members change."""
        rows = text_table(
            df, "groups", {"group", "name_zh", "unit"}, "group, name_zh, name_en, unit (+ kind)"
        )
        blank = rows["group"].isna() | rows["unit"].isna()
        if blank.any():
            raise StoreError(
                f"groups rows {[int(i) + 2 for i in np.flatnonzero(blank)][:10]} "
                "have no group or unit (row 1 = header)"
            )
        columns = {"group": "groups.code", "unit": "group_members.unit_code"}
        columns.update({c: f"groups.{c}" for c in ("name_zh", "name_en", "kind")})
        refuse_too_long(rows, columns, "groups")
        heads: dict[str, tuple[str, str, str, str]] = {}
        for code, first in rows.groupby("group", sort=False).first().iterrows():
            zh = first["name_zh"] or str(code)
            en = first.get("name_en") or zh
            heads[str(code)] = (str(code), str(zh), str(en), str(first.get("kind") or "peer"))
        heads.update({e[0]: e for e in empty})
        g, gm = GROUPS, MEMBERS
        with self._write() as conn:
            known = {r[0] for r in conn.execute(select(UNITS.c.code))}
            unknown = sorted(set(rows["unit"]) - known)
            if unknown:
                raise StoreError(f"groups: unknown unit(s) {unknown[:10]}; add them first")
            members = {
                code: set(g_rows["unit"]) for code, g_rows in rows.groupby("group", sort=False)
            }
            stored_heads = {r[0]: tuple(r) for r in conn.execute(select(*g.c))}
            stored_members: dict[str, set[str]] = {}
            for code, unit in conn.execute(select(gm.c.group_code, gm.c.unit_code)):
                stored_members.setdefault(code, set()).add(unit)
            changed = [
                head
                for code, head in heads.items()
                if stored_heads.get(code) != head
                or stored_members.get(code, set()) != members.get(code, set())
            ]
            diffs = {
                head[0]: (
                    sorted(members.get(head[0], set()) - stored_members.get(head[0], set())),
                    sorted(stored_members.get(head[0], set()) - members.get(head[0], set())),
                )
                for head in changed
            }
            dropped = {c: d[1] for c, d in diffs.items() if d[1]}
            if dropped and not replace:
                raise GroupShrinkError(dropped)
            if changes is not None:
                changes += [
                    f"{c}: " + ", ".join([*(f"+{u}" for u in add), *(f"-{u}" for u in drop)])
                    for c, (add, drop) in diffs.items()
                    if add or drop
                ]
            for code, name_zh, name_en, kind in changed:
                conn.execute(delete(gm).where(gm.c.group_code == code))
                conn.execute(delete(g).where(g.c.code == code))
                conn.execute(
                    insert(g), {"code": code, "name_zh": name_zh, "name_en": name_en, "kind": kind}
                )
            if changed:
                audit.record_many(
                    conn,
                    [
                        audit.entry(
                            "qcity",
                            "group.save",
                            "group",
                            head[0],
                            {"members": sorted(stored_members.get(head[0], set()))}
                            if head[0] in stored_heads
                            else None,
                            {"name_zh": head[1], "members": sorted(members.get(head[0], set()))},
                        )
                        for head in changed
                    ],
                )
            pairs = [
                {"group_code": head[0], "unit_code": unit}
                for head in changed
                for unit in sorted(members.get(head[0], set()))
            ]
            if pairs:
                conn.execute(insert(gm), pairs)
        return len(changed)

    def groups(self) -> pd.DataFrame:
        """Group memberships: group, unit_code, kind, name_zh, name_en (of the group)."""
        g, gm = GROUPS, MEMBERS
        stmt = (
            select(g.c.code, gm.c.unit_code, g.c.kind, g.c.name_zh, g.c.name_en)
            .join(gm, gm.c.group_code == g.c.code)
            .order_by(g.c.code, gm.c.unit_code)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return frame_from_rows(rows, ["group", "unit_code", "kind", "name_zh", "name_en"])

    # -- frameworks ----------------------------------------------------------------------
    def save_framework(self, fw: Framework, yaml_text: str, actor: Actor | str = "qcity") -> bool:
        """Keep this framework version's YAML; True if stored now, False if the identical
        text was already stored. Different text under the same code and version is refused.
        A version stored is recorded in the audit log as loaded by ``actor``."""
        digest = hashlib.sha256(yaml_text.encode("utf-8")).hexdigest()
        t = FRAMEWORKS
        with self._write() as conn:
            stored = conn.execute(
                select(t.c.sha256).where(t.c.code == fw.code, t.c.version == fw.version)
            ).scalar_one_or_none()
            if stored == digest:
                return False
            if stored is not None:
                raise FrameworkConflictError(
                    f"framework {fw.code!r} version {fw.version!r} is already stored with "
                    "different content; give the changed framework a new version number"
                )
            conn.execute(
                insert(t),
                {
                    "code": fw.code,
                    "version": fw.version,
                    "name_zh": fw.name_zh,
                    "name_en": fw.name_en,
                    "valid_from": fw.valid_from,
                    "valid_to": fw.valid_to,
                    "yaml": yaml_text,
                    "sha256": digest,
                    "loaded_at": utcnow(),
                },
            )
            audit.record(
                conn,
                actor,
                "framework.load",
                "framework",
                f"{fw.code} {fw.version}",
                None,
                {"code": fw.code, "version": fw.version, "sha256": digest},
            )
        return True

    def frameworks(self) -> pd.DataFrame:
        """Every stored framework version (without the YAML text), oldest load first."""
        t = FRAMEWORKS
        cols = [
            "code",
            "version",
            "name_zh",
            "name_en",
            "valid_from",
            "valid_to",
            "sha256",
            "loaded_at",
        ]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*(t.c[c] for c in cols)).order_by(t.c.loaded_at, t.c.id)
            ).all()
        return frame_from_rows(rows, cols)

    def framework_text(self, code: str, version: str | None = None) -> str:
        """The YAML text of framework ``code`` at ``version`` (default: the last loaded)."""
        t = FRAMEWORKS
        stmt = select(t.c.yaml).where(t.c.code == code)
        if version is not None:
            stmt = stmt.where(t.c.version == version)
        with self.engine.connect() as conn:
            text = conn.execute(stmt.order_by(t.c.loaded_at.desc(), t.c.id.desc())).first()
        if text is None:
            what = f"{code!r}" + (f" version {version!r}" if version else "")
            raise errors.Unknown(f"no framework {what} in the store; save it with save_framework")
        return str(text[0])

    # -- observations: write --------------------------------------------------------------
    def add_observations(
        self,
        df: pd.DataFrame,
        entered_by: str,
        file_name: str | None = None,
        file_sha256: str | None = None,
        *,
        source_format: str = "dataframe",
        framework: Framework | None = None,
        progress: ProgressCallback | None = None,
        entered_by_user_id: int | None = None,
        actor: Actor | None = None,
        audit_extra: dict[str, Any] | None = None,
        unsourced: str = "allow",
    ) -> ImportSummary:
        """Add observations (columns unit, indicator, period, value; optional status,
        source, flag) in ONE transaction. A key whose value, status, source and flag equal
        its latest revision is left alone; a changed one gets ``revision + 1``. When every
        row is unchanged nothing at all is written (no import batch either).
        ``entered_by_user_id``: the user account entering them (None for the CLI operator).

        This is the operator's import: the rows are stored approved (a clerk's entries go
        through ``qcity.data.workflow``). The batch (file, sha256, counts) is recorded in
        the audit log as done by ``actor`` (default: ``entered_by`` via the CLI), with
        ``audit_extra`` (e.g. implausible values accepted and why) added to the entry.
        A value with a source revised by one without is listed in the summary's
        ``unsourced``; with ``unsourced="refuse"`` it is an ``UnsourcedReplacementError``
        and nothing is written."""
        if not str(entered_by or "").strip():
            raise StoreError("entered_by is required: say who entered the data")
        rows = prepare_observations(df)
        with self._write() as conn:
            check_units_known(conn, rows["unit"])
            latest = latest_for(conn, rows)
            merged = rows.merge(latest, how="left", on=KEY, suffixes=("", "_old"))
            is_new = merged["revision"].isna().to_numpy()
            same = (
                ~is_new
                & same_number(merged["value"].to_numpy(), merged["value_old"].to_numpy())
                & (merged["status"] == merged["status_old"]).to_numpy()
                & same_text(merged["source"], merged["source_old"])
                & same_text(merged["flag"], merged["flag_old"])
                # a clerk's draft of the same value is not the operator's approved import
                & (merged["review"] == "approved").to_numpy()
            )
            lost = ~is_new & ~same & merged["source_old"].notna().to_numpy()
            lost &= merged["source"].isna().to_numpy()
            lost_keys = tuple(
                f"{u} {i} {p}"
                for u, i, p in merged.loc[lost, ["unit", "indicator", "period"]].itertuples(
                    index=False
                )
            )
            if lost_keys and unsourced == "refuse":
                raise UnsourcedReplacementError(list(lost_keys))
            added, revised, unchanged = (
                int(is_new.sum()),
                int((~is_new & ~same).sum()),
                int(same.sum()),
            )
            if added + revised == 0:
                return ImportSummary(added=0, revised=0, unchanged=unchanged, batch_id=None)
            write = merged[~same].copy()
            write["revision"] = write["revision"].fillna(0).astype("int64") + 1
            now = next_stamp(conn)
            batch_id = conn.execute(
                insert(BATCHES).returning(BATCHES.c.id),
                {
                    "file_name": file_name,
                    "sha256": file_sha256,
                    "format": source_format,
                    "rows": len(rows),
                    "added": added,
                    "revised": revised,
                    "unchanged": unchanged,
                    "framework_code": framework.code if framework else None,
                    "framework_version": framework.version if framework else None,
                    "entered_by": entered_by,
                    "entered_by_user_id": entered_by_user_id,
                    "created_at": now,
                },
            ).scalar_one()
            insert_observations(
                conn, write, now, entered_by, int(batch_id), progress, entered_by_user_id
            )
            audit.record(
                conn,
                actor or entered_by,
                "values.import",
                "import_batch",
                str(batch_id),
                None,
                {
                    "file": file_name,
                    "sha256": file_sha256,
                    "format": source_format,
                    "rows": len(rows),
                    "added": added,
                    "revised": revised,
                    "unchanged": unchanged,
                    "framework": f"{framework.code} {framework.version}" if framework else None,
                    **(audit_extra or {}),
                },
                at=now,
            )
        return ImportSummary(
            added=added,
            revised=revised,
            unchanged=unchanged,
            batch_id=int(batch_id),
            unsourced=lost_keys,
        )

    # -- observations: read --------------------------------------------------------------
    def observations(
        self,
        as_of: datetime | None = None,
        indicators: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
        periods: Iterable[str] | None = None,
        all_revisions: bool = False,
        *,
        values: str = "approved",
    ) -> pd.DataFrame:
        """Observations (unit, indicator, period, value, status, source, flag, revision,
        recorded_at, entered_by): the latest revision per key, or every revision; with
        ``as_of`` only rows recorded at or before it, so an earlier state is reproduced.
        ``values="approved"`` (default) reads per key the latest revision approved by
        ``as_of`` (what evaluations use); ``"all"`` the latest whatever its review state."""
        stmt = observations_select(
            as_of,
            indicators,
            units,
            periods,
            all_revisions,
            dialect=self.engine.dialect.name,
            values=values,
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return frame_from_rows(rows, OBSERVATION_COLUMNS)

    def vintage(self, as_of: datetime | None = None, values: str = "approved") -> datetime | None:
        """The time of the newest change visible (at ``as_of``): an observation recorded
        or, for ``values="approved"``, a value approved — the data vintage an evaluation
        is stamped with, so that reading "as of the vintage" gives the same values again.
        None for an empty store."""
        stmt = select(func.max(OBS.c.recorded_at))
        if check_values(values) == "approved":  # drafts are not part of the data read
            stmt = stmt.where(OBS.c.review == "approved")
        approvals = select(func.max(REVIEWS.c.at)).where(REVIEWS.c.state == "approved")
        if as_of is not None:
            stmt = stmt.where(OBS.c.recorded_at <= as_utc(as_of))
            approvals = approvals.where(REVIEWS.c.at <= as_utc(as_of))
        with self.engine.connect() as conn:
            value = as_utc(conn.execute(stmt).scalar_one_or_none())
            if values == "approved":
                approved = as_utc(conn.execute(approvals).scalar_one_or_none())
                if approved is not None and (value is None or approved > value):
                    value = approved
        return value

    def change_marker(self) -> str:
        """A short digest that changes whenever data, units, groups or frameworks are
        written or values reviewed (the newest import batch, unit revision, framework
        version and review event, and the group memberships); cheap enough to ask every
        few seconds (a dashboard uses it to notice changes made by other processes)."""
        h = hashlib.sha256()
        with self.engine.connect() as conn:
            for table in (BATCHES, UNIT_REVISIONS, FRAMEWORKS, REVIEWS):
                row = conn.execute(select(func.count(), func.max(table.c.id))).one()
                h.update(f"{table.name}:{row[0]}:{row[1]};".encode())
            members = conn.execute(
                select(MEMBERS.c.group_code, MEMBERS.c.unit_code).order_by(
                    MEMBERS.c.group_code, MEMBERS.c.unit_code
                )
            ).all()
            h.update(repr(members).encode("utf-8"))
        return h.hexdigest()[:16]

    def history(self, unit: str, indicator: str, period: str) -> pd.DataFrame:
        """Every revision of one value, oldest first, with the file it came from."""
        label = parse_periods(pd.Series([period]))["period"].iloc[0]
        stmt = (
            select(*observation_columns(), BATCHES.c.file_name, BATCHES.c.id)
            .join(BATCHES, BATCHES.c.id == OBS.c.batch_id)
            .where(
                OBS.c.unit_code == unit, OBS.c.indicator_code == indicator, OBS.c.period == label
            )
            .order_by(OBS.c.revision)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return frame_from_rows(rows, [*OBSERVATION_COLUMNS, "file_name", "batch_id"])

    def batches(self) -> pd.DataFrame:
        """The import log: one row per import batch, oldest first."""
        cols = [
            "id",
            "file_name",
            "sha256",
            "format",
            "rows",
            "added",
            "revised",
            "unchanged",
            "framework_code",
            "framework_version",
            "entered_by",
            "created_at",
        ]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*(BATCHES.c[c] for c in cols)).order_by(BATCHES.c.id)).all()
        return frame_from_rows(rows, cols)
