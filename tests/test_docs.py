"""The examples in docs/ run as written, and the Chinese pages run the same examples.

English pages: the ```bash and ```python blocks of each page are run in order in a scratch
folder that has the repository's examples/, frameworks/ and tools/ (plus any file the page
says to save), with `qcity` on the PATH and a database of its own. Reference-only command
lists use ```console fences and are not run.

Chinese pages are not run again: ``test_chinese_page_matches_english`` checks that each one
runs exactly what its English twin runs. Two pages are EQUAL when

- they have the same runnable blocks (```bash and ```python) in the same order, and each pair
  of blocks has the same lines once comments, trailing spaces and blank lines are dropped. A
  comment is a ``#`` at the start of a line or after a space or tab, outside a quoted string
  of that line, up to the end of the line (for Python: the tokenizer's comments). Everything
  else, printed text included, must be identical: write a message both pages print as
  ``"中文 / English"``;
- they ask the reader to save the same files (``Save this as `f``` / ``保存为 `f```) with the
  same contents.

``qcity demo`` (about 4 s) is run once per test session (``demo_cache`` in conftest.py); a
page's ``qcity demo`` that would build a new SQLite database gets a copy of what it built
(tests/demo_shim.py), any other ``qcity`` command runs as it is, in a process forked from a
server that imported qcity once (tests/qcity_fork.py: for most commands of the pages the
start-up is most of the time).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from tests.helpers import REPO

BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
SAVE_AS = re.compile(r"(?:Save this as|保存为) `([^`]+)`")
RUNNABLE = ("bash", "python")


def runnable_blocks(page: Path) -> list[tuple[str, str]]:
    """The page's ```bash and ```python blocks in order, as (language, code)."""
    found = BLOCK.finditer(page.read_text("utf-8"))
    return [(m.group(1), m.group(2)) for m in found if m.group(1) in RUNNABLE]


def saved_files(page: Path) -> dict[str, str]:
    """The files the page asks the reader to save: name -> the block that follows."""
    text = page.read_text("utf-8")
    files = {}
    for match in SAVE_AS.finditer(text):
        block = BLOCK.search(text, match.end())
        assert block is not None, f"{page}: nothing to save after {match.group(0)}"
        files[match.group(1)] = block.group(2)
    return files


def _cut_shell_comment(line: str) -> str:
    """``line`` up to its comment: a ``#`` at the start or after a space or tab, outside
    single or double quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _cut_python_comments(code: str) -> list[str]:
    """The lines of ``code`` with the tokenizer's comments cut off."""
    lines = code.splitlines()
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    for tok in sorted((t for t in tokens if t.type == tokenize.COMMENT), reverse=True):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col]
    return lines


def without_comments(language: str, code: str) -> list[str]:
    """The lines that matter when comparing two pages' blocks (see the module docstring)."""
    if language == "python":
        lines = _cut_python_comments(code)
    else:
        lines = [_cut_shell_comment(line) for line in code.splitlines()]
    return [line.rstrip() for line in lines if line.strip()]


def _has_examples(page: Path) -> bool:
    return bool(runnable_blocks(page) or saved_files(page))


EN_PAGES = [p for p in sorted((REPO / "docs" / "en").glob("*.md")) if runnable_blocks(p)]
TWINS = sorted(
    {
        p.name
        for lang in ("en", "zh")
        for p in (REPO / "docs" / lang).glob("*.md")
        if _has_examples(p)
    }
)


@pytest.mark.parametrize("name", TWINS)
def test_chinese_page_matches_english(name: str) -> None:
    """docs/zh/<name> runs the same blocks and saves the same files as docs/en/<name>."""
    en, zh = REPO / "docs" / "en" / name, REPO / "docs" / "zh" / name
    assert en.is_file() and zh.is_file(), f"{name}: both docs/en and docs/zh need the page"
    en_blocks, zh_blocks = runnable_blocks(en), runnable_blocks(zh)
    assert [k for k, _ in zh_blocks] == [k for k, _ in en_blocks], (
        f"{name}: the runnable blocks differ in number or language: "
        f"en {[k for k, _ in en_blocks]}, zh {[k for k, _ in zh_blocks]}"
    )
    for n, ((kind, en_code), (_, zh_code)) in enumerate(zip(en_blocks, zh_blocks, strict=True)):
        en_lines, zh_lines = without_comments(kind, en_code), without_comments(kind, zh_code)
        diff = [(e, z) for e, z in zip(en_lines, zh_lines, strict=False) if e != z]
        assert en_lines == zh_lines, (
            f"{name}, runnable block {n} ({kind}): docs/zh differs from docs/en outside "
            f"comments; first difference: {diff[:1] or 'a line more or less'}"
        )
    assert saved_files(zh) == saved_files(en), f"{name}: the saved files differ"


