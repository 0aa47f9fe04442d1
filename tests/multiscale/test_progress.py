"""The progress bar of a batch of runs counts simulated ns over all workers (issue "Speed",
point 4): runs in dask workers report their simulated time, the client's bar adds it up."""

import sys

import cloudpickle
import pytest

from micromag.devices import VortexSTNO
from micromag.engines import RunSpec, get_engine
from multiscale.progress import TOPIC, simulated_time_reporter
from multiscale.tasks import dask_client, run_tasks

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import tests

TINY = VortexSTNO(diameter=40e-9, thickness=5e-9, cell_size=5e-9, core_shift=(5e-9, 0.0))


def one_run(duration: float) -> float:
    """A built-in run in a worker, reporting through the worker's event stream."""
    spec = RunSpec(current_density=5e10, duration=duration, sampling_interval=0.1e-9)
    get_engine("builtin").run(TINY, spec, progress=simulated_time_reporter())
    return duration


def fails(duration: float) -> float:
    raise RuntimeError(f"a run of {duration} s diverged")


def test_workers_report_simulated_time_and_the_bar_counts_it(capsys):
    durations = [2.5e-9, 3e-9]
    with dask_client(workers=2) as client:
        outcomes = run_tasks(one_run, durations, client=client, simulated_time=durations,
                             description="runs")
        events = client.get_events(TOPIC)
    assert [o.result for o in outcomes] == durations
    by_task: dict[str, list[float]] = {}
    for _, message in events:
        by_task.setdefault(message["key"], []).append(message["t"])
    assert sorted(max(t) for t in by_task.values()) == pytest.approx(durations)
    for times in by_task.values():  # every ns during the run, not only at its end
        assert times[:2] == pytest.approx([1e-9, 2e-9])
    bar = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "5.5/5.5 simulated ns" in bar, bar


def test_a_failed_run_counts_as_done_and_is_named(capsys):
    with dask_client(workers=1) as client:
        outcomes = run_tasks(fails, [1e-9], client=client, simulated_time=[1e-9],
                             description="runs", label=lambda d: f"run of {d:g} s")
    assert not outcomes[0].ok
    err = capsys.readouterr().err
    assert "run of 1e-09 s failed: RuntimeError: a run of 1e-09 s diverged" in err
    assert "1.0/1.0 simulated ns" in err


def test_outside_a_worker_there_is_no_reporter():
    assert simulated_time_reporter() is None
