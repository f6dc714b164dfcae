"""The same analyses on a Dask distributed cluster, split by chunks of samples.

The design is drawn in this process (``qcity.robust.uncertainty`` and ``sensitivity``)
and every variant runs through the engine here once; the prepared problem is sent to
every worker once (``Client.scatter(..., broadcast=True)``) and each task evaluates one
chunk of samples. The chunks' integer rank counts and per-sample values are merged in
sample order, so the results equal a local run with the same seed.

    qcity robust ... --scheduler tcp://HOST:8786

    >>> from distributed import Client
    >>> with Client("tcp://127.0.0.1:8786") as client:
    ...     res = run_uncertainty(ev, spec, n=10_000, runner=dask_runner(client))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qcity import errors
from qcity.robust.problem import Chunk, Merger, Problem, Progress, Runner

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the scheduler (Dask retries a refused connection until then)."""


class SchedulerError(errors.StoreError, RuntimeError):
    """The Dask scheduler cannot be reached or used; the message says which and why."""


def _chunk(problem: Problem, cats: np.ndarray, mult: np.ndarray) -> Chunk:
    return problem.run_chunk(cats, mult)


def connect(address: str, timeout: float | None = None) -> Any:
    """A ``distributed.Client`` connected to the scheduler at ``address``
    (``tcp://HOST:8786``); SchedulerError when it cannot be reached."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - a dependency of qcity
        raise SchedulerError(f"dask.distributed is not installed ({exc})") from None
    if "://" not in address:
        raise SchedulerError(
            f"scheduler address {address!r} has no protocol; write it as tcp://HOST:8786"
        )
    try:
        return Client(address, timeout=timeout or CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
            "`dask scheduler` and workers with `dask worker tcp://HOST:8786`, or leave out "
            "--scheduler to run in this process"
        ) from None


def dask_runner(client: Any, progress: Progress | None = None) -> Runner:
    """A runner that evaluates the chunks as tasks on ``client``'s cluster."""

    def run(problem: Problem, args: list[tuple[np.ndarray, np.ndarray]]) -> Chunk:
        from distributed import as_completed

        shared = client.scatter(problem, broadcast=True, hash=False)
        futures = [client.submit(_chunk, shared, c, m, pure=False) for c, m in args]
        order = {f.key: i for i, f in enumerate(futures)}
        merger = Merger(len(futures))
        # the client is not the default one (``connect``): as_completed must be given
        # its event loop, or it looks for a default client and finds none
        for done, fut in enumerate(as_completed(futures, loop=client.loop), start=1):
            merger.add(order[fut.key], fut.result())
            fut.release()
            if progress is not None:
                progress(done, len(futures))
        return merger.result()

    return run
