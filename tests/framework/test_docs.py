"""The examples of docs/{en,zh}/framework.md stay runnable and say what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qcity.framework.io import load_framework
from qcity.framework.validate import validate_file

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = [DOCS / "en" / "framework.md", DOCS / "zh" / "framework.md"]


def _example(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(code: tiny\n.*?)```", text, flags=re.S)
    assert match, f"no tiny.yaml example in {page}"
    return match.group(1)


def _sed_edits(page: Path) -> list[tuple[str, str]]:
    """The ``s/old/new/`` edits of the page's sed command."""
    text = page.read_text(encoding="utf-8")
    return re.findall(r"-e 's/(.+?)/(.+?)/'", text)


@pytest.mark.parametrize("page", PAGES, ids=["en", "zh"])
def test_doc_example_is_valid(page: Path, tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(_example(page), encoding="utf-8")
    assert validate_file(path) == []
    fw = load_framework(path)
    assert fw.resolved("EN02", "normalise").method == "minmax"
    assert fw.resolved("ecology", "aggregate").method == "geometric"


@pytest.mark.parametrize("page", PAGES, ids=["en", "zh"])
def test_doc_broken_example_reports_the_documented_problems(page: Path, tmp_path: Path) -> None:
    text = _example(page)
    edits = _sed_edits(page)
    assert len(edits) == 5
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    problems = validate_file(path)
    fields = [p.field for p in problems]
    doc_lines = page.read_text(encoding="utf-8").splitlines()
    assert fields == [
        "economy.weight",
        "EC01.targets.2035",
        "EC01.code",
        "ecology.aggregate.method",
        "EN02.unti",
    ]
    for p in problems:  # the documented table shows each problem's line and field
        assert any(re.search(rf"\b{p.line}\s+{re.escape(p.field)}\s", d) for d in doc_lines)
