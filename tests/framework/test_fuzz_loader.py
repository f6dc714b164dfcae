"""Fuzzing the framework loader: whatever the text, ``parse_framework`` returns a
framework or raises ``FrameworkError`` whose every problem names the file and says what
is wrong; ``load_framework`` does the same for arbitrary bytes. Never another exception."""

from __future__ import annotations

import copy
import io
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from qcity.cli.framework import framework_tree
from qcity.framework.io import FrameworkError, load_framework, parse_framework
from qcity.framework.model import Framework
from qcity.framework.validate import check_document
from qcity.framework.yaml_lines import MAX_DEPTH, MAX_NODES, LineMap, YamlDocument

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"
LIYANG_DATA: dict[str, Any] = yaml.safe_load(LIYANG.read_text(encoding="utf-8"))
NAME = "fuzz.yaml"

FUZZ = settings(
    max_examples=int(os.environ.get("QCITY_FUZZ_EXAMPLES", "150")),  # more: a longer hunt
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def assert_loads_or_explains(text: str) -> Framework | None:
    """Parse ``text``: a framework, or a FrameworkError whose problems name the file and
    carry a message (any other exception fails the test)."""
    try:
        return parse_framework(text, NAME)
    except FrameworkError as exc:
        assert exc.problems, "a FrameworkError must list its problems"
        for p in exc.problems:
            assert p.file == NAME
            assert p.message.strip()
            assert p.line is None or p.line >= 1
        assert NAME in str(exc)
        return None


def dump(data: Any) -> str:
    """YAML text of ``data`` (Unicode kept, like a hand-written file)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)


# -- arbitrary text -------------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(
        [*"abc:-[]{},&*!?|>#'\"\n\t 0123.eE+\\%@`<=~", "指", "\u00a0", "\ufeff"]
    ),
    max_size=120,
)


TAGS = ["int", "float", "bool", "null", "str", "binary", "timestamp", "set", "omap", "pairs",
        "seq", "map", "merge", "python/tuple", "python/name:os.system"]  # fmt: skip
TAGGED = st.lists(
    st.tuples(
        st.sampled_from(["a", "code", "weight", "root", "? x", "- x"]),
        st.sampled_from(TAGS),
        st.sampled_from(["x", "1", "0x", "maybe", "2001-13-45", "[1, 2]", "{a: 1}", "&a [*a]", ""]),
    ),
    min_size=1,
    max_size=4,
).map(lambda lines: "".join(f"{k}: !!{tag} {v}\n" for k, tag, v in lines))


@FUZZ
@given(st.one_of(st.text(max_size=200), YAMLISH, TAGGED))
def test_arbitrary_text_fails_only_with_framework_error(text: str) -> None:
    assert assert_loads_or_explains(text) is None


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_in_a_file_fail_only_with_framework_error(
    tmp_path: Path, raw: bytes
) -> None:
    path = tmp_path / NAME
    path.write_bytes(raw)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert all(p.file == str(path) and p.message for p in info.value.problems)


# -- arbitrary YAML-shaped structures ----------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["code", "root", "children", "weight", "1/0", "nan", "2020-01-01"]),
)
KEYS = st.one_of(
    st.sampled_from(
        [
            "code",
            "version",
            "name_zh",
            "name_en",
            "valid_from",
            "valid_to",
            "root",
            "children",
            "weight",
            "direction",
            "goalposts",
            "targets",
            "normalise",
            "method",
            "params",
            "pipeline",
            "defaults",
        ]
    ),
    st.text(max_size=8),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)


@FUZZ
@given(STRUCTURES)
def test_arbitrary_structures_fail_only_with_framework_error(data: Any) -> None:
    assert_loads_or_explains(dump(data))


@FUZZ
@given(STRUCTURES)
def test_check_document_on_plain_data_returns_problems(data: Any) -> None:
    """``check_document`` (the validator behind the loader) copes with any data."""
    framework, problems = check_document(YamlDocument(data, LineMap()), NAME)
    assert framework is not None or problems


# -- mutations of the real framework ---------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and index path inside ``value``."""
    out: list[tuple[Any, ...]] = []
    items = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list)
        else ()
    )  # fmt: skip
    for k, v in items:
        out.append((*prefix, k))
        out.extend(_paths(v, (*prefix, k)))
    return out


