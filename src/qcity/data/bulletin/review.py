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
from typing import NamedTuple

import pandas as pd

from qcity.data.bulletin.extract import Candidate, Context, derive_value, resolve, scan
from qcity.data.bulletin.rules import Rules, compile_rules
from qcity.data.bulletin.text import (
    BulletinReadError,
    Sentence,
    decode_bulletin,
    note_qualifiers,
    split_sentences,
    title_place,
    title_year,
)
from qcity.framework.model import Framework

#: The columns of review.csv: the issue's six, then status and flag, then ``refused``: the
#: candidates a qualifier refused for the same indicator, each with its reason (the
#: import ignores it; it is there for the clerk).
REVIEW_COLUMNS = ["unit", "indicator", "period", "value", "unit_of_measure", "source"]
EXTRA_COLUMNS = ["status", "flag"]
REFUSED_COLUMN = "refused"

#: Status of every value read from a bulletin.
STATUS = "preliminary"

#: The flag of a value read from a bulletin (qualifiers follow it).
FLAG = "bulletin 公报"

AMBIGUOUS_COLUMNS = ["indicator", "name_zh", "value", "unit_of_measure", "sentence", "source"]
REFUSED_COLUMNS = [
    "indicator",
    "name_zh",
    "value",
    "unit_of_measure",
    "sentence",
    "reason",
    "source",
]


@dataclass
class BulletinResult:
    """What a bulletin yields: ``proposals`` (review columns + ``name_zh``, ``sentence``
    number, ``derived``), ``ambiguous`` (every competing candidate), ``notes`` (values
    not derived and why), the encoding read, the number of sentences, the year its
    title names (None without such a title), ``refused`` (candidates a qualifier refused,
    with the reason) and ``looked_for`` (the indicators searched for)."""

    file_name: str
    encoding: str
    sentences: int
    proposals: pd.DataFrame
    ambiguous: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    title_year: int | None = None
    refused: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REFUSED_COLUMNS))
    looked_for: list[str] = field(default_factory=list)

    def review(self) -> pd.DataFrame:
        """The review table: ``REVIEW_COLUMNS`` + ``EXTRA_COLUMNS`` + ``refused``."""
        cols = [*REVIEW_COLUMNS, *EXTRA_COLUMNS, REFUSED_COLUMN]
        return self.proposals[cols].reset_index(drop=True)


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
        if code in found:  # stated (competing or refused) in the text: never derived over it
            continue
        ka, kb = rules.operands[code]
        ta, tb = rules.targets.get(ka), rules.targets.get(kb)
        target = rules.targets[code]
        missing = [k for k, t in ((ka, ta), (kb, tb)) if k not in taken or t is None]
        if missing:
            if any(k in found for k in (ka, kb)):
                why = [
                    f"{t.label if t else k} "
                    + (
                        "competing or refused / 不唯一或未采用"
                        if k in found
                        else "not stated / 未给出"
                    )
                    for k, t in ((ka, ta), (kb, tb))
                    if k not in taken or t is None
                ]
                notes.append(f"{code} {target.label}: not derived / 未派生: {'; '.join(why)}")
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


class Extraction(NamedTuple):
    """What ``extract`` finds: the sentences, the proposals, the competing candidates
    (none taken), notes on values not derived, and the candidates a qualifier refused
    (``REFUSED_COLUMNS``, with the reason)."""

    sentences: list[Sentence]
    proposals: pd.DataFrame
    ambiguous: pd.DataFrame
    notes: list[str]
    refused: pd.DataFrame


