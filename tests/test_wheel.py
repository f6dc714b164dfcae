"""The built wheel works on its own: installed into a fresh virtual environment, run from a
folder outside the source tree, it builds the demo and evaluates it with the framework and
public figures it carries as package data.

Nothing is downloaded: the wheel is built without build isolation, installed with
``--no-deps``, and the fresh environment sees this environment's dependencies through a
``.pth`` line that appends their folder to ``sys.path`` (after its own site-packages, and
without running the ``.pth`` files in it, so an editable install of the source tree is not
picked up: the test checks that ``qcity`` is imported from the fresh environment).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.slow

VERSION = re.search(
    r'^__version__ = "([^"]+)"', (REPO / "src" / "qcity" / "__init__.py").read_text("utf-8"), re.M
)
PACKAGE_DATA = (
    "qcity/frameworks/liyang.yaml",
    "qcity/demo/public_figures.csv",
    "qcity/data/migrations/env.py",
    "qcity/py.typed",
    "qcity/web/templates/base.html",
    "qcity/web/static/app.js",
    "qcity/service/common_passwords/common-passwords.txt.gz",
    "qcity/service/common_passwords/README.md",
    "qcity/service/common_passwords/LICENSE.django",
)


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    """Run a command; on failure, the assertion shows its output."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the sources (the build writes next to them)."""
    src = tmp_path / "source"
    shutil.copytree(
        REPO / "src",
        src / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    dist = tmp_path / "dist"
    build = ["wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(dist)]
    done = subprocess.run(
        [sys.executable, "-m", "pip", *build, str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (
        f"building the wheel failed (the dev extra installs setuptools>=77):\n{done.stderr}"
    )
    (wheel,) = dist.glob("qcity-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtual environment with only the wheel installed; its interpreter."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = ["install", "--no-deps", "--no-index", "--quiet", str(wheel)]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), *install],
        check=True,
        timeout=600,
    )
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    Path(site, "zz_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return python


def test_wheel_installs_and_runs_outside_the_source_tree(tmp_path: Path) -> None:
    assert VERSION is not None
    wheel = _build_wheel(tmp_path)
    assert wheel.name.startswith(f"qcity-{VERSION.group(1)}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in PACKAGE_DATA:
        assert name in names, f"{name} is not in the wheel"
    assert not any(n.startswith(("tests/", "tools/", "examples/")) for n in names)

    python = _fresh_venv(tmp_path, wheel)
    work = tmp_path / "work"  # outside the repository: no frameworks/, examples/, src/
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
        QCITY_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite'}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    where = _run(
        [python, "-c", "import qcity, qcity.frameworks as f; print(qcity.__file__); "
         "print(f.builtin_path())"],
        work,
        env,
    ).split()  # fmt: skip
    venv = python.parent.parent
    assert Path(where[0]).is_relative_to(venv), f"qcity imported from {where[0]}, not the venv"
    framework = Path(where[1])
    assert framework.is_relative_to(venv) and framework.name == "liyang.yaml"

    assert _run(["qcity", "version"], work, env).strip() == VERSION.group(1)
    common = "from qcity.service.passwords import common_passwords as c; print(len(c()))"
    assert int(_run([python, "-c", common], work, env)) > 10_000  # the list ships
    _run(["qcity", "demo"], work, env)
    demo = pd.read_csv(work / "var" / "results" / "demo" / "scores.csv")
    assert demo["unit"].nunique() == 10
    assert (work / "var" / "results" / "demo" / "NOTICE.txt").is_file()

    _run(["qcity", "evaluate", "-f", framework, "--group", "sunan", "-o", "out"], work, env)
    scores = pd.read_csv(work / "out" / "scores.csv", dtype={"period": str})
    index = scores[scores["node"] == "index"]
    assert set(index["unit"]) == set(demo["unit"])
    assert sorted(index.loc[index["period"] == "2024", "rank"]) == list(range(1, 11))
