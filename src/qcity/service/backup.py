"""Backup and restore of the whole database: one new file, the audit chain verified.

``backup_database`` and ``restore_database`` are what ``qcity backup`` and ``qcity restore``
call: they open the database themselves so that the order of the checks is the same for
every caller, and a mistake is named before anything is opened, created or written (the
target of a backup before the database is opened; a database that cannot be opened, then a
file that is no qcity backup, before a restore creates a new database). The file format,
the snapshot and the one-transaction restore are ``qcity.data.backup``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcity.data.roles import Actor

#: Told (rows done, rows in all) while a backup or restore runs, e.g. for a progress bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TableCounts:
    """The database a backup or restore worked on (URL without password), the rows of
    each table and the schema revision."""

    database: str
    tables: Mapping[str, int]
    revision: str | None

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


@dataclass(frozen=True)
class BackupReport(TableCounts):
    """What a backup wrote: the new file (``target``) and what it holds."""

    target: Path


@dataclass(frozen=True)
class RestoreReport(TableCounts):
    """What a restore put back from the backup file ``source``: the restored audit log
    verified and records the restore."""

    source: Path


def backup_database(
    *, db: str | None, target: Path, progress: Progress | None = None
) -> BackupReport:
    """Back up every table of the database ``db`` (a URL; None: the default one) to the
    NEW file ``target``. Refused (``BackupError``, nothing written) before the database is
    opened when ``target`` is a folder, an existing file, a link, a device or in a folder
    that does not exist; then when the database is not at the newest schema or its audit
    log does not verify. The zip appears only once complete."""
    from qcity.data.backup import BackupError, backup, check_target
    from qcity.data.engine import display_url
    from qcity.data.store import Store

    if target.is_dir() and not target.is_symlink():
        raise BackupError(
            f"{target} is a folder; give the name of the backup file, e.g. {target / 'qcity.zip'}"
        )
    check_target(target)
    with Store(db, create=False) as store:
        store.check_schema()
        summary = backup(store, target, progress)
        return BackupReport(display_url(store.url), summary.tables, summary.revision, target=target)


def restore_database(
    *,
    db: str | None,
    source: Path,
    by: Actor,
    replace: bool = False,
    progress: Progress | None = None,
) -> RestoreReport:
    """Restore the backup ``source`` into the database ``db`` (a URL; None: the default
    one; a new SQLite file is created), in one transaction, recorded in the audit log as
    done by ``by``. An existing database that cannot be opened is named first, then a
    file that is not a readable qcity backup, before anything is created; a non-empty
    database is refused unless ``replace`` (never one holding an audit log); every table
    is checked against the backup's manifest and the restored audit chain must verify,
    else nothing is restored."""
    from qcity.data.backup import read_manifest, restore
    from qcity.data.engine import display_url, parse_url, sqlite_file
    from qcity.data.store import Store

    with Store(db) as store:
        existing = sqlite_file(parse_url(store.url))
        if existing is None or existing.exists():
            store.schema_revision()  # a database that cannot be opened is named first
        read_manifest(source)  # a bad backup is named before a new database is created
        summary = restore(store, source, replace=replace, progress=progress, by=by)
        return RestoreReport(
            display_url(store.url), summary.tables, summary.revision, source=source
        )


__all__ = ["BackupReport", "Progress", "RestoreReport", "backup_database", "restore_database"]