def _first_dimension(data: dict[str, Any]) -> dict[str, Any]:
    """Liyang cut to its first dimension: every kind of key the file has, a fifth of the
    size (five times faster to fuzz)."""
    small = copy.deepcopy(data)
    small["root"]["children"] = small["root"]["children"][:1]
    return small


LIYANG_SMALL = _first_dimension(LIYANG_DATA)
LIYANG_PATHS = _paths(LIYANG_SMALL)
REPLACEMENTS = st.one_of(
    SCALARS, st.just([]), st.just({}), st.just([1, "x"]), st.just({"a": 1}), st.just(-1)
)


def _mutate(data: Any, path: tuple[Any, ...], how: str, new: Any) -> Any:
    """``data`` with the value at ``path`` deleted, replaced by ``new``, or swapped for a
    list / dict / string holding it."""
    data = copy.deepcopy(data)
    parent = data
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    if how == "delete":
        del parent[key]
    elif how == "replace":
        parent[key] = new
    elif how == "wrap":
        parent[key] = [parent[key]]
    elif how == "stringify":
        parent[key] = str(parent[key])
    else:  # "dict"
        parent[key] = {"value": parent[key]}
    return data


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(LIYANG_PATHS),
        st.sampled_from(["delete", "replace", "wrap", "stringify", "dict"]),
        REPLACEMENTS,
    ),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(MUTATIONS)
def test_mutated_liyang_fails_only_with_framework_error(mutations: list[Any]) -> None:
    data: Any = LIYANG_SMALL
    for path, how, new in mutations:
        try:
            data = _mutate(data, path, how, new)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or reshaped this path
    framework = assert_loads_or_explains(dump(data))
    if framework is not None:  # what loads can be shown (qcity show)
        shown = io.StringIO()
        Console(file=shown, width=120).print(framework_tree(framework, show_all=True))
        assert framework.root.code in shown.getvalue()


def test_unmutated_liyang_loads() -> None:
    """The fuzzed mutations start from frameworks that load."""
    assert assert_loads_or_explains(dump(LIYANG_DATA)) is not None
    assert assert_loads_or_explains(dump(LIYANG_SMALL)) is not None


# -- hand-picked hostile files ---------------------------------------------------------------

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("- a\n- b\n", "mapping"),
        ("42\n", "mapping"),
        ("a: &a [*a]\n", "alias"),
        ("a: !!int xx\n", "cannot read"),
        ("a: !!timestamp xx\n", "cannot read"),
        ("a: !!bool maybe\n", "cannot read"),
        ("a: !!binary ZZZ\n", "base64"),
        ("a: !!python/object:os.system x\n", "constructor"),
        ("? [a, b]\n: 1\n", "plain value"),
        ("a: " + "[" * 1200 + "]" * 1200 + "\n", "nested too deeply"),
        ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 200)), "nested"),
        (LAUGHS, f"more than {MAX_NODES}"),
        ("code: x\ncode: y\n", "given 2 times"),
        ("code: x\nversion: .nan\nvalid_from: .inf\nvalid_to: 1.0e999999\n", "finite"),
        ("1: x\n2.5: y\nnull: z\ntrue: w\n", "code"),
        ("a: 1\n---\nb: 2\n", "single document"),
        ("%YAML 9.9\n---\na: 1\n", "incompatible"),
        ("x: &x {a: 1}\ny:\n  <<: *x\n  <<: 5\n", "merging"),
    ],
)
def test_hostile_text_is_explained(text: str, needle: str) -> None:
    with pytest.raises(FrameworkError) as info:
        parse_framework(text, NAME)
    assert needle in str(info.value)


def test_nesting_limit_is_far_above_a_framework() -> None:
    """The depth limit rejects nothing a framework needs (Liyang is four levels deep)."""
    deepest = max(len(p) for p in _paths(LIYANG_DATA))
    assert deepest < MAX_DEPTH / 4


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfec\x00o\x00d\x00e\x00", "code: 指标\n".encode("gb18030"), b"\x00\x01\x02garbage"],
)
def test_undecodable_files_name_the_encoding(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / NAME
    path.write_bytes(raw)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    problem = info.value.problems[0]
    assert problem.file == str(path)
    assert "UTF-8" in problem.message + problem.hint or "not allowed" in problem.message


def test_nan_weight_is_a_problem_not_a_crash() -> None:
    data = copy.deepcopy(LIYANG_DATA)
    data["root"]["children"][0]["weight"] = math.nan
    with pytest.raises(FrameworkError, match="weight"):
        parse_framework(dump(data), NAME)
