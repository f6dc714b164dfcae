"""What a report is made of, whatever it is written to: sections of blocks (paragraphs,
tables, charts, notices). The builders (``qcity.report.build``) fill it from the results;
the writers (``qcity.report.docx``, ``qcity.report.html``) only lay it out, so the Word,
HTML and PDF reports always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """A paragraph; ``narrative`` marks text made from a template filled with computed
    numbers (a test checks those numbers against the results)."""

    text: str
    narrative: bool = False


@dataclass
class Notice:
    """A highlighted notice (the illustrative-data label)."""

    text: str


@dataclass
class Table:
    """A table: a caption, column headers and rows of cell texts."""

    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Chart:
    """A chart as PNG bytes with its caption."""

    caption: str
    png: bytes


Block = Paragraph | Notice | Table | Chart


@dataclass
class Section:
    """A titled section (level 1) or subsection (level 2) with its blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1
    key: str = ""
    page: bool = False  # a page of its own (the key findings)


@dataclass
class Report:
    """The whole report: the cover (title, subtitle lines, issuing office and date), the
    language, the sections, the illustrative-data notice and the short label every page's
    footer carries, and the footer's page wording (``{n}`` for the number)."""

    title: str
    subtitle: list[str]
    lang: str
    sections: list[Section] = field(default_factory=list)
    notice: str | None = None
    office: str | None = None
    date: str = ""
    label: str | None = None
    page: str = "{n}"
    contents: str = "Contents"

    def narratives(self) -> list[str]:
        """Every narrative paragraph, in order."""
        return [
            b.text
            for s in self.sections
            for b in s.blocks
            if isinstance(b, Paragraph) and b.narrative
        ]
