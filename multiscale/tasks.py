"""Independent tasks on dask.distributed: a local cluster by default, or a scheduler you name.

Sweeps and studies are lists of independent points. Each point is one task; a point that
fails is reported and the others go on. Results that a task writes into the provenance store
survive an interruption, so a rerun submits only the missing points.

On a SLURM or PBS machine, start a dask-jobqueue cluster and pass its scheduler address; the
runnable recipe is ``examples/study_on_slurm.py`` (one single-threaded worker per batch job,
with :data:`WORKER_ENVIRONMENT` exported before the worker starts: the nanny passes on the
malloc thresholds it finds there, and the engine runs up to 2x slower with dask's own)::

    from dask_jobqueue import SLURMCluster
    cluster = SLURMCluster(cores=1, processes=1, memory="4GB", walltime="02:00:00")
    cluster.scale(jobs=32)
    print(cluster.scheduler_address)   # -> multiscale study CONFIG --scheduler tcp://...
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TaskOutcome", "dask_client", "run_tasks", "MALLOC_ENVIRONMENT", "WORKER_ENVIRONMENT"]

#: the most local worker processes a config or an option may ask for (one per core is the
#: default; more only oversubscribe, and 1e15 would never start)
MAX_LOCAL_WORKERS = 1024

#: glibc's malloc thresholds (bytes) read at a process's start: dask's nanny sets
#: MALLOC_TRIM_THRESHOLD_=65536 for its workers, and with it glibc returns every freed block
#: above 64 kB to the system and maps blocks above 128 kB afresh: the temporary arrays of a
#: field evaluation then cost page faults each time, which made the built-in engine 1.6-2x
#: slower in a dask worker than in a plain process (docs/engine_speed.md). Large thresholds
#: keep those blocks in the heap; a worker holds megabytes, not the gigabytes the nanny's
#: default is meant for.
MALLOC_ENVIRONMENT = {"MALLOC_TRIM_THRESHOLD_": "134217728", "MALLOC_MMAP_THRESHOLD_": "16777216"}
#: One thread per worker process for numba, OpenMP and BLAS (the cluster has a process per
#: core), and the malloc thresholds above.
WORKER_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                      "OPENBLAS_NUM_THREADS": "1", **MALLOC_ENVIRONMENT}  # fmt: skip


@dataclass
class TaskOutcome:
    """What became of one task: its result, or the error that stopped it (as text, and the
    exception itself, so a caller can tell a config error from a failed computation)."""

    item: Any
    result: Any = None
    error: str | None = None
    exception: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A dask.distributed Client: to ``scheduler`` if given, else a new local cluster.

    The local cluster has ``workers`` single-threaded worker processes (default: one per
    core), so numba and FFT code inside a task does not oversubscribe the machine.
    """
    import dask
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        from multiscale.errors import InputError

        try:  # dask waits distributed.comm.timeouts.connect (30 s by default)
            client = Client(scheduler)
        except ValueError as error:
            raise InputError(f"--scheduler = {scheduler!r}: not a scheduler address "
                             f"({error}); e.g. tcp://host:8786") from None
        except OSError as error:  # TimeoutError included
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise InputError(f"--scheduler = {scheduler!r}: no dask scheduler answers there "
                             f"({first})") from None
        with client:
            yield client
        return
    workers = workers or os.cpu_count() or 1
    # malloc reads its thresholds before the worker runs any code: they go into the nanny's
    # environment at the spawn, as dask's own MALLOC_TRIM_THRESHOLD_ does (the nanny runs in
    # this process and leaves them in its os.environ, where only later child processes see
    # them). The workers' statistical profiler (a stack sample every 10 ms, for the
    # dashboard, which is off) cost 10-15 % of the engine's time in a worker.
    spawn = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **MALLOC_ENVIRONMENT}
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": spawn,
                         "distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # no dashboard, and the scheduler's remaining HTTP routes (health, metrics) on a
            # free local port instead of 8787, where they clashed with any other cluster
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            # the workers' own log lines (a connection reset when Ctrl-C reaches them before
            # the client closes, ~40 lines of tracebacks) would bury the command's one line;
            # a failing task still reaches the caller through its future (TaskOutcome.error)
            silence_logs=logging.CRITICAL,
            env=dict(WORKER_ENVIRONMENT),  # thread counts: in the workers only
        ) as cluster,
        Client(cluster) as client,
    ):
        try:
            yield client
        except KeyboardInterrupt:
            _silence_dask()  # Ctrl-C reached the workers too: their nannies' teardown errors
            raise  # are noise beside the one line the command prints


def _silence_dask() -> None:
    """Turn off every ``distributed`` logger (the local cluster is being torn down)."""
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("distributed")]:
        logging.getLogger(name).disabled = True
    logging.getLogger("distributed").disabled = True


def run_tasks(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    description: str = "tasks",
    progress: bool = True,
    simulated_time: Sequence[float] | None = None,
    label: Callable[[Any], str] | None = None,
) -> list[TaskOutcome]:
    """Run ``function(item)`` for every item as dask tasks; failures don't stop the rest.

    ``simulated_time``: the simulated length (s) of each item's micromagnetic run; the bar then
    counts simulated ns over all workers (:class:`multiscale.progress.SimulatedTimeBar`; the
    runs report through :func:`multiscale.progress.simulated_time_reporter`), else tasks.
    Failures are written above the bar as they happen, the item named by ``label(item)``
    (default: its place in ``items``). Returns one :class:`TaskOutcome` per
    item, in the order of ``items``.
    """
    if not items:
        return []
    if client is None:
        with dask_client(scheduler, workers) as own:
            return run_tasks(
                function, items, client=own, description=description, progress=progress,
                simulated_time=simulated_time, label=label,
            )

    from dask.distributed import as_completed

    futures = [client.submit(function, item, pure=False) for item in items]
    index = {future.key: i for i, future in enumerate(futures)}
    outcomes = [TaskOutcome(item) for item in items]
    with _bar(client, futures, simulated_time, description, progress) as bar:
        for future in as_completed(futures):
            outcome = outcomes[index[future.key]]
            try:
                outcome.result = future.result()
            except Exception as error:  # reported, and the other points go on
                outcome.error = f"{type(error).__name__}: {error}"
                outcome.exception = error
                if progress:
                    name = label(outcome.item) if label else f"task {index[future.key]}"
                    bar.write(f"{name} failed: {outcome.error.splitlines()[0]}")
            bar.finished(future.key)
    return outcomes


class _TaskBar:
    """A tqdm bar counting finished tasks, with :class:`SimulatedTimeBar`'s methods."""

    def __init__(self, total: int, description: str, disable: bool) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=description, disable=disable, unit="task")

    def __enter__(self) -> _TaskBar:
        return self

    def __exit__(self, *exc) -> None:
        self.bar.close()

    def finished(self, key: Any) -> None:
        self.bar.update()

    def write(self, text: str) -> None:
        self.bar.write(text, file=sys.stderr)


def _bar(client: Any, futures: list, simulated_time: Sequence[float] | None,
         description: str, progress: bool) -> Any:
    if simulated_time is None:
        return _TaskBar(len(futures), description, not progress)
    from multiscale.progress import SimulatedTimeBar

    return SimulatedTimeBar(client, [f.key for f in futures], simulated_time,
                            description=description, disable=not progress)
