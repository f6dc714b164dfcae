"""``qcity`` as the docs tests run it: ``python demo_shim.py CACHE ARGS...``.

``qcity demo`` with at most ``--db`` and ``--out`` given, into a SQLite database file that
does not exist yet and an output folder that is absent or empty, is what the session's
``qcity demo`` into CACHE (``demo_cache`` in tests/conftest.py) already did: the built
database (its run 1 included) and the results folder are copied there and its printout is
repeated, with the database's URL and the folder put in; the one place the database names
itself (``runs.data_source``) is rewritten the same way. Any other command, or ``qcity demo``
on an existing database or with other options, runs the real ``qcity``, so nothing a page
entered is ever replaced by the copy.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

OPTIONS = {"--db": "db", "--out": "out", "-o": "out"}
"""The options of ``qcity demo`` the copy stands for."""


def _options(args: list[str]) -> dict[str, str] | None:
    """``--db``/``--out`` of a ``qcity demo`` command line, None if it has anything else."""
    if not args or args[0] != "demo":
        return None
    found: dict[str, str] = {}
    rest = args[1:]
    while rest:
        flag, _, value = rest.pop(0).partition("=")
        if flag not in OPTIONS or OPTIONS[flag] in found:
            return None
        if not value:
            if not rest:
                return None
            value = rest.pop(0)
        found[OPTIONS[flag]] = value
    return found


def _copy(cache: Path, found: dict[str, str]) -> bool:
    """Copy the cached demo where ``found`` says; False (nothing done) when the command
    is not one the copy stands for."""
    from sqlalchemy import make_url

    from qcity.data.engine import display_url, resolve_url

    url = resolve_url(found.get("db"))
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return False
    database = Path(parsed.database)
    out = Path(found.get("out", "var/results/demo"))
    if database.exists() or (out.exists() and any(out.iterdir())):
        return False
    cache_url = (cache / "url.txt").read_text("utf-8")
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache / "demo.sqlite", database)
    with sqlite3.connect(database) as conn:
        conn.execute(
            "UPDATE runs SET data_source = replace(data_source, ?, ?)",
            (display_url(cache_url), display_url(url)),
        )
    conn.close()
    shutil.copytree(cache / "out", out, dirs_exist_ok=True)
    printed = (cache / "stdout.txt").read_text("utf-8")
    sys.stdout.write(
        printed.replace(display_url(cache_url), display_url(url)).replace(
            str(cache / "out"), str(out)
        )
    )
    return True


def main(argv: list[str]) -> int:
    cache, args = Path(argv[0]), argv[1:]
    found = _options(args)
    if found is not None and _copy(cache, found):
        return 0
    real = str(Path(sys.executable).parent / "qcity")
    os.execv(real, [real, *args])
    return 1  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
