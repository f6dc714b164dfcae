"""Check an .xlsx file (a zip of XML parts) before openpyxl opens it.

An uploaded or imported workbook is untrusted. Refused, with the file named and nothing
read: a zip whose parts would unpack to more than ``MAX_UNCOMPRESSED`` bytes, a part
compressed more than ``MAX_RATIO`` times (a zip bomb), more than ``MAX_MEMBERS`` parts,
part names that are absolute or climb out with ``..``, and XML parts declaring a DOCTYPE
or entities (billion laughs, external entities). openpyxl itself parses with defusedxml
(a runtime dependency), which refuses entity declarations too.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from qcity import errors

#: Most bytes all parts of a workbook may unpack to (512 MiB).
MAX_UNCOMPRESSED = 512 * 1024 * 1024
#: Highest compression ratio of a part larger than ``RATIO_FLOOR`` bytes.
MAX_RATIO = 200
#: Parts smaller than this are not checked for their ratio (tiny parts compress oddly).
RATIO_FLOOR = 1024 * 1024
#: Most parts a workbook may have.
MAX_MEMBERS = 10_000
#: How much of each XML part is searched for a DOCTYPE or entity declaration.
HEAD_BYTES = 4096

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeWorkbookError(errors.InputError, ValueError):
    """An .xlsx file refused before it is opened (zip bomb, odd names, XML entities)."""


def check_xlsx(path: Path) -> None:
    """Raise ``UnsafeWorkbookError`` naming ``path`` if its zip is unsafe to open (see the
    module); a file that is not a zip at all is left to openpyxl's own message."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _refuse(path, f"{len(infos)} parts (at most {MAX_MEMBERS})")
        total = 0
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise _refuse(path, f"a part named {name!r} points outside the workbook")
            total += info.file_size
            if total > MAX_UNCOMPRESSED:
                raise _refuse(path, f"it would unpack to more than {MAX_UNCOMPRESSED // 2**20} MiB")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise _refuse(
                    path,
                    f"part {name} is compressed {info.file_size // max(info.compress_size, 1)} "
                    f"times (a zip bomb; at most {MAX_RATIO})",
                )
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                try:
                    with zf.open(info) as part:
                        head = part.read(HEAD_BYTES)
                except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                    return  # a damaged part: openpyxl says so
                if _DECLARATION.search(head):
                    raise _refuse(
                        path, f"part {info.filename} declares a DOCTYPE or entities (XML attack)"
                    )


def _refuse(path: Path, why: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(f"{path.name}: refused, not opened: {why} / 文件不安全，已拒绝打开")
