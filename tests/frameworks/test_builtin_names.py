"""The shipped frameworks are the YAML files of ``qcity.frameworks``, not the files saved
beside them (``liyang.names.yaml`` of the yearbook import)."""

from __future__ import annotations

from pathlib import Path

import pytest

import qcity.frameworks as shipped


def test_a_names_file_beside_a_framework_is_not_a_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "liyang.yaml").write_text("code: liyang\n", encoding="utf-8")
    (tmp_path / "liyang.names.yaml").write_text("names: {}\n", encoding="utf-8")
    monkeypatch.setattr(shipped, "DIRECTORY", tmp_path)
    assert shipped.builtin_names() == ["liyang"]
