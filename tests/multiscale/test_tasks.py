"""Dask task runner: every point is a task; a failing point is reported, the rest go on."""

import math
from pathlib import Path

import dask
import pytest

from multiscale.tasks import MALLOC_ENVIRONMENT, dask_client, run_tasks


def test_failures_are_reported_and_the_other_points_go_on():
    with dask_client(workers=2) as client:
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2
        assert all(w["nthreads"] == 1 for w in workers.values())  # single-threaded workers
        # a function the workers can import (test modules are not importable by them)
        outcomes = run_tasks(math.log, [math.e, -1.0, 100.0], client=client, progress=False)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert math.isclose(outcomes[0].result, 1.0)
    assert "ValueError" in outcomes[1].error
    assert type(outcomes[1].exception) is ValueError  # the exception itself, for the caller
    assert outcomes[0].exception is None
    assert math.isclose(outcomes[2].result, math.log(100.0))


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_workers_start_with_the_malloc_thresholds_and_no_profiler():
    # glibc reads them once, at the process's start: they must be in the environment the
    # worker was started with (/proc/self/environ), not set later by the worker
    with dask_client(workers=1) as client:
        start = client.submit(Path.read_bytes, Path("/proc/self/environ"), pure=False).result()
        profiling = client.submit(dask.config.get, "distributed.worker.profile.enabled",
                                  pure=False).result()
    assert profiling is False
    environment = dict(item.split(b"=", 1) for item in start.split(b"\0") if b"=" in item)
    for key, value in MALLOC_ENVIRONMENT.items():
        assert environment.get(key.encode()) == value.encode(), key


def _http_port(dask_scheduler):
    return dask_scheduler.http_server.port


def test_the_local_cluster_serves_no_dashboard_and_leaves_port_8787_free():
    """A second cluster on the machine (another sweep, a notebook) would find 8787 taken and
    dask would warn on every run; the local cluster puts its scheduler's HTTP routes on a
    free port and serves no dashboard."""
    with dask_client(workers=1) as client:
        assert client.run_on_scheduler(_http_port) != 8787
        assert client.dashboard_link is None or "8787" not in client.dashboard_link
