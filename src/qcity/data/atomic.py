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

import contextlib
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


def _named(exc: BaseException, tmp: Path, path: Path) -> None:
    """Name ``path`` (what the user asked for), not the temporary ``tmp``, in an OS error:
    an error without a file name (a full disk raised by a low-level write) gets ``path``,
    one naming a file under ``tmp`` gets the file's name under ``path``."""
    if not isinstance(exc, OSError):
        return
    name = exc.filename
    if name is None:
        exc.filename = str(path)
    elif str(name) == str(tmp) or str(name).startswith(str(tmp) + os.sep):
        exc.filename = str(path) + str(name)[len(str(tmp)) :]


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
        _named(exc, tmp, path)
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
    try:
        tmp = _make_temporary(tmp, out)
        yield tmp
        _publish(tmp, out, set(stale))
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _named(exc, tmp, out)
        raise


def _make_temporary(tmp: Path, out: Path) -> Path:
    """Create the temporary folder beside ``out``, or inside ``out`` when only ``out``
    itself can be written (an existing results folder in a folder of someone else's)."""
    try:
        tmp.mkdir()
        return tmp
    except PermissionError:
        if not out.is_dir():
            raise
    inner = out / tmp.name
    inner.mkdir()
    return inner


def _publish(tmp: Path, out: Path, stale: set[str]) -> None:
    """Move the files of ``tmp`` into ``out`` (see ``atomic_folder``): the files they
    replace (and the stale ones) are first renamed aside, then the new ones moved in; if
    any rename fails, every one done is undone, so ``out`` is as it was."""
    beside = tmp.parent != out
    if beside and (not os.path.lexists(out) or (_real_dir(out) and not any(out.iterdir()))):
        os.replace(tmp, out)
        return
    names = sorted(p.name for p in tmp.iterdir())
    aside: list[tuple[Path, Path]] = []  # (original, its name while set aside)
    placed: list[Path] = []
    try:
        for name in sorted(set(names) | stale):
            target = out / name
            if target.is_dir() and not target.is_symlink():
                raise IsADirectoryError(21, "a folder is in the way", str(target))
            if target.exists() or target.is_symlink():
                hidden = part_name(target)
                os.replace(target, hidden)
                aside.append((target, hidden))
        for name in names:
            os.replace(tmp / name, out / name)
            placed.append(out / name)
    except BaseException:
        with contextlib.suppress(OSError):  # best effort: the first error is the one to show
            for path in placed:
                os.replace(path, tmp / path.name)
            for original, hidden in aside:
                os.replace(hidden, original)
        raise
    for _, hidden in aside:
        hidden.unlink(missing_ok=True)
    tmp.rmdir()


def _real_dir(path: Path) -> bool:
    """A folder, not a link to one (a link is kept: the files go where it points)."""
    return path.is_dir() and not path.is_symlink()


def moved(paths: Iterable[Path], out: Path) -> list[Path]:
    """``paths`` written in a temporary folder, as they are named once published in
    ``out``."""
    return [Path(out) / Path(p).name for p in paths]
