"""Hostile input: formula injection neutralised in CSV and Excel exports (numbers left
alone), .xlsx zip bombs, odd part names and XML entity tricks refused with nothing
stored, stored file names that would leave their folder refused, and every CSV writer
of qcity going through the one guard."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.xml
import pandas as pd
import pytest
from typer.testing import CliRunner

from qcity.cli import app
from qcity.data import runs as run_table
from qcity.data.safe_cells import UnsafePathError, inside, safe_frame
from qcity.data.store import Store
from qcity.service.runs import export_run

LIYANG = Path(__file__).resolve().parents[2] / "frameworks" / "liyang.yaml"
SRC = Path(__file__).resolve().parents[2] / "src" / "qcity"
HOSTILE = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_safe_frame_prefixes_formula_text_and_leaves_numbers() -> None:
    frame = pd.DataFrame({"text": [*HOSTILE, "plain", None], "n": [-1.5] * 8})
    out = safe_frame(frame)
    assert out["text"].tolist()[:6] == ["'" + t for t in HOSTILE]
    assert out["text"].tolist()[6] == "plain" and out["text"].isna().tolist()[7]
    assert out["n"].tolist() == [-1.5] * 8 and out["n"].dtype == float
    assert frame["text"].tolist()[0] == HOSTILE[0]  # the input is not changed


def _hostile_store(store: Store) -> None:
    store.add_units(
        pd.DataFrame({"code": ["a", "b"], "name_zh": [HOSTILE[0], "乙"], "name_en": ["-x", "@y"],
                      "type": ["city"] * 2, "parent_code": [None] * 2}),
        entered_by="t",
    )  # fmt: skip
    store.add_observations(
        pd.DataFrame({"unit": ["a", "b"], "indicator": ["EC02"] * 2, "period": ["2024"] * 2,
                      "value": [-3.5, 4.0], "source": ["+cmd|' /C calc'!A0", "@SUM(1)"]}),
        entered_by="=evil",
    )  # fmt: skip


def test_qcity_export_csv_and_xlsx_neutralise_formulas(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _hostile_store(store)
    out_csv = tmp_path / "o.csv"
    _cli("export", "--out", str(out_csv), "--db", db_url)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    a = next(r for r in rows if r["unit"] == "a")
    assert a["unit_name_zh"] == "'" + HOSTILE[0] and a["unit_name_en"] == "'-x"
    assert a["source"].startswith("'+cmd") and a["entered_by"] == "'=evil"
    assert a["value"] == "-3.5"  # a negative number is not text: unchanged
    out_xlsx = tmp_path / "o.xlsx"
    _cli("export", "--out", str(out_xlsx), "--db", db_url)
    ws = openpyxl.load_workbook(out_xlsx)["observations"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    odd = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in odd} >= {HOSTILE[0], "-x", "@y", "=evil", "@SUM(1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in odd)
    numbers = [c for c in cells if isinstance(c.value, float)]
    assert -3.5 in [c.value for c in numbers] and all(c.data_type == "n" for c in numbers)


def test_every_csv_writer_goes_through_the_guard() -> None:
    """Each ``.to_csv(`` in qcity writes a frame passed through ``safe_frame`` (or is the
    guard itself, or a temporary file that qcity reads back at once as input, marked
    ``# input, not an export``); a new writer without it fails here with file:line."""
    bad = []
    for path in SRC.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "# input, not an export" in line:
                continue
            if ".to_csv(" in line and "safe_frame(" not in line and "safe_cells" not in str(path):
                bad.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_defusedxml_is_in_force() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit", "indicator", "period", "value"])
    ws.append(["a", "EC02", "2024", 1.0])
    wb.save(path)
    return path


def _with(
    src: Path, dst: Path, change: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED
) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", method) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change.pop(item.filename, zin.read(item.filename)))
        for name, data in change.items():
            zout.writestr(name, data)
    return dst


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row><c t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
)


def _hostile_books(root: Path) -> dict[str, Path]:
    good = _workbook(root / "good.xlsx")
    return {
        "bomb.xlsx": _with(good, root / "bomb.xlsx", {"xl/media/pad.bin": bytes(64 * 2**20)}),
        "laughs.xlsx": _with(good, root / "laughs.xlsx", {"xl/worksheets/sheet1.xml": LAUGHS}),
        "xxe.xlsx": _with(good, root / "xxe.xlsx", {"xl/worksheets/sheet1.xml": XXE}),
        "climb.xlsx": _with(good, root / "climb.xlsx", {"../../evil.txt": b"x"}),
    }


@pytest.mark.parametrize("name", ["bomb.xlsx", "laughs.xlsx", "xxe.xlsx", "climb.xlsx"])
def test_hostile_workbooks_are_refused_with_nothing_stored(
    name: str, store: Store, db_url: str, tmp_path: Path
) -> None:
    store.add_units(
        pd.DataFrame({"code": ["a"], "name_zh": ["甲"], "name_en": ["A"], "type": ["city"],
                      "parent_code": [None]}), entered_by="t",
    )  # fmt: skip
    book = _hostile_books(tmp_path)[name]
    output = _cli("import", str(book), "-f", str(LIYANG), "--db", db_url, code=1)
    assert name in output and "refused" in output, output
    assert store.batches().empty and store.observations().empty


def test_defusedxml_alone_refuses_entities(tmp_path: Path) -> None:
    """Even without the zip check, openpyxl (through defusedxml) does not expand entities."""
    book = _hostile_books(tmp_path)["laughs.xlsx"]
    with pytest.raises(Exception) as info:
        openpyxl.load_workbook(book)
    chain, exc = [], info.value
    while exc is not None:
        chain.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    assert "EntitiesForbidden" in chain, chain


def test_a_stored_file_name_cannot_leave_the_export_folder(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    assert inside(tmp_path, "scores.csv") == tmp_path / "scores.csv"
    for name in ["../../x.csv", "/tmp/x.csv", "a/b.csv", "..\\x.csv", ".."]:
        with pytest.raises(UnsafePathError, match=re.escape(repr(name))):
            inside(tmp_path, name)
    record = run_table.RunRecord(
        created_by="t", framework_code="f", framework_version="1", index_node="I",
        data_source="x", data_vintage=None, as_of=None, data_sha256="0" * 64,
        config_sha256="0" * 64, qcity_version="0", scores=pd.DataFrame(
            {"unit": ["a"], "period": ["2024"], "node": ["I"], "score": [1.0], "rank": [1]}),
        weights=pd.DataFrame({"node": [], "child": [], "nominal": [], "weight": []}),
        files={"../../x.csv": b"escaped"}, selection={}, stamp={}, steps=[], libraries={},
        diagnostics=[], value_counts={},
    )  # fmt: skip
    run_id = run_table.insert_run(store, record)
    out = tmp_path / "a" / "b"
    with pytest.raises(UnsafePathError):
        export_run(db=db_url, run_id=run_id, out=out)
    assert not (tmp_path / "x.csv").exists()


def test_results_folder_neutralises_hostile_unit_names(tmp_path: Path) -> None:
    """A results folder (what ``qcity runs export`` writes back byte for byte): the
    readable CSV and the workbook keep a unit named like a formula as text."""
    asem = Path(__file__).resolve().parents[2] / "examples" / "asem"
    units = pd.read_csv(asem / "units.csv", dtype=str, keep_default_na=False)
    units.loc[units["code"] == "AUT", ["name_zh", "name_en"]] = [HOSTILE[0], "-Austria"]
    units.to_csv(tmp_path / "units.csv", index=False)
    out = tmp_path / "out"
    _cli("evaluate", "-f", str(asem / "framework.yaml"), "-d", str(asem / "data.csv"),
         "-u", str(tmp_path / "units.csv"), "-o", str(out), "--workbook")  # fmt: skip
    text = (out / "scores_readable.csv").read_text(encoding="utf-8-sig")
    cells = {c for row in csv.reader(io.StringIO(text)) for c in row}
    assert "'" + HOSTILE[0] in cells and "'-Austria" in cells
    assert HOSTILE[0] not in cells and "-Austria" not in cells
    numbers = [c for c in cells if re.fullmatch(r"-\d+(\.\d+)?", c)]
    assert all(not c.startswith("'") for c in numbers)
    wb = openpyxl.load_workbook(out / "results.xlsx")
    odd = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value in (HOSTILE[0], "-Austria")
    ]
    assert odd and all(c.data_type == "s" and c.quotePrefix for c in odd)


def test_signed_numbers_written_as_text_are_not_formulas() -> None:
    """A negative growth rate kept as text (a bulletin's review.csv) must import again
    unchanged: only text that is not a plain number gets the apostrophe."""
    from qcity.data.safe_cells import safe_frame

    numbers = ["-2.3", "+5", "-1,234.5", "-1.2e3", "-0.5%", "-.5"]
    formulas = ["=1+1", "-1+1", "+A1", "@SUM(A1)", "-2.3)", "=-2"]
    frame = pd.DataFrame({"value": numbers + formulas, "n": [-2.3] * 12})
    safe = safe_frame(frame)
    assert safe["value"].tolist() == numbers + ["'" + f for f in formulas]
    assert safe["n"].tolist() == [-2.3] * 12


def test_the_audit_log_export_never_holds_a_formula(store: Store, tmp_path: Path) -> None:
    import openpyxl
    from typer.testing import CliRunner

    from qcity.cli import app

    store.add_units(
        pd.DataFrame({"code": ["LY"], "name_zh": ["溧阳"], "name_en": ["Liyang"],
                      "type": ["city"]}),
        entered_by="=HYPERLINK(\"http://x\")",
    )  # fmt: skip
    for name in ("log.xlsx", "log.csv"):
        done = CliRunner().invoke(
            app, ["audit-log", "export", "--out", str(tmp_path / name), "--db", store.url]
        )
        assert done.exit_code == 0, done.output
    ws = openpyxl.load_workbook(tmp_path / "log.xlsx").active
    cells = [cell for row in ws.iter_rows() for cell in row]
    actors = [c for c in cells if str(c.value or "").startswith("=HYPERLINK")]
    assert actors and all(c.data_type == "s" and c.quotePrefix for c in actors)
    text = (tmp_path / "log.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
