"""tests/reference holds exactly the files tools/refresh_test_data.py copies, each described
in its README, and the tool copies and checks them (here against a stand-in shared folder,
so that the test runs in a clone alone)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import REFERENCE, REPO


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "refresh_test_data", REPO / "tools" / "refresh_test_data.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_folder_holds_exactly_the_listed_files(tool: ModuleType) -> None:
    present = {p.relative_to(REFERENCE).as_posix() for p in REFERENCE.rglob("*") if p.is_file()}
    assert present == set(tool.FILES) | {"README.md"}
    readme = (REFERENCE / "README.md").read_text("utf-8")
    for name in tool.FILES:
        assert Path(name).name in readme, f"tests/reference/README.md omits {name}"


def test_nothing_reads_the_shared_folder() -> None:
    folder = "shared"  # the reference folder beside a checkout, which a clone may lack
    needles = (f'"{folder}"', f"../{folder}")
    for root in ("src", "tests"):
        for path in (REPO / root).rglob("*.py"):
            if path == Path(__file__).resolve():
                continue
            text = path.read_text("utf-8")
            assert not any(n in text for n in needles), path


def _stand_in(tool: ModuleType, folder: Path) -> Path:
    """A shared folder made from the copies (same layout as the real one)."""
    for ours, theirs in tool.FILES.items():
        (folder / theirs).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REFERENCE / ours, folder / theirs)
    return folder


def test_refresh_copies_and_check_reports_differences(
    tool: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = _stand_in(tool, tmp_path / "shared")
    target = tmp_path / "reference"
    assert tool.refresh(shared, target) == len(tool.FILES)
    assert tool.differences(shared, target) == []

    changed = "spec/liyang-framework.csv"
    (shared / changed).write_text("code\n", encoding="utf-8")
    (target / "coinr_asem" / "stray.csv").write_text("x\n", encoding="utf-8")
    diff = tool.differences(shared, target)
    assert diff == [
        f"tests/reference/{changed}: differs from {changed}",
        "tests/reference/coinr_asem/stray.csv: not a reference file",
    ]

    (shared / "data" / "liyang_public_figures.csv").unlink()
    with pytest.raises(FileNotFoundError, match="liyang_public_figures"):
        tool.refresh(shared, target)
    assert (target / changed).read_bytes() == (REFERENCE / changed).read_bytes()


def test_command_line_check_exit_status(tool: ModuleType, tmp_path: Path) -> None:
    shared = _stand_in(tool, tmp_path / "shared")
    assert tool.main(["--shared", str(shared), "--check"]) == 0
    (shared / "spec" / "liyang-framework.csv").write_text("code\n", encoding="utf-8")
    assert tool.main(["--shared", str(shared), "--check"]) == 1
    assert tool.main(["--shared", str(tmp_path / "nowhere"), "--check"]) == 2
