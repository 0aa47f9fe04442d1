"""Fixtures of the fuzz corpus: the shared files and the CLI runner (see fuzz_server.py)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # fuzz_cases, fuzz_files: plain modules beside the tests

#: Set to 1 to run every case in a fresh interpreter (``python -m multiscale.cli``, ~2 s of
#: CPU a case) instead of a child forked from the preloaded server (~0.05 s a case).
FRESH = os.environ.get("MULTISCALE_FUZZ_FRESH", "") not in ("", "0")


def run_fresh(argv: list[str], cwd: Path, timeout: float) -> dict:
    """The CLI in a new interpreter; the same answer as the server's."""
    try:
        done = subprocess.run([sys.executable, "-m", "multiscale.cli", *argv], cwd=cwd,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as expired:
        return {"rc": None, "stdout": expired.stdout or "", "stderr": expired.stderr or "",
                "timed_out": True}
    return {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
            "timed_out": False}


class ForkServer:
    """Client of ``fuzz_server.py``: one CLI run per :meth:`run`, each in a forked child."""

    def __init__(self, log: Path) -> None:
        self.log = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "fuzz_server.py")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=log.parent)
        assert json.loads(self._answer(300)) == {"ready": True}, log.read_text()

    def _answer(self, timeout: float) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"the fuzz server did not answer in {timeout} s")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fuzz server stopped; see its log")
        return line

    def run(self, argv: list[str], cwd: Path, timeout: float) -> dict:
        request = {"argv": argv, "cwd": str(cwd), "timeout": timeout}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self._answer(timeout + 60))

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Path:
    """The files that cases name as ``{shared}/...``."""
    from fuzz_files import prepare_shared

    folder = tmp_path_factory.mktemp("fuzz-shared")
    prepare_shared(folder)
    return folder


@pytest.fixture(scope="session")
def cli(tmp_path_factory):
    """``cli(argv, cwd, timeout)`` -> {rc, stdout, stderr, timed_out}: the real CLI in a child
    process (a fresh interpreter with MULTISCALE_FUZZ_FRESH=1)."""
    if FRESH:
        yield run_fresh
        return
    server = ForkServer(tmp_path_factory.mktemp("fuzz-server") / "server.log")
    try:
        yield server.run
    finally:
        server.close()
