"""Start-up speed of whole commands, printed (not a test).

Times ``qcity evaluate`` on COINr's ASEM example as a whole process (what a user waits
for), ``qcity --help`` and ``import qcity.cli``, next to the Rscript process that builds
the same coin with COINr, then lists what ``qcity evaluate`` spends importing
(``python -X importtime``): the heaviest modules and the self time per package.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_startup.py [--repeat 7]``).
Set ``PYTHONPATH`` to time another copy of ``src/``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASEM = ROOT / "examples" / "asem"

#: The issue's measurement: the whole ``Rscript`` process building COINr's ASEM coin
#: (``build_example_coin()``, COINr 1.1.14) took 0.64 s on this project's machine.
RSCRIPT_SECONDS = 0.64
R_CODE = (
    "suppressPackageStartupMessages(library(COINr)); invisible(build_example_coin(quietly = TRUE))"
)


def qcity_command() -> list[str]:
    """The installed ``qcity`` script next to this interpreter, else the app via ``-c``."""
    script = Path(sys.executable).parent / "qcity"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from qcity.cli import app; sys.exit(app())"]


#: The environment of the timed commands: bytecode caching on, as for a user (pip compiles
#: an installed package's .pyc files; this machine's shell sets PYTHONDONTWRITEBYTECODE,
#: which would make every run compile qcity's modules from source again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


#: The command line run with pandas as a notebook loads it: pandas 3 imports pyarrow
#: whenever it is installed and keeps its strings in Arrow arrays. The ``qcity`` script
#: (``qcity.__main__``) hides pyarrow while pandas loads; this line shows what that saves.
WITH_PYARROW = (
    "import sys; sys.argv = ['qcity', *sys.argv[1:]]; import pandas; "
    "from qcity.cli import main; main()"
)


def timed(cmd: list[str], repeat: int) -> list[float]:
    """Wall times (seconds) of ``repeat`` runs of ``cmd``; raises if a run fails."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return times


def rscript_seconds(repeat: int) -> tuple[float, str]:
    """Median seconds of COINr's coin built by Rscript here, else the issue's figure."""
    rscript = shutil.which("Rscript")
    if rscript is not None:
        probe = subprocess.run([rscript, "-e", "library(COINr)"], capture_output=True)
        if probe.returncode == 0:
            times = timed([rscript, "-e", R_CODE], repeat)
            return statistics.median(times), "Rscript measured here"
    return RSCRIPT_SECONDS, "Rscript 0.64 s: the issue's measurement (no Rscript + COINr here)"


def import_profile(argv: list[str]) -> list[tuple[str, int, int, int]]:
    """(module, depth, self us, cumulative us) of every import made while running the
    qcity command ``argv`` in one process under ``-X importtime``."""
    code = f"import sys; sys.argv = {['qcity', *argv]!r}; from qcity.__main__ import main; main()"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        _, self_us, cum_us, name = (p for p in line.replace("import time:", "|").split("|"))
        depth = (len(name) - len(name.lstrip(" "))) // 2 - 1
        rows.append((name.strip(), depth, int(self_us), int(cum_us)))
    return rows


def print_profile(rows: list[tuple[str, int, int, int]], top: int = 15) -> None:
    """The ``top`` heaviest imports (cumulative) and the self time per package."""
    total = sum(r[2] for r in rows)
    print(f"\nimports of `qcity evaluate` (python -X importtime): {total / 1e6:.3f} s in all")
    print(f"  top {top} cumulative (nesting shown by indent):")
    for name, depth, _, cum in sorted(rows, key=lambda r: -r[3])[:top]:
        print(f"    {cum / 1e3:7.1f} ms  {'  ' * depth}{name}")
    per_package: dict[str, int] = defaultdict(int)
    for name, _, self_us, _ in rows:
        root = name.split(".")[0]
        per_package[".".join(name.split(".")[:2]) if root == "qcity" else root] += self_us
    print("  self time per package (the cost of loading it at all):")
    heavy = sorted(per_package.items(), key=lambda kv: -kv[1])[:top]
    for name, self_us in heavy:
        print(f"    {self_us / 1e3:7.1f} ms  {name}")


