"""The README's tour runs as written: every ```bash block of README.md in order, then every
```python block, in a scratch folder laid out like the repository root after `make run`
(examples/ and frameworks/ linked, `.venv/bin/activate` putting this interpreter's `qcity`
first on the PATH, through the docs tests' fork server; the demo database built by
`qcity demo` in var/qcity.sqlite: a copy of what the session's ``qcity demo`` built,
``demo_cache``)."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import REPO

README = REPO / "README.md"
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
TOUR = REPO / "examples" / "tour"


def _blocks(kind: str) -> list[str]:
    return [m.group(2) for m in BLOCK.finditer(README.read_text("utf-8")) if m.group(1) == kind]


def _after_make_run(folder: Path, demo_cache: Path) -> dict[str, str]:
    """Lay out ``folder`` like the repository root after `make run`; the environment. Its
    ``qcity demo`` is the session's (``demo_cache`` in tests/conftest.py), copied in, and
    the tour's ``qcity`` the docs tests' (``demo_cache``'s bin: the real ``qcity`` in a
    process forked by tests/qcity_fork.py's server, which imported it once)."""
    for name in ("examples", "frameworks"):
        (folder / name).symlink_to(REPO / name)
    bin_dir = Path(sys.executable).parent
    activate = folder / ".venv" / "bin" / "activate"
    activate.parent.mkdir(parents=True)
    first = f"{shlex.quote(str(demo_cache / 'bin'))}:{shlex.quote(str(bin_dir))}"
    activate.write_text(f'export PATH={first}:"$PATH"\n', "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "QCITY_DATABASE_URL"}
    env["QCITY_DATABASE_URL"] = f"sqlite:///{folder / 'var' / 'qcity.sqlite'}"
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    demo = subprocess.run(
        [demo_cache / "bin" / "qcity", "demo"], cwd=folder, env=env, capture_output=True, text=True
    )
    assert demo.returncode == 0, f"qcity demo (what `make run` does) failed:\n{demo.stderr}"
    return env


def test_every_example_file_the_tour_names_exists() -> None:
    bash = "\n".join(_blocks("bash"))
    named = re.findall(r"(?:examples|frameworks)/[\w./-]+\.\w+", bash)
    assert named, "the README's bash blocks name no example file"
    for path in named:
        assert (REPO / path).is_file(), f"the README tour uses {path}, which does not exist"


@pytest.mark.slow
def test_readme_tour_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_cache: Path
) -> None:
    bash, python = _blocks("bash"), _blocks("python")
    assert bash and python, "README.md has no ```bash or ```python block"
    env = _after_make_run(tmp_path, demo_cache)
    for n, code in enumerate(bash):
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"README bash block {n} failed:\n{code}\n{done.stderr}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QCITY_DATABASE_URL", env["QCITY_DATABASE_URL"])
    for n, code in enumerate(python):
        exec(compile(code, f"README.md python block {n}", "exec"), {"__name__": "__readme__"})


def test_tour_files_are_what_the_build_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_tour_examples", REPO / "tools" / "build_tour_examples.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--check"]) == 0, "examples/tour is stale: run tools/build_tour_examples.py"
    assert (TOUR / "README.md").is_file()
    # --check compares a workbook's cells, not its bytes
    copy = tmp_path / "tour"
    assert mod.main(["--out", str(copy)]) == 0
    assert mod.main(["--out", str(copy), "--check"]) == 0
    yearbook = copy / "yearbook.xlsx"
    wb = openpyxl.load_workbook(yearbook)
    wb.save(yearbook)  # other bytes, same cells: still up to date
    assert mod.main(["--out", str(copy), "--check"]) == 0
    wb.active["D4"] = 1  # type: ignore[index]
    wb.save(yearbook)
    assert mod.main(["--out", str(copy), "--check"]) == 1
