"""Line-keeping YAML reader."""

from __future__ import annotations

import pytest
import yaml

from qcity.framework.yaml_lines import LineMap, load_yaml_with_lines

TEXT = """\
a: 1
b:
  - x: 1
    y: [1, 2]
  - x: 2
base: &m {p: 1}
merged:
  <<: *m
  q: 2
targets:
  2025: 5
"""


def test_data_matches_safe_load() -> None:
    assert load_yaml_with_lines(TEXT).data == yaml.safe_load(TEXT)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ((), 1),
        (("a",), 1),
        (("b",), 2),
        (("b", 0), 3),
        (("b", 0, "y"), 4),
        (("b", 1, "x"), 5),
        (("merged", "q"), 9),
        (("targets", 2025), 11),
    ],
)
def test_lines_of_keys_and_items(path: tuple[str | int, ...], line: int) -> None:
    assert load_yaml_with_lines(TEXT).lines.exact(path) == line


def test_missing_path_falls_back_to_deepest_ancestor() -> None:
    lines = load_yaml_with_lines(TEXT).lines
    assert lines.line(("b", 1, "nope", "deeper")) == 5
    assert lines.exact(("b", 1, "nope")) is None


def test_duplicate_keys_are_recorded_with_all_lines() -> None:
    doc = load_yaml_with_lines("a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 3, "b": 2}
    assert [(d.path, d.lines) for d in doc.duplicates] == [(("a",), [1, 3])]


def test_empty_document_gives_none() -> None:
    doc = load_yaml_with_lines("# only a comment\n")
    assert doc.data is None
    assert len(doc.lines) == 0


def test_unsafe_tag_is_rejected() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml_with_lines("a: !!python/object:os.system {}\n")


def test_linemap_on_empty_path() -> None:
    assert LineMap().line(("x",)) is None
