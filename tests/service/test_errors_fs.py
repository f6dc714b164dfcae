"""File-system trouble is named as such (``qcity.service.errors.explain``): a database
on a full disk or a failing one is not reported as a server that cannot be reached, and a
full disk, a quota or a read-only file system while writing a file say so and name it."""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest
from sqlalchemy import exc as sa

from qcity.service.errors import explain

URL = "sqlite:///var/qcity.sqlite"


def _sqlite_error(message: str) -> sa.OperationalError:
    """What SQLAlchemy raises when SQLite fails with ``message`` (as the store sees it)."""
    error = sa.OperationalError("INSERT INTO runs ...", {}, sqlite3.OperationalError(message))
    error.qcity_url = URL  # type: ignore[attr-defined]
    return error


def test_a_database_on_a_full_disk_says_the_disk_is_full() -> None:
    failure = explain(_sqlite_error("database or disk is full"))
    assert failure.exit_code == 1 and not failure.internal
    assert failure.message.startswith(f"{URL}: the disk is full (database or disk is full)")
    assert "nothing was stored" in failure.message
    assert "cannot connect" not in failure.message and "server" not in failure.message


def test_a_postgresql_server_out_of_space_says_the_disk_is_full() -> None:
    orig = Exception('could not extend file "base/16384/2619": No space left on device')
    error = sa.OperationalError("INSERT ...", {}, orig)
    assert "the disk is full" in explain(error).message


def test_a_disk_io_error_points_at_the_disk() -> None:
    failure = explain(_sqlite_error("disk I/O error"))
    assert "disk I/O error" in failure.message and "full, read-only or failing" in failure.message
    assert "cannot connect" not in failure.message


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "disk full while writing out/scores.csv"),
        (errno.EDQUOT, "disk quota exceeded while writing out/scores.csv"),
        (errno.EROFS, "out/scores.csv is on a read-only file system"),
    ],
)
def test_writing_a_file_names_the_file_and_the_cause(code: int, words: str) -> None:
    failure = explain(OSError(code, os.strerror(code), "out/scores.csv"))
    assert failure.exit_code == 1 and words in failure.message


def test_permission_denied_says_the_file_or_its_folder_cannot_be_written() -> None:
    failure = explain(PermissionError(errno.EACCES, "Permission denied", "out"))
    assert "permission denied: out (it, or the folder it is in, cannot be written)" in (
        failure.message
    )
