"""From a bulletin file to the review table: proposed values with their sentences, the
competing candidates (listed, never taken) and the derived values.

``review.csv`` (``REVIEW_COLUMNS``) is a long-layout import file: ``qcity import`` accepts
it unchanged. After the six columns of the issue it carries ``status`` (``preliminary``:
bulletin figures are preliminary) and ``flag`` (``bulletin``, the qualifiers the text
states such as 初步核算 or 快报, and for a derived value how it was derived), so that a
reviewed file imports with the same status and flag as ``--accept``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qcity.data.bulletin.extract import Candidate, derive_value, resolve, scan
from qcity.data.bulletin.rules import Rules, compile_rules
from qcity.data.bulletin.text import (
    BulletinReadError,
    Sentence,
    decode_bulletin,
    note_qualifiers,
    split_sentences,
    title_year,
)
from qcity.framework.model import Framework

#: The columns of review.csv: the issue's six, then status and flag.
REVIEW_COLUMNS = ["unit", "indicator", "period", "value", "unit_of_measure", "source"]
EXTRA_COLUMNS = ["status", "flag"]

#: Status of every value read from a bulletin.
STATUS = "preliminary"

#: The flag of a value read from a bulletin (qualifiers follow it).
FLAG = "bulletin 公报"

AMBIGUOUS_COLUMNS = ["indicator", "name_zh", "value", "unit_of_measure", "sentence", "source"]


@dataclass
class BulletinResult:
    """What a bulletin yields: ``proposals`` (review columns + ``name_zh``, ``sentence``
    number, ``derived``), ``ambiguous`` (every competing candidate), ``notes`` (values
    not derived and why), the encoding read, the number of sentences and the year its
    title names (None without such a title)."""

    file_name: str
    encoding: str
    sentences: int
    proposals: pd.DataFrame
    ambiguous: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    title_year: int | None = None

    def review(self) -> pd.DataFrame:
        """The review table: ``REVIEW_COLUMNS`` + ``EXTRA_COLUMNS``."""
        return self.proposals[REVIEW_COLUMNS + EXTRA_COLUMNS].reset_index(drop=True)


def _number(value: object) -> str:
    """A decimal as plain text without exponent or trailing zeros (193000, 9.7)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _flag(qualifiers: list[str], extra: str = "") -> str:
    """``bulletin 公报`` with the derivation and the qualifiers the text states."""
    parts = [FLAG, *([extra] if extra else []), *qualifiers]
    return "; ".join(parts)


def _qualifiers(sentences: list[Sentence], notes: list[str]) -> list[str]:
    found: list[str] = []
    for s in sentences:
        found += [q for q in s.qualifiers if q not in found]
    return found + [f"{q} (注)" for q in notes if q not in found]


def _derive(
    rules: Rules,
    taken: dict[str, Candidate],
    found: dict[str, list[Candidate]],
    note_q: list[str],
) -> tuple[list[dict[str, object]], list[str]]:
    """Derived values of the indicators the text does not state but whose rule says how
    to compute them from two taken figures; notes for those that could not be."""
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for code, spec in rules.derive.items():
        if code in found:  # stated (or competing) in the text: never derived over it
            continue
        ka, kb = rules.operands[code]
        ta, tb = rules.targets.get(ka), rules.targets.get(kb)
        target = rules.targets[code]
        missing = [
            (t.label if t else k) for k, t in ((ka, ta), (kb, tb)) if k not in taken or t is None
        ]
        if missing:
            if any(k in found for k in (ka, kb)):
                notes.append(
                    f"{code} {target.label}: not derived, {'、'.join(missing)} not read "
                    "unambiguously / 未派生：运算项不唯一"
                )
            continue
        assert ta is not None and tb is not None
        a, b = taken[ka], taken[kb]
        try:
            value = derive_value(
                spec.op, a.value, ta.store_unit, b.value, tb.store_unit, target.store_unit
            )
        except ValueError as exc:
            notes.append(f"{code} {target.label}: not derived, {exc} / 未派生")
            continue
        how = f"derived 派生: {spec.op} {ta.label} ÷ {tb.label}"
        if spec.note:
            how += f" ({spec.note})"
        rows.append(
            {
                "indicator": code,
                "value": value,
                "source": f"派生 derived = {ta.label} ÷ {tb.label}: "
                f"「{a.sentence.original}」 ÷ 「{b.sentence.original}」",
                "flag": _flag(_qualifiers([a.sentence, b.sentence], note_q), how),
                "sentence": f"{a.sentence.number}+{b.sentence.number}",
                "derived": True,
            }
        )
    return rows, notes


def extract(
    text: str, fw: Framework
) -> tuple[list[Sentence], pd.DataFrame, pd.DataFrame, list[str]]:
    """Sentences, proposals, competing candidates and notes of a bulletin's ``text``
    (columns without unit and period: see ``read_bulletin``)."""
    rules = compile_rules(fw)
    sentences = split_sentences(text)
    note_q = note_qualifiers(sentences)
    found = scan(sentences, rules)
    taken, competing = resolve(found)
    rows: list[dict[str, object]] = [
        {
            "indicator": key,
            "value": c.value,
            "source": c.sentence.original,
            "flag": _flag(_qualifiers([c.sentence], note_q)),
            "sentence": str(c.sentence.number),
            "derived": False,
        }
        for key, c in taken.items()
        if rules.targets[key].is_indicator
    ]
    derived, notes = _derive(rules, taken, found, note_q)
    rows += derived
    order = {ind.code: i for i, ind in enumerate(fw.indicators())}
    rows.sort(key=lambda r: order[str(r["indicator"])])  # framework order
    proposals = pd.DataFrame(
        rows, columns=["indicator", "value", "source", "flag", "sentence", "derived"]
    )
    amb = [
        {
            "indicator": key,
            "name_zh": rules.targets[key].label,
            "value": c.value,
            "unit_of_measure": rules.targets[key].store_unit,
            "sentence": str(c.sentence.number),
            "source": c.sentence.original,
        }
        for key, cands in competing.items()
        for c in cands
    ]
    ambiguous = pd.DataFrame(amb, columns=AMBIGUOUS_COLUMNS)
    proposals["name_zh"] = proposals["indicator"].map(lambda k: rules.targets[k].label)
    proposals["unit_of_measure"] = proposals["indicator"].map(lambda k: rules.targets[k].store_unit)
    return sentences, proposals.reset_index(drop=True), ambiguous, notes


def read_bulletin(path: Path, fw: Framework, unit: str, year: int) -> BulletinResult:
    """Read the bulletin at ``path`` for ``unit`` and ``year`` against ``fw``'s rules.
    ``BulletinReadError`` naming the file when it is missing or not text."""
    if not path.exists():
        raise BulletinReadError(f"{path}: no such file / 文件不存在")
    if not path.is_file():
        raise BulletinReadError(f"{path}: is a folder, not a text file / 是文件夹，不是文本文件")
    text, encoding = decode_bulletin(path.read_bytes(), path.name)
    sentences, proposals, ambiguous, notes = extract(text, fw)
    proposals.insert(0, "unit", unit)
    proposals.insert(2, "period", str(year))
    proposals["value"] = proposals["value"].map(_number)
    proposals["status"] = STATUS
    ambiguous["value"] = ambiguous["value"].map(_number)
    return BulletinResult(
        path.name, encoding, len(sentences), proposals, ambiguous, notes, title_year(sentences)
    )
