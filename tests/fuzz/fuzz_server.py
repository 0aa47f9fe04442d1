"""A fork server that runs the real ``multiscale`` CLI once per fuzz case, fast.

A fresh ``python -m multiscale.cli`` needs about 2 s of CPU before it validates a config (numpy,
xarray, numba, scikit-learn, discretisedfield are imported on the way), which would make a
corpus of hundreds of cases take minutes. This server is itself a fresh interpreter that imports
those libraries once; then, for every case, it forks a child process that runs
:func:`multiscale.cli.main` exactly as the console script does (``sys.exit(main())``), with its
own working folder, environment, stdin, stdout and stderr. An exception escaping ``main`` is
printed by the child as the interpreter would print it, so a traceback still shows in stderr.

Protocol (one JSON object per line): the client writes ``{"argv": [...], "cwd": ..., "env":
{...}, "timeout": seconds}`` on the server's stdin; the server answers ``{"rc": ..., "stdout":
..., "stderr": ..., "timed_out": ..., "wall_s": ...}`` on its stdout. A child past its timeout
is killed with its whole process group (it would have started real work) and reported with
``timed_out = true``.

Run as a script: ``python tests/fuzz/fuzz_server.py``.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import tempfile
import time
import traceback

#: Modules the commands import on their way to validation; imported once, before any fork.
PRELOAD = ("multiscale.cli", "multiscale.schemas", "multiscale.sweep", "multiscale.lock",
           "multiscale.study", "multiscale.pipeline", "multiscale.store", "micromag.devices",
           "compact", "network.plan", "network.vowels", "xarray", "h5netcdf",
           "discretisedfield", "micromagneticmodel")


def _child(request: dict, out_path: str, err_path: str) -> None:
    """In the forked child: run the CLI on ``request["argv"]`` and leave with its exit code."""
    code = 1
    try:
        os.setsid()  # a process group of its own, killed as one on timeout
        os.chdir(request["cwd"])
        os.environ.update(request.get("env", {}))
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # the server swapped them
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                                (1, out_path, os.O_WRONLY | os.O_TRUNC),
                                (2, err_path, os.O_WRONLY | os.O_TRUNC)):
            handle = os.open(path, flags)
            os.dup2(handle, fd)
            os.close(handle)
        sys.argv = ["multiscale", *request["argv"]]
        from multiscale.cli import main

        try:
            code = main()
        except SystemExit as stop:  # what the interpreter does with sys.exit(...)
            if stop.code is None or isinstance(stop.code, int):
                code = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
                code = 1
        except BaseException:  # noqa: BLE001 - printed as an uncaught exception would be
            traceback.print_exc()
            code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code if isinstance(code, int) else 1)


def run_case(request: dict) -> dict:
    """Fork a child for one case, wait for it (at most ``timeout`` s) and collect its output."""
    with tempfile.TemporaryDirectory(prefix="fuzz-io-") as io_dir:
        out_path, err_path = os.path.join(io_dir, "stdout"), os.path.join(io_dir, "stderr")
        for path in (out_path, err_path):
            open(path, "w").close()
        sys.stdout.flush()
        sys.stderr.flush()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(request, out_path, err_path)
        deadline = start + float(request.get("timeout", 60))
        timed_out = False
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                timed_out = True
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(0.005)
        wall = time.monotonic() - start
        with open(out_path, encoding="utf-8", errors="replace") as handle:
            stdout = handle.read()
        with open(err_path, encoding="utf-8", errors="replace") as handle:
            stderr = handle.read()
    return {"rc": os.waitstatus_to_exitcode(status), "stdout": stdout, "stderr": stderr,
            "timed_out": timed_out, "wall_s": wall}


def serve() -> None:
    """Preload, say ``ready``, then answer one request per line until stdin closes."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        importlib.import_module(name)
    from multiscale.cli import build_parser

    build_parser()  # imports every command module
    gc.freeze()  # the children's garbage collector leaves the shared pages alone: faster forks
    channel = sys.stdout
    sys.stdout = sys.stderr  # nothing else may write on the protocol channel
    channel.write(json.dumps({"ready": True}) + "\n")
    channel.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = run_case(json.loads(line))
        channel.write(json.dumps(answer) + "\n")
        channel.flush()


if __name__ == "__main__":
    serve()
