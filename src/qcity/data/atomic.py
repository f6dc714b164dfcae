"""All-or-nothing output: a file or a folder of files is written under a temporary name
beside its destination and renamed into place only when the whole write succeeded, so a
failure (an error, a full disk, an interrupt) leaves nothing behind — no truncated CSV,
no half a results folder.

    with atomic_file(out / "report.docx") as tmp:
        document.save(tmp)                 # report.docx appears only now

    with atomic_folder(out, stale={"NOTICE.txt"}) as tmp:
        write_everything(tmp)              # then the files move into ``out``

Nested use is fine: a folder written into ``tmp`` is itself published by rename.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

PART = ".part"
"""Marks the temporary names (``.scores.<token>.part.csv``, ``.out.<token>.part``)."""


def part_name(path: Path) -> Path:
    """A fresh hidden sibling of ``path`` that keeps its suffix (writers that choose the
    format by suffix still work)."""
    token = uuid.uuid4().hex[:12]
    return path.with_name(f".{path.stem}.{token}{PART}{path.suffix}")


def _named(exc: BaseException, path: Path) -> None:
    """Give an OS error without a file name (a full disk raised by a low-level write) the
    name of what was being written, so the message can say which output failed."""
    if isinstance(exc, OSError) and exc.filename is None:
        exc.filename = str(path)


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path`` in one rename
    (the folder is created first), on any failure it is removed and ``path`` is as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        _named(exc, path)
        raise


@contextmanager
def atomic_folder(out: Path, stale: Iterable[str] = ()) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``out`` to write the files into.

    On success a missing or empty ``out`` is replaced by it in one rename; otherwise each
    file moves into ``out`` by rename (replacing the file of the same name) and the
    ``stale`` names it did not write are removed from ``out`` (an earlier run's file must
    not pass for this run's); other files in ``out`` are kept. On any failure the
    temporary folder is removed and ``out`` is untouched."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(20, "not a folder", str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_name(out)
    tmp.mkdir()
    try:
        yield tmp
        _publish(tmp, out, set(stale))
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _named(exc, out)
        raise


def _publish(tmp: Path, out: Path, stale: set[str]) -> None:
    """Move the files of ``tmp`` into ``out`` (see ``atomic_folder``)."""
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        os.replace(tmp, out)
        return
    names = {p.name for p in tmp.iterdir()}
    for name in sorted(stale - names):
        (out / name).unlink(missing_ok=True)
    for name in sorted(names):
        target = out / name
        if target.is_dir() and not (tmp / name).is_dir():
            raise IsADirectoryError(21, "a folder is in the way", str(target))
        os.replace(tmp / name, target)
    tmp.rmdir()


def moved(paths: Iterable[Path], out: Path) -> list[Path]:
    """``paths`` written in a temporary folder, as they are named once published in
    ``out``."""
    return [Path(out) / Path(p).name for p in paths]
