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
    except IsADirectoryError:
        return None, [Problem(name, None, "", "this is a folder", "give the framework YAML file")]
    except PermissionError:
        return None, [Problem(name, None, "", "permission denied", "check the file's permissions")]
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return None, [Problem(name, None, "", f"cannot read file: {reason}", "check the path")]
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
    """Say so when the bytes are UTF-16 (a BOM) or read as GB18030 (the usual Chinese
    Windows encoding)."""
    if raw[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        return "the file is UTF-16 (Unicode): save it as UTF-8"
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
        return None, [Problem(filename, line, "", f"YAML syntax error: {what}", _hint(what))]
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or " ")
        return None, [
            Problem(
                filename,
                line,
                "",
                f"character U+{char:04X} is not allowed in YAML text",
                "this does not look like a YAML text file; remove the character or give "
                "the framework's .yaml file",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(filename, None, "", f"YAML error: {exc}", _SYNTAX_HINT)]
    return doc, []


def _hint(what: str) -> str:
    """What to do about a YAML error, by what it says."""
    if "\\t" in what or "tab" in what:
        return _TAB_HINT
    if "nested too deeply" in what or "values once aliases" in what:
        return "a framework needs a few levels of nesting; remove the deep or repeated structure"
    if "alias" in what and "anchor" in what:
        return "remove the alias from inside its own anchor"
    if "cannot read" in what or "constructor for the tag" in what:
        return "remove the !!tag or write the value plainly (quote it to keep it as text)"
    return _SYNTAX_HINT
