"""Progress a person can read: simulated nanoseconds over all workers, with an ETA.

A micromagnetic run inside a dask task reports the simulated time it has reached
(:func:`simulated_time_reporter`, passed as ``progress`` to ``Engine.run``) as a dask event
under :data:`TOPIC`, keyed by the task; the client's :class:`SimulatedTimeBar` adds up what
every running task has reached and shows it against the total simulated time of the batch.
Engines that run in another program (OOMMF, magnum.np) do not report during a run: their
time counts when the task ends (:meth:`SimulatedTimeBar.finished`).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["TOPIC", "SimulatedTimeBar", "reported_run", "simulated_time_reporter"]

#: the dask event topic of the simulated time reached by a task's run
TOPIC = "multiscale.simulated_time"


def simulated_time_reporter() -> Callable[[float], None] | None:
    """Inside a dask task: ``report(t)`` sending the simulated time t (s) reached by this task's
    run to the client's bar. None outside a dask worker."""
    try:
        from distributed import get_worker

        worker = get_worker()
        key = worker.get_current_task()
    except (ImportError, ValueError, KeyError):
        return None

    def report(t: float) -> None:
        worker.log_event(TOPIC, {"key": str(key), "t": float(t)})

    return report


def reported_run(engine: Any, device: Any, spec: Any) -> Any:
    """``engine.run(device, spec)`` (an Engine or its name) inside a dask task, reporting the
    simulated time it reaches to the client's bar; the run's Dataset."""
    if isinstance(engine, str):
        from micromag.engines import get_engine

        engine = get_engine(engine)
    return engine.run(device, spec, progress=simulated_time_reporter())


class _Subscription:
    """One handler of :data:`TOPIC` per client (dask allows one), dispatching to its bars."""

    lock = threading.Lock()
    bars: dict[str, list[SimulatedTimeBar]] = {}

    @classmethod
    def add(cls, client: Any, bar: SimulatedTimeBar) -> None:
        with cls.lock:
            bars = cls.bars.setdefault(client.id, [])
            if not bars:
                client.subscribe_topic(TOPIC, lambda event: cls.dispatch(client.id, event))
            bars.append(bar)

    @classmethod
    def remove(cls, client: Any, bar: SimulatedTimeBar) -> None:
        with cls.lock:
            bars = cls.bars.get(client.id, [])
            if bar in bars:
                bars.remove(bar)
            if not bars:
                cls.bars.pop(client.id, None)
                try:
                    client.unsubscribe_topic(TOPIC)
                except (ValueError, RuntimeError):  # never subscribed, or client closed
                    pass

    @classmethod
    def dispatch(cls, client_id: str, event: tuple) -> None:
        _, message = event
        with cls.lock:
            bars = list(cls.bars.get(client_id, []))
        for bar in bars:
            bar.reached(message["key"], message["t"])


class SimulatedTimeBar:
    """A tqdm bar in simulated ns over the tasks ``keys`` of a client, each of simulated
    length ``durations`` (s). Use as a context manager around waiting for the tasks.

    ``reached(key, t)`` (from the workers' events) moves a task's share to t; ``finished(key)``
    to its whole length, also for engines that never reported.
    """

    def __init__(self, client: Any, keys: Sequence[Any], durations: Sequence[float], *,
                 description: str, disable: bool = False) -> None:
        self.client = client
        self.durations = {str(k): float(d) for k, d in zip(keys, durations, strict=True)}
        self.done = dict.fromkeys(self.durations, 0.0)
        self.description = description
        self.disable = disable
        self._lock = threading.Lock()
        self.bar = None

    def __enter__(self) -> SimulatedTimeBar:
        from tqdm.auto import tqdm

        total_ns = sum(self.durations.values()) * 1e9
        self.bar = tqdm(total=round(total_ns, 3), desc=self.description, unit="ns",
                        disable=self.disable,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} "
                                   "simulated ns [{elapsed}<{remaining}, {rate_fmt}]")
        if not self.disable:
            _Subscription.add(self.client, self)
        return self

    def __exit__(self, *exc) -> None:
        if not self.disable:
            _Subscription.remove(self.client, self)
        self.bar.close()

    def reached(self, key: str, t: float) -> None:
        """The task ``key`` has simulated up to ``t`` (s)."""
        key = str(key)
        if key not in self.durations:
            return  # another batch's task
        with self._lock:
            t = min(float(t), self.durations[key])
            step = t - self.done[key]
            if step <= 0:
                return
            self.done[key] = t
            # the bar shows the rounded sum, not a sum of float steps: those add up to a hair
            # above the total (240.00000000000418 of 240 ns), and tqdm then warns on stderr
            reached = min(round(sum(self.done.values()) * 1e9, 3), self.bar.total)
            self.bar.update(reached - self.bar.n)

    def finished(self, key: Any) -> None:
        """The task ``key`` has ended (its whole length counts, whatever the engine said)."""
        self.reached(str(key), self.durations.get(str(key), 0.0))

    def write(self, text: str) -> None:
        """A line above the bar."""
        self.bar.write(text, file=sys.stderr)
