"""What an exception that escaped a command or a request means to the user: one short
message, an exit code and an HTTP status. The CLI's handler (``qcity.cli.app``) and the
web's (``qcity.web.app``) both use it; nothing here prints or imports Typer or FastAPI.

The mapping is by type, never by the module an exception came from:

- a ``qcity.errors.QcityError`` (any kind): its message (and hint), the kind's
  ``exit_code`` and ``http_status``;
- the environment, named as such: the database (SQLAlchemy's errors), a driver that is
  not installed, the file system (``OSError``), a file in an unknown encoding or format:
  exit 1, HTTP 503 / 400;
- an interrupt: exit 130;
- anything else is a bug: logged with its traceback (stdlib ``logging``, to the file
  ``error_log()``), shown as ``internal error <id> / 内部错误 <id>``, exit 70 (EX_SOFTWARE
  of sysexits.h), HTTP 500. The id is in the log line, so a report can be matched to it.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from qcity.errors import QcityError, StoreError

#: Set to 1 to get the Python traceback instead of the one-line message.
DEBUG_ENV = "QCITY_DEBUG"
#: The file internal errors are logged to (default: ``error_log()``).
LOG_ENV = "QCITY_ERROR_LOG"

INTERNAL_EXIT = 70
INTERRUPT_EXIT = 130
_MAX_LEN = 300
_LOGGER = "qcity.internal"


@dataclass(frozen=True)
class Failure:
    """The message for the user, the exit code, the HTTP status, and whether it is
    qcity's own bug (then ``error_id`` names its entry in the error log)."""

    message: str
    exit_code: int = 1
    internal: bool = False
    http_status: int = 400
    hint: str | None = None
    error_id: str | None = None


def debug() -> bool:
    """True when ``$QCITY_DEBUG`` asks for tracebacks."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def explain(exc: BaseException, *, nothing_written: bool = False) -> Failure:
    """The failure ``exc`` stands for. ``nothing_written`` says the interrupted command
    writes nothing or in one transaction, so an interrupt left no trace."""
    if isinstance(exc, KeyboardInterrupt):
        tail = "; nothing was written / 未写入任何内容" if nothing_written else ""
        return Failure(f"interrupted / 已中断{tail}", INTERRUPT_EXIT)
    if isinstance(exc, QcityError):
        return _qcity_error(exc)
    for explainer in (_database_error, _missing_module, _os_error):
        failure = explainer(exc)
        if failure is not None:  # the server's environment: a StoreError's status
            return replace(failure, http_status=StoreError.http_status)
    failure = _file_format(exc)
    return failure if failure is not None else internal(exc)


def error_log() -> Path:
    """The file internal errors are logged to: ``$QCITY_ERROR_LOG``, else
    ``errors.log`` in the user's state folder (``$XDG_STATE_HOME/qcity``, by default
    ``~/.local/state/qcity``)."""
    given = os.environ.get(LOG_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state else Path.home() / ".local" / "state"
    return base / "qcity" / "errors.log"


def log_internal(exc: BaseException) -> str:
    """Log ``exc`` with its traceback to ``error_log()`` and return the new error's id
    (12 hex digits). A log that cannot be written is not a second failure: the error
    goes to the ``qcity.internal`` logger's other handlers (if any) only."""
    error_id = secrets.token_hex(6)
    logger = logging.getLogger(_LOGGER)
    path = error_log()
    handler: logging.Handler | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    except OSError:
        handler = None
    try:
        logger.error(
            "internal error %s: %s: %s",
            error_id,
            type(exc).__name__,
            _first_line(str(exc)),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
    finally:
        if handler is not None:
            logger.removeHandler(handler)
            handler.close()
    return error_id


def internal(exc: BaseException) -> Failure:
    """A bug: logged with its traceback (``log_internal``), shown only by its id."""
    error_id = log_internal(exc)
    return Failure(
        f"internal error {error_id} / 内部错误 {error_id} — please report it with this id "
        f"(the details are in {error_log().name}; {DEBUG_ENV}=1 shows the traceback) / "
        "请报告此编号",
        INTERNAL_EXIT,
        internal=True,
        http_status=500,
        error_id=error_id,
    )


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= _MAX_LEN else line[: _MAX_LEN - 1] + "…"


def _message(exc: BaseException) -> str:
    """The text of an exception raised with a message (a KeyError's without its quotes)."""
    if isinstance(exc, KeyError) and type(exc).__str__ is KeyError.__str__:
        return " ".join(str(a) for a in exc.args)
    return str(exc).strip()


def _qcity_error(exc: QcityError) -> Failure:
    """One of qcity's own errors: its text and hint, its kind's exit code and status."""
    message = _message(exc) or type(exc).__name__
    hint = getattr(exc, "hint", None)
    hint = hint if isinstance(hint, str) and hint.strip() else None
    if hint is not None and hint not in message:
        message = f"{message}; {hint}"
    return Failure(message, exc.exit_code, http_status=exc.http_status, hint=hint)


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
