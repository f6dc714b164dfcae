"""docs/*/security.md names the tests that hold each promise: every test file and test it
names exists, so that the page cannot go on citing a test that was renamed or removed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import REPO

PAGES = [REPO / "docs" / lang / "security.md" for lang in ("en", "zh")]
CITE = re.compile(r"`(tests/[\w/]+\.py)?(::\w+)?`")


def _citations(page: Path) -> list[tuple[str, str | None]]:
    """(test file, test name or None) of every citation; a bare ``::name`` refers to the
    last file named before it."""
    out: list[tuple[str, str | None]] = []
    last: str | None = None
    for path, name in CITE.findall(page.read_text("utf-8")):
        if not path and not name:
            continue
        last = path or last
        assert last is not None, f"{page.name}: {name} cited before any test file"
        out.append((last, name[2:] if name else None))
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p.parent.name for p in PAGES])
def test_every_cited_test_exists(page: Path) -> None:
    cited = _citations(page)
    assert len(cited) >= 40  # the page cites the tests of every promise
    for path, name in cited:
        source = REPO / path
        assert source.is_file(), f"{page.parent.name}/security.md cites missing {path}"
        if name is not None:
            assert re.search(rf"^def {name}\(", source.read_text("utf-8"), re.M), (
                f"{page.parent.name}/security.md cites {path}::{name}, which is not there"
            )


def test_both_languages_cite_the_same_tests() -> None:
    en, zh = (set(_citations(p)) for p in PAGES)
    assert en == zh
