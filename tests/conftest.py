"""Test-wide settings: the shared data folder, a headless plotting backend, one thread."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

# The real data sets live beside the repository (never inside it); tests use them there.
if "MULTISCALE_DATA" not in os.environ and SHARED_DATA.is_dir():
    os.environ["MULTISCALE_DATA"] = str(SHARED_DATA)
os.environ.setdefault("MPLBACKEND", "Agg")


def _engine_or_skip(name: str, capability: str | None = None):
    """The micromagnetic engine ``name``, or a skip saying why it cannot run here (the
    capability matrix of the shared engine tests)."""
    from micromag.engines import get_engine

    try:
        engine = get_engine(name)
    except ImportError as error:
        pytest.skip(f"engine {name!r} is not importable: {error}")
    ok, reason = engine.availability()
    if not ok:
        pytest.skip(f"engine {name!r}: {reason}")
    if capability is not None and capability not in engine.capabilities:
        pytest.skip(f"engine {name!r} lacks the capability {capability!r}")
    return engine


@pytest.fixture
def engine_or_skip():
    """``engine_or_skip(name, capability=None)``: an engine that can run here, or a skip."""
    return _engine_or_skip


def _finished_runs(store: Path, kind: str) -> int:
    """Run folders ``<kind>-*`` of a store whose info.json says success (a run being written,
    or killed while writing, does not count)."""
    import json

    count = 0
    for info in Path(store).glob(f"{kind}-*/info.json"):
        try:
            count += json.loads(info.read_text()).get("success") is True
        except ValueError:  # being rewritten
            pass
    return count


@pytest.fixture
def finished_runs():
    """``finished_runs(store, kind)``: how many ``kind`` runs of a store have finished."""
    return _finished_runs


def _kill_after_runs(process, store: Path, kind: str, wait_after: float,
                     timeout: float = 300.0) -> None:
    """SIGKILL the process group of ``process`` (a command started with
    ``start_new_session=True``: the command, its scheduler and its workers) ``wait_after``
    seconds after the first ``kind`` run of ``store`` has finished; fails if the command ends
    before."""
    import os
    import signal
    import time

    try:
        deadline = time.time() + timeout
        while _finished_runs(store, kind) < 1 and time.time() < deadline:
            assert process.poll() is None, "the command ended before it could be killed"
            time.sleep(0.05)
        time.sleep(wait_after)
        assert process.poll() is None, "the command ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)


@pytest.fixture
def kill_after_runs():
    """``kill_after_runs(process, store, kind, wait_after)``: SIGKILL a command's process group
    at a chosen moment after its first ``kind`` run finished."""
    return _kill_after_runs