def test_comparison_ignores_only_comments() -> None:
    """What ``without_comments`` drops (comments, blank lines) and what it keeps (``#``
    inside quotes or words, printed text)."""
    bash = 'qcity demo   # 示例\n\necho "a # b" x#y  # note\n# only a comment\n'
    assert without_comments("bash", bash) == ["qcity demo", 'echo "a # b" x#y']
    py = 'x = 1  # one\nprint("# kept", x)   # 打印\n'
    assert without_comments("python", py) == ["x = 1", 'print("# kept", x)']
    assert without_comments("python", 'print("a")') != without_comments("python", 'print("b")')


def _prepare(page: Path, folder: Path) -> None:
    """Link the shipped material and write the files the page asks the reader to save."""
    for name in ("examples", "frameworks", "tools"):
        (folder / name).symlink_to(REPO / name)
    for name, text in saved_files(page).items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("page", EN_PAGES, ids=[p.name for p in EN_PAGES])
def test_page_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_cache: Path
) -> None:
    """Every runnable block of the English page runs without error, in order."""
    _prepare(page, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'qcity.sqlite'}")
    # the demo shim first, then the environment's qcity
    path = os.pathsep.join([str(demo_cache / "bin"), str(Path(sys.executable).parent)])
    env = {**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}"}
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    for n, (kind, code) in enumerate(runnable_blocks(page)):
        if kind == "bash":
            done = subprocess.run(
                ["bash", "-e", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, f"{page.name} block {n}:\n{code}\n{done.stderr}"
        else:
            exec(compile(code, f"{page.name} block {n}", "exec"), namespace)
        ran += 1
    assert ran > 0


def test_demo_shim_copies_only_into_a_new_database(
    demo_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's ``qcity demo`` into a new SQLite file gets the session's demo (run 1
    naming the new file, the results folder); an existing database, or any other option,
    is left to the real ``qcity`` (``_copy`` does nothing)."""
    import sqlite3

    from tests.demo_shim import _copy, _options

    assert _options(["demo", "--out", "out/demo"]) == {"out": "out/demo"}
    assert _options(["demo", "--db=sqlite:///x.sqlite"]) == {"db": "sqlite:///x.sqlite"}
    for other in (["demo", "--seed", "7"], ["demo", "--keep"], ["evaluate"], ["demo", "--db"]):
        assert _options(other) is None
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite'}")
    assert _copy(demo_cache, {"out": "out/demo"})
    with sqlite3.connect(tmp_path / "q.sqlite") as conn:
        sources = conn.execute("SELECT id, data_source FROM runs").fetchall()
    conn.close()
    assert sources == [(1, f"Store('sqlite:///{tmp_path / 'q.sqlite'}')")]
    assert sorted(p.name for p in (tmp_path / "out" / "demo").iterdir()) == sorted(
        p.name for p in (demo_cache / "out").iterdir()
    )
    before = (tmp_path / "q.sqlite").stat().st_mtime_ns
    assert not _copy(demo_cache, {"out": "elsewhere"})  # the database exists
    assert (tmp_path / "q.sqlite").stat().st_mtime_ns == before
    assert not _copy(demo_cache, {"db": f"sqlite:///{tmp_path / 'new.sqlite'}", "out": "out/demo"})
    assert not (tmp_path / "new.sqlite").exists()  # the results folder is not empty


def test_the_fork_servers_imports_start_no_thread() -> None:
    """Forking is safe only from a process of one thread: importing every qcity module, as
    tests/qcity_fork.py's server does before it forks, starts none."""
    code = (
        "import threading, tests.qcity_fork as f; f._import_every_module(); "
        "print(threading.active_count())"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_forked_qcity_is_the_qcity_script(qcity_forkserver: Path, tmp_path: Path) -> None:
    """The docs' ``qcity`` (tests/qcity_fork.py) prints, reads and exits as the script does:
    the same output and exit status for a command that works and for one that fails on
    what it reads from standard input, in the caller's folder and environment; without
    its server it is the script itself."""
    real = str(Path(sys.executable).parent / "qcity")
    fork = [sys.executable, "-I", "-S", str(REPO / "tests" / "qcity_fork.py"), "client"]
    from qcity.data.store import Store

    url = f"sqlite:///{tmp_path / 'q.sqlite'}"
    with Store(url) as store:
        store.upgrade()
    env = {**os.environ, "QCITY_DATABASE_URL": url}
    bad = "unit,indicator,period,value\nliyang,EC01,2024,abc\n"
    commands = [
        (["validate", "frameworks/liyang.yaml"], ""),
        (["import", "/dev/stdin", "-f", "frameworks/liyang.yaml", "--dry-run"], bad),
    ]
    for args, stdin in commands:
        runs = [
            subprocess.run(cmd, input=stdin, cwd=REPO, env=env, capture_output=True, text=True)
            for cmd in (
                [real, *args],
                [*fork, str(qcity_forkserver), real, *args],
                [*fork, str(tmp_path / "no-server.sock"), real, *args],
            )
        ]
        assert [(r.returncode, r.stdout, r.stderr) for r in runs[1:]] == [
            (runs[0].returncode, runs[0].stdout, runs[0].stderr)
        ] * 2, args
    assert [r.returncode for r in runs] == [1, 1, 1] and "stdin: 1 error(s)" in runs[0].stderr
