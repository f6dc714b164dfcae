"""Read a framework file's bytes as UTF-8 text and its text as YAML, turning every
failure into one Problem with the line it happened on."""

from __future__ import annotations

from pathlib import Path

import yaml

from qcity.framework.problems import Problem
from qcity.framework.yaml_lines import YamlDocument, load_yaml_with_lines

_TAB_HINT = "indent with spaces, never tabs"
_SYNTAX_HINT = (
    "check the indentation (spaces, same depth for keys of one mapping), that every "
    "'key: value' has a space after the colon, and quote values containing ': ' or '#'"
)


def read_source(path: str | Path) -> tuple[str | None, list[Problem]]:
    """The text of ``path`` decoded as UTF-8 (a BOM is allowed), or a problem."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, None, "", "file not found", "check the path")]
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read file: {exc.strerror}", "")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "", _decode_message(raw, exc), _decode_hint(raw))]


def _decode_message(raw: bytes, exc: UnicodeDecodeError) -> str:
    byte = raw[exc.start : exc.start + 1].hex()
    col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    return f"file is not valid UTF-8 (byte 0x{byte} at column {col})"


def _decode_hint(raw: bytes) -> str:
    """Say so when the bytes read as GB18030 (the usual Chinese Windows encoding)."""
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "save the file as UTF-8"
    return (
        "the file looks GBK/GB18030-encoded: save it as UTF-8, e.g. "
        "iconv -f GB18030 -t UTF-8 in.yaml > out.yaml"
    )


def parse_yaml(text: str, filename: str) -> tuple[YamlDocument | None, list[Problem]]:
    """YAML document with lines, or the syntax problem with its line."""
    try:
        doc = load_yaml_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        hint = _TAB_HINT if "\\t" in what or "tab" in what else _SYNTAX_HINT
        return None, [Problem(filename, line, "", f"YAML syntax error: {what}", hint)]
    except yaml.YAMLError as exc:
        return None, [Problem(filename, None, "", f"YAML error: {exc}", _SYNTAX_HINT)]
    return doc, []