def _candidate_rows(rules: Rules, by_key: dict[str, list[Candidate]]) -> list[dict[str, object]]:
    """One row per candidate of an indicator (derive terms are not shown), each once."""
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, object, int]] = set()
    for key, cands in by_key.items():
        if not rules.targets[key].is_indicator:
            continue
        for c in cands:
            if (key, c.value, c.sentence.number) in seen:
                continue
            seen.add((key, c.value, c.sentence.number))
            rows.append(
                {
                    "indicator": key,
                    "name_zh": rules.targets[key].label,
                    "value": c.value,
                    "unit_of_measure": rules.targets[key].store_unit,
                    "sentence": str(c.sentence.number),
                    "reason": c.reason,
                    "source": c.sentence.original,
                }
            )
    return rows


def extract(text: str, fw: Framework, year: int | None = None) -> Extraction:
    """Sentences, proposals, competing candidates, notes and refused candidates of a
    bulletin's ``text`` (columns without unit and period: see ``read_bulletin``).
    ``year`` is the year the bulletin reports on (default: the one its title names): a
    figure of another year is refused."""
    rules = compile_rules(fw)
    sentences = split_sentences(text)
    ctx = Context(year if year is not None else title_year(sentences), title_place(sentences))
    note_q = note_qualifiers(sentences)
    found, refused = scan(sentences, rules, ctx)
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
    derived, notes = _derive(rules, taken, {**refused, **found}, note_q)
    rows += derived
    order = {ind.code: i for i, ind in enumerate(fw.indicators())}
    rows.sort(key=lambda r: order[str(r["indicator"])])  # framework order
    proposals = pd.DataFrame(
        rows, columns=["indicator", "value", "source", "flag", "sentence", "derived"]
    )
    amb = [{k: v for k, v in r.items() if k != "reason"} for r in _candidate_rows(rules, competing)]
    ambiguous = pd.DataFrame(amb, columns=AMBIGUOUS_COLUMNS)
    refused_df = pd.DataFrame(_candidate_rows(rules, refused), columns=REFUSED_COLUMNS)
    proposals["name_zh"] = proposals["indicator"].map(lambda k: rules.targets[k].label)
    proposals["unit_of_measure"] = proposals["indicator"].map(lambda k: rules.targets[k].store_unit)
    proposals["refused"] = proposals["indicator"].map(lambda k: _refused_text(refused_df, k))
    return Extraction(sentences, proposals.reset_index(drop=True), ambiguous, notes, refused_df)


def _refused_text(refused: pd.DataFrame, code: object) -> str:
    """The candidates refused for ``code`` as one review.csv cell: ``value unit — reason
    (句 N)`` joined by `` | ``."""
    rows = refused[refused["indicator"] == code]
    return " | ".join(
        f"{_number(r.value)} {r.unit_of_measure} — {r.reason} (句 {r.sentence})"
        for r in rows.itertuples()
    )


def read_bulletin(path: Path, fw: Framework, unit: str, year: int) -> BulletinResult:
    """Read the bulletin at ``path`` for ``unit`` and ``year`` against ``fw``'s rules.
    ``BulletinReadError`` naming the file when it is missing or not text."""
    if not path.exists():
        raise BulletinReadError(f"{path}: no such file / 文件不存在")
    if not path.is_file():
        raise BulletinReadError(f"{path}: is a folder, not a text file / 是文件夹，不是文本文件")
    text, encoding = decode_bulletin(path.read_bytes(), path.name)
    sentences, proposals, ambiguous, notes, refused = extract(text, fw, year)
    proposals.insert(0, "unit", unit)
    proposals.insert(2, "period", str(year))
    proposals["value"] = proposals["value"].map(_number)
    proposals["status"] = STATUS
    ambiguous["value"] = ambiguous["value"].map(_number)
    refused["value"] = refused["value"].map(_number)
    return BulletinResult(
        path.name,
        encoding,
        len(sentences),
        proposals,
        ambiguous,
        notes,
        title_year(sentences),
        refused,
        looked_for(fw),
    )


def looked_for(fw: Framework) -> list[str]:
    """The indicators a bulletin is searched for (``CODE 名称``), in framework order."""
    return [f"{i.code} {i.name_zh}" for i in fw.indicators() if i.bulletin is not None]