#: Build a DataFrame from ``n`` database-like rows and pivot it, with pandas' string
#: storage chosen by hiding pyarrow or not (argv: ``arrow|python n``); prints seconds.
STRINGS_CODE = """
import sys, time
if sys.argv[1] == "python":
    sys.modules["pyarrow"] = None
import pandas as pd
n = int(sys.argv[2]); units = max(n // 1200, 1)
rows = [(f"U{k // 1200:04d}", f"IND{k % 60:02d}", str(2000 + (k // 60) % 20), float(k), 1)
        for k in range(units * 1200)]
t0 = time.perf_counter()
df = pd.DataFrame.from_records(rows, columns=["unit", "indicator", "period", "value", "rev"])
t1 = time.perf_counter()
wide = df.pivot_table(index=["unit", "period"], columns="indicator", values="value")
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {df['unit'].dtype.storage}")
"""


def string_storage(n: int, repeat: int) -> None:
    """Store-scale cost of the script's Python string storage against Arrow's: a DataFrame
    of ``n`` rows built from tuples (as ``Store.observations`` does) and pivoted wide."""
    print(f"\nstrings at store scale: {n:,} rows from tuples, then a pivot (median of {repeat})")
    for storage in ("arrow", "python"):
        build, pivot = [], []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, "-c", STRINGS_CODE, storage, str(n)],
                env=ENV, capture_output=True, text=True, check=True,
            ).stdout.split()  # fmt: skip
            build.append(float(out[0]))
            pivot.append(float(out[1]))
        print(
            f"  {out[2]:<8} storage: build {statistics.median(build):6.2f} s, "
            f"pivot {statistics.median(pivot):6.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument(
        "--rows", type=int, default=3_420_000, help="rows of the string-storage test (0: skip)"
    )
    args = parser.parse_args()
    qcity = qcity_command()
    r_seconds, r_label = rscript_seconds(args.repeat)
    with tempfile.TemporaryDirectory(prefix="qcity-bench-") as tmp:
        evaluate = [
            "evaluate",
            "-f",
            str(ASEM / "framework.yaml"),
            "-d",
            str(ASEM / "data.csv"),
            "-o",
            str(Path(tmp) / "out"),
        ]
        cases = [
            ("qcity evaluate examples/asem (whole command)", [*qcity, *evaluate]),
            (
                "  the same, pandas loading pyarrow (as in Python)",
                [sys.executable, "-c", WITH_PYARROW, *evaluate],
            ),
            ("qcity --help", [*qcity, "--help"]),
            ('python -c "import qcity.cli"', [sys.executable, "-c", "import qcity.cli"]),
            (
                'python -c "import numpy, pandas" (floor)',
                [sys.executable, "-c", "import numpy, pandas"],
            ),
            (
                'python -c "import numpy, pandas" + os._exit',
                [sys.executable, "-c", "import numpy, pandas, os; os._exit(0)"],
            ),
            ('python -c "pass" (interpreter)', [sys.executable, "-c", "pass"]),
        ]
        timed(cases[0][1], 1)  # warm the file cache and the .pyc files
        print(f"machine: {os.cpu_count()} cores; {args.repeat} runs each; {r_label}")
        print(f"\n  {'command':<48} {'best s':>7} {'median s':>9} {'median/R':>9}")
        for label, cmd in cases:
            times = timed(cmd, args.repeat)
            med = statistics.median(times)
            print(f"  {label:<48} {min(times):7.3f} {med:9.3f} {med / r_seconds:9.2f}")
        print(
            f"  {'Rscript building the ASEM coin with COINr':<48} {'':7} {r_seconds:9.3f} {1:9.2f}"
        )
        print_profile(import_profile(evaluate))
    if args.rows:
        string_storage(args.rows, repeat=3)


if __name__ == "__main__":
    main()
