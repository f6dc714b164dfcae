"""The examples in docs/ run as written: on each page, the ```bash and ```python blocks are
run in order in a scratch folder that has the repository's examples/ and frameworks/
(plus any file the page says to save), with `qcity` on the PATH and a database of its own.
Reference-only command lists use ```console fences and are not run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
SAVE_AS = re.compile(r"(?:Save this as|保存为) `([^`]+)`")
RUNNABLE = ("bash", "python")
PAGES = [
    page
    for page in sorted((REPO / "docs").glob("*/*.md"))
    if any(m.group(1) in RUNNABLE for m in BLOCK.finditer(page.read_text("utf-8")))
]


def _prepare(page: Path, folder: Path) -> None:
    """Link the shipped material and write the files the page asks the reader to save."""
    for name in ("examples", "frameworks", "tools"):
        (folder / name).symlink_to(REPO / name)
    text = page.read_text("utf-8")
    for match in SAVE_AS.finditer(text):
        block = BLOCK.search(text, match.end())
        assert block is not None, f"{page}: nothing to save after {match.group(0)}"
        (folder / match.group(1)).write_text(block.group(2), encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.name}" for p in PAGES])
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _prepare(page, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'qcity.sqlite'}")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    for n, block in enumerate(BLOCK.finditer(page.read_text("utf-8"))):
        kind, code = block.group(1), block.group(2)
        if kind == "bash":
            done = subprocess.run(
                ["bash", "-e", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, f"{page.name} block {n}:\n{code}\n{done.stderr}"
        elif kind == "python":
            exec(compile(code, f"{page.name} block {n}", "exec"), namespace)
        else:
            continue
        ran += 1
    assert ran > 0
