"""``qcity.data.atomic``: a file or folder appears whole or not at all. A write that fails
(here a full disk, simulated by a file object whose ``write`` raises ENOSPC after half of
the data, as the kernel does) leaves neither the file nor a temporary one, and an existing
destination as it was; a folder published over an earlier one replaces its files, drops
the stale ones, keeps the others, and is undone when a file cannot be replaced."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest

from qcity.data.atomic import atomic_file, atomic_folder
from tests.fs_faults import immutable, make_immutable

__all__ = ["immutable"]  # the fixture, used here


class _FullDisk:
    """A text file whose writes stop half-way with ENOSPC (no file name: the kernel's)."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("w", encoding="utf-8")

    def write(self, data: str) -> int:
        self._fh.write(data[: len(data) // 2])
        self._fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self) -> None:
        self._fh.close()


def _write_on_full_disk(path: Path) -> None:
    fh = _FullDisk(path)
    try:
        fh.write("unit,score\n" * 100)
    finally:
        fh.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_file_that_fails_half_way_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    with pytest.raises(OSError) as caught, atomic_file(target) as tmp:
        _write_on_full_disk(tmp)
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(target)  # the file asked for, not the temporary one
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_a_file_that_fails_keeps_the_earlier_one(tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    target.write_text("earlier\n", encoding="utf-8")
    with pytest.raises(OSError), atomic_file(target) as tmp:
        _write_on_full_disk(tmp)
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert _leftovers(tmp_path) == []


def test_a_file_written_whole_keeps_its_suffix_while_written(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    with atomic_file(target) as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".xlsx" and tmp != target
        pd.DataFrame({"a": [1]}).to_excel(tmp, index=False)
        assert not target.exists()
    assert pd.read_excel(target)["a"].tolist() == [1]
    assert _leftovers(tmp_path) == []


def test_a_folder_that_fails_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OSError) as caught, atomic_folder(out) as tmp:
        (tmp / "scores.csv").write_text("ok\n", encoding="utf-8")
        _write_on_full_disk(tmp / "weights.csv")
    assert caught.value.filename == str(out)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_a_folder_over_an_earlier_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name, text in (("scores.csv", "old"), ("NOTICE.txt", "old"), ("mine.txt", "keep")):
        (out / name).write_text(text, encoding="utf-8")
    with atomic_folder(out, stale={"NOTICE.txt", "scores.csv"}) as tmp:
        (tmp / "scores.csv").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt", "scores.csv"]
    assert (out / "scores.csv").read_text(encoding="utf-8") == "new"
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"
    assert _leftovers(tmp_path) == [] and _leftovers(out) == []


def test_a_folder_whose_file_cannot_be_replaced_is_left_as_it_was(
    tmp_path: Path, immutable: list[Path]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.csv", "b.csv", "c.csv"):
        (out / name).write_text(f"old {name}", encoding="utf-8")
    make_immutable(out / "b.csv", immutable)
    with pytest.raises(PermissionError) as caught, atomic_folder(out) as tmp:
        for name in ("a.csv", "b.csv", "c.csv"):
            (tmp / name).write_text(f"new {name}", encoding="utf-8")
    assert caught.value.filename == str(out / "b.csv")
    for name in ("a.csv", "b.csv", "c.csv"):  # not a mix of this run's files and the last's
        assert (out / name).read_text(encoding="utf-8") == f"old {name}"
    assert _leftovers(out) == [] and _leftovers(tmp_path) == []


def test_a_results_folder_in_a_folder_that_cannot_be_written(
    tmp_path: Path, immutable: list[Path]
) -> None:
    """Only the results folder itself is writable: the files are staged inside it."""
    out = tmp_path / "common" / "out"
    out.mkdir(parents=True)
    (out / "scores.csv").write_text("old", encoding="utf-8")
    make_immutable(tmp_path / "common", immutable)
    with atomic_folder(out, stale={"NOTICE.txt"}) as tmp:
        (tmp / "scores.csv").write_text("new", encoding="utf-8")
        (tmp / "weights.csv").write_text("new", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["scores.csv", "weights.csv"]
    assert (out / "scores.csv").read_text(encoding="utf-8") == "new"


def test_a_link_to_an_empty_folder_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    with atomic_folder(tmp_path / "out") as tmp:
        (tmp / "scores.csv").write_text("new", encoding="utf-8")
    assert (tmp_path / "out").is_symlink()
    assert (tmp_path / "real" / "scores.csv").read_text(encoding="utf-8") == "new"
