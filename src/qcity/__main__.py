"""The ``qcity`` script (and ``python -m qcity``): load pandas without pyarrow, then run
the command line.

pandas 3 imports pyarrow whenever it is installed and then keeps every string in an Arrow
array. For a command that loads a few thousand values that is pure start-up cost: about
0.1 s of each run (``benchmarks/bench_startup.py`` prints both). So the script imports
pandas while pyarrow is hidden, and pandas keeps its strings in Python storage; every number
is the same (the test suite runs with pyarrow, the script without). Parquet still works:
pyarrow is visible again once pandas is loaded, and ``pd.read_parquet`` / ``to_parquet``
import it when a Parquet file is read or written. At store scale the two storages balance:
on 720,000 observations (``benchmarks/bench_store.py --units 600``, CPU seconds, one run on a
busy machine) the as-of read took 3.05 s with Python strings and 3.32 s with Arrow, the
evaluation from it 0.46 s and 0.35 s.
"""

from __future__ import annotations

import sys
from typing import NoReturn


def import_pandas_without_arrow() -> None:
    """Import pandas while ``import pyarrow`` fails, then make pyarrow importable again.
    Does nothing when pandas is already loaded (its string storage is decided then)."""
    if "pandas" in sys.modules:
        return
    hidden = "pyarrow" not in sys.modules
    if hidden:
        sys.modules["pyarrow"] = None  # type: ignore[assignment]  # makes `import pyarrow` fail
    try:
        import pandas  # noqa: F401
    finally:
        if hidden:
            del sys.modules["pyarrow"]


def main() -> NoReturn:
    """Run ``qcity`` with the arguments of this process."""
    import_pandas_without_arrow()
    from qcity.cli import main as run

    run()


if __name__ == "__main__":
    main()
