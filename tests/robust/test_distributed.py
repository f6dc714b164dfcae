"""The analyses on a Dask cluster (a LocalCluster on loopback with two workers) give
exactly the results of a local run with the same seed."""

from __future__ import annotations

import pandas as pd
import pytest

from qcity.engine import Evaluation
from qcity.robust.distributed import SchedulerError, connect, dask_runner
from qcity.robust.sensitivity import run_sensitivity
from qcity.robust.spec import load_spec
from qcity.robust.uncertainty import run_uncertainty
from tests.helpers import ASEM

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",  # loopback: tasks and data travel over TCP as on a real cluster
        dashboard_address=None,
        # the scheduler's HTTP server (health, metrics) runs all the same: on a free port,
        # not on 8787, which another test's scheduler may hold
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_uncertainty_on_the_cluster_equals_local(asem: Evaluation, client) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(ASEM / "robust.yaml")
    local = run_uncertainty(asem, spec, n=150, seed=4)
    seen: list[tuple[int, int]] = []
    remote = run_uncertainty(
        asem, spec, n=150, seed=4, chunk=40,
        runner=dask_runner(client, lambda d, t: seen.append((d, t))),
    )  # fmt: skip
    pd.testing.assert_frame_equal(local.rank_stats, remote.rank_stats)
    pd.testing.assert_frame_equal(local.samples, remote.samples)
    assert seen[-1] == (4, 4)  # 150 samples in chunks of 40


def test_sensitivity_on_the_cluster_equals_local(asem: Evaluation, client) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(ASEM / "robust.yaml")
    local = run_sensitivity(asem, spec, n=32, seed=4, bootstrap=20)
    remote = run_sensitivity(
        asem, spec, n=32, seed=4, bootstrap=20, runner=dask_runner(client), chunk=50
    )
    pd.testing.assert_frame_equal(local.indices, remote.indices)


def test_unreachable_scheduler_is_named() -> None:
    with pytest.raises(SchedulerError, match=r"tcp://127\.0\.0\.1:9"):
        connect("tcp://127.0.0.1:9", timeout=1)
    with pytest.raises(SchedulerError, match="no protocol"):
        connect("127.0.0.1:8786")
