"""What an exception that escaped a command means to the user: one short message and an
exit code. The CLI's handler (``qcity.cli.app``) uses it, and the web API can share the
wording; nothing here prints or imports Typer.

Exit codes: 1 for bad input and the environment (file, database, driver), 130 for an
interrupt, 2 for an internal error (a bug: the message asks for a report).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

#: Set to 1 to get the Python traceback instead of the one-line message.
DEBUG_ENV = "QCITY_DEBUG"

INTERNAL_EXIT = 2
INTERRUPT_EXIT = 130
_MAX_LEN = 300


@dataclass(frozen=True)
class Failure:
    """The message for the user, the exit code, and whether it is qcity's own bug."""

    message: str
    exit_code: int = 1
    internal: bool = False


def debug() -> bool:
    """True when ``$QCITY_DEBUG`` asks for tracebacks."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def explain(exc: BaseException, *, nothing_written: bool = False) -> Failure:
    """The failure ``exc`` stands for. ``nothing_written`` says the interrupted command
    writes nothing or in one transaction, so an interrupt left no trace."""
    if isinstance(exc, KeyboardInterrupt):
        tail = "; nothing was written / 未写入任何内容" if nothing_written else ""
        return Failure(f"interrupted / 已中断{tail}", INTERRUPT_EXIT)
    for explainer in (_qcity_error, _database_error, _missing_module, _os_error, _file_format):
        failure = explainer(exc)
        if failure is not None:
            return failure
    return internal(exc)


def internal(exc: BaseException) -> Failure:
    """The one line for a bug: type, message, and how to report it."""
    text = _first_line(str(exc))
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return Failure(
        f"internal error: {what} — please report it; run with {DEBUG_ENV}=1 for the traceback",
        INTERNAL_EXIT,
        internal=True,
    )


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= _MAX_LEN else line[: _MAX_LEN - 1] + "…"


def _message(exc: BaseException) -> str:
    """The text of an exception raised with a message (a KeyError's without its quotes)."""
    if isinstance(exc, KeyError) and type(exc).__str__ is KeyError.__str__:
        return " ".join(str(a) for a in exc.args)
    return str(exc).strip()


def _raised_in_qcity(exc: BaseException) -> bool:
    """True when the innermost frame of the traceback is qcity's own code."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(tb.tb_frame.f_globals.get("__name__", "")).split(".")[0] == "qcity"


def _qcity_error(exc: BaseException) -> Failure | None:
    """qcity's own errors (any class defined in qcity: StoreError, FrameworkError,
    ImportErrorReport, EvaluationError, UnknownMethodError, PairwiseError ...), and plain
    ValueError/KeyError raised with a sentence by qcity code."""
    message = _message(exc)
    if not message:
        return None
    if type(exc).__module__.split(".")[0] == "qcity":
        return Failure(message)
    if type(exc) in {ValueError, KeyError} and _raised_in_qcity(exc):
        if isinstance(exc, KeyError) and " " not in message:
            return None  # a failed lookup, d[key]: a bug
        return Failure(message)
    return None


def _database_error(exc: BaseException) -> Failure | None:
    """SQLAlchemy's errors: malformed URL, unreachable server, not a database."""
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.ArgumentError):
        return Failure(
            f"database URL is not valid ({_first_line(str(exc))}); write e.g. "
            "sqlite:///var/qcity.sqlite or postgresql+psycopg://user@host:5432/qcity "
            "(--db or $QCITY_DATABASE_URL)"
        )
    if not isinstance(exc, sa.DBAPIError):
        return None
    url = getattr(exc, "qcity_url", None) or "the database"
    detail = _first_line(str(exc.orig)) if exc.orig is not None else _first_line(str(exc))
    low = detail.lower()
    if "file is not a database" in low or "file is encrypted" in low:
        return Failure(
            f"{url} is not a SQLite database ({detail}); point --db at a qcity database "
            "or build one with `qcity demo` or `qcity db upgrade`"
        )
    if any(w in low for w in ("disk is full", "no space left", "disk full")):
        return Failure(
            f"{url}: the disk is full ({detail}); free some space and run again "
            "(the transaction was rolled back: nothing was stored)"
        )
    if "disk i/o error" in low:
        return Failure(
            f"{url}: disk I/O error ({detail}); check the disk holding the database: "
            "full, read-only or failing, and the file's permissions"
        )
    if "database is locked" in low:
        return Failure(f"{url} is busy (locked by another program); try again in a moment")
    if "readonly database" in low or "read-only" in low or "read only" in low:
        return Failure(f"{url} is read-only ({detail}); check the file's permissions")
    if "no such table" in low or ("relation" in low and "does not exist" in low):
        return Failure(
            f"{url} has no qcity tables ({detail}); run `qcity db upgrade --db URL` first"
        )
    if "permission denied" in low:
        return Failure(f"{url}: permission denied ({detail}); ask the database administrator")
    if isinstance(exc, sa.OperationalError):
        if "unable to open database file" in low:
            return Failure(
                f"cannot open {url} ({detail}); check that its folder exists and is writable"
            )
        return Failure(
            f"cannot connect to {url} ({detail}); check that the server is running and the "
            "URL (--db or $QCITY_DATABASE_URL) is right"
        )
    return None


def _missing_module(exc: BaseException) -> Failure | None:
    """A driver or optional package that is not installed."""
    if not isinstance(exc, ModuleNotFoundError):
        return None
    name = (exc.name or "").split(".")[0]
    if not name or name == "qcity":
        return None
    if name == "psycopg":
        return Failure("PostgreSQL needs psycopg: pip install 'qcity[postgres]'")
    if name == "psycopg2":
        return Failure(
            "the URL asks for the psycopg2 driver; write postgresql+psycopg://... "
            "(psycopg 3, installed with qcity) instead"
        )
    return Failure(f"the Python package {name!r} is not installed: pip install {name}")


def _os_error(exc: BaseException) -> Failure | None:
    """Missing files, folders given for files, permissions, full disks."""
    if not isinstance(exc, OSError) or exc.errno is None:
        return None
    name = exc.filename if exc.filename is not None else "a file"
    reason = exc.strerror or ""
    if isinstance(exc, FileNotFoundError):
        return Failure(f"file not found: {name}; check the path")
    if isinstance(exc, IsADirectoryError):
        return Failure(f"{name} is a folder; give the path of a file")
    if isinstance(exc, NotADirectoryError):
        return Failure(f"{name}: a part of the path is a file, not a folder")
    if isinstance(exc, PermissionError):
        return Failure(
            f"permission denied: {name} (it, or the folder it is in, cannot be written); "
            "check its permissions or choose another path"
        )
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "disk full" if exc.errno == errno.ENOSPC else "disk quota exceeded"
        return Failure(
            f"{what} while writing {name} (no space left on the device); free some space "
            "and run again"
        )
    if exc.errno == errno.EROFS:
        return Failure(f"{name} is on a read-only file system; choose another path")
    return Failure(f"{name}: {reason or exc}")


def _file_format(exc: BaseException) -> Failure | None:
    """A file that is neither text in a known encoding nor an Excel workbook."""
    import zipfile

    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start : exc.start + 1].hex()
        return Failure(
            f"a file is not {exc.encoding} text (byte 0x{byte} at position {exc.start}); "
            "save it as UTF-8 (CSV UTF-8 in Excel)"
        )
    if isinstance(exc, zipfile.BadZipFile) or type(exc).__name__ == "InvalidFileException":
        return Failure(
            f"a file is not an Excel workbook ({_first_line(str(exc))}); open it in Excel and "
            "save it as .xlsx, or save it as CSV UTF-8"
        )
    return None
