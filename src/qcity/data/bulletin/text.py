"""A bulletin's text: decoded (UTF-8 or GB18030), NFKC-normalised, cut into sentences and
clauses, with the qualifiers (初步核算, 快报 ...) each sentence carries.

Positions matter downstream (a number belongs to the subject before it in its clause), so
nothing here reorders text; a clause is a slice of its sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qcity import errors
from qcity.data.bulletin.tables import read_tables
from qcity.data.readers import FileReadError, decode_csv


class BulletinReadError(errors.InputError, ValueError):
    """A bulletin file that cannot be read as text (missing, binary, another encoding)."""


#: Sentence ends: 。；！？ and line breaks (headings stand on their own lines).
_SENTENCE_END = re.compile(r"[。；;！？!?\n]+")

#: Clause separators (read on narrowed text: ，and ：are , and :): a comma or colon, except
#: a thousands separator (1,557.22) and the colon of a ratio (1.73:1).
_CLAUSE_SEP = re.compile(r"(?<!\d)[,:]|,(?!\d{3})|:(?!\d)")

#: Words by which a bulletin says its figures are not final, longest first.
QUALIFIERS: tuple[str, ...] = (
    "初步核算",
    "初步统计",
    "统计快报",
    "快报",
    "预计",
    "初步",
)

#: Control characters that text never holds (a binary file decoded by luck does).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


#: Full-width ASCII forms (１２３．４５％，（）：) and the ideographic space mapped one to
#: one onto ASCII: positions stay those of the original text, which is what is shown.
WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def narrow(text: str) -> str:
    """``text`` with full-width ASCII forms as ASCII (same length, same positions)."""
    return text.translate(WIDTH)


@dataclass
class Sentence:
    """One sentence: its number (1-based, in reading order), its text with full-width
    forms narrowed (``text``, what is read) and as written (``original``, what is shown),
    its clauses as ``(start, end)`` slices, and the qualifiers it carries."""

    number: int
    text: str
    original: str
    clauses: list[tuple[int, int]] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)


def decode_bulletin(data: bytes, name: str) -> tuple[str, str]:
    """The text of a bulletin file and its encoding (UTF-8, with or without BOM, else
    GB18030 — the encoding of Chinese Windows), as written. ``BulletinReadError`` naming
    the file for anything else."""
    try:
        text, encoding = decode_csv(data, name)
    except FileReadError:
        raise BulletinReadError(
            f"{name}: neither UTF-8 nor GB18030 text; save the bulletin as plain text "
            "(记事本/WPS: 另存为 .txt, 编码 UTF-8) / 不是 UTF-8 或 GB18030 文本"
        ) from None
    if _CONTROL.search(text):
        raise BulletinReadError(
            f"{name}: not a text file (it holds control characters); save the bulletin as "
            "plain text (.txt) / 不是纯文本文件"
        )
    if not text.strip():
        raise BulletinReadError(f"{name}: the file is empty / 文件为空")
    return text, encoding


def qualifiers_in(text: str) -> list[str]:
    """The qualifiers a piece of text states, longest first, none contained in another
    found one (``初步核算`` hides ``初步``)."""
    found: list[str] = []
    for q in QUALIFIERS:
        if q in text and not any(q in f for f in found):
            found.append(q)
    return found


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` (blank ones dropped), each cut into clauses; a row of a
    flattened table is one sentence, read as the sentence it stands for (``tables``)."""
    out: list[Sentence] = []
    lines = text.splitlines()
    rows = read_tables([narrow(line) for line in lines])
    pieces = [
        (line.strip(), row) if row is not None else (part.strip(), None)
        for line, row in zip(lines, rows, strict=True)
        for part in ([line] if row is not None else _SENTENCE_END.split(line))
    ]
    for original, row in pieces:
        s = row if row is not None else narrow(original)
        if not s:
            continue
        seps = list(_CLAUSE_SEP.finditer(s))
        starts = [0, *(m.end() for m in seps)]
        ends = [*(m.start() for m in seps), len(s)]
        clauses = list(zip(starts, ends, strict=True))
        out.append(
            Sentence(
                number=len(out) + 1,
                text=s,
                original=original,
                clauses=[(a, b) for a, b in clauses if b > a],
                qualifiers=qualifiers_in(s),
            )
        )
    return out


def note_qualifiers(sentences: list[Sentence]) -> list[str]:
    """Qualifiers stated in the bulletin's notes (``注：本公报中部分数据为初步统计数``):
    they apply to every figure, so they are kept with each."""
    found: list[str] = []
    for s in sentences:
        if s.text.startswith(("注", "说明", "附注")):
            found += [q for q in s.qualifiers if q not in found]
    return found


#: A bulletin's title: ``溧阳市2023年国民经济和社会发展统计公报``.
_TITLE = re.compile(r"(?P<year>\d{4})\s*年[^。,]{0,30}?统计公报")


def title_year(sentences: list[Sentence]) -> int | None:
    """The year a bulletin's title names (looked for in its first three lines), or None."""
    for s in sentences[:3]:
        m = _TITLE.search(s.text)
        if m is not None:
            return int(m["year"])
    return None


#: The place a title names, before or after its year: ``溧阳市2023年…统计公报``,
#: ``2022年云和县国民经济和社会发展统计公报``.
_TITLE_PLACE = re.compile(
    r"(?P<before>[\u4e00-\u9fff]{2,14}?)?\s*\d{4}\s*年\s*(?P<after>[\u4e00-\u9fff]{2,14}?)?"
    r"\s*(?:国民经济和社会发展)?统计公报"
)

#: The last character of a place's name that says what kind of place it is.
_PLACE_KIND = "市区县旗镇乡州"


def title_place(sentences: list[Sentence]) -> tuple[str, ...]:
    """The place a bulletin's title names and its short form (``溧阳市``, ``溧阳``), which
    frame a figure as 全市 does; for a title naming the city before the district
    (``南湖市东坡区``), the district and its short form too; empty without such a title."""
    for s in sentences[:3]:
        m = _TITLE_PLACE.search(s.text)
        if m is None:
            continue
        place = m["before"] or m["after"]
        if not place:
            return ()
        # 南湖市东坡区: the district is the place (its city is another subject)
        parts = re.findall(rf"[^{_PLACE_KIND}]+[{_PLACE_KIND}]", place)
        last = parts[-1] if len(parts) > 1 and len(parts[-1]) > 2 else place
        names = [place] if last == place else [place, last]
        if last[-1] in _PLACE_KIND and len(last) > 2:
            names.append(last[:-1])
        return tuple(names)
    return ()
