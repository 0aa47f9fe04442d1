"""Provenance store: one folder per run, named by a hash of its inputs and versions.

Every run leaves ``info.json`` (inputs, versions, seed, host, start and end times, success,
error). Files are written to a temporary name in the same folder and renamed into place, so a
killed run leaves either the old file or none, never half of one. A successful run records
the SHA-256 of each of its files (``files_sha256``); :meth:`Store.find` checks them, so an
entry damaged afterwards (truncated, overwritten) is computed again, with a warning. A rerun
asks :meth:`Store.find` first and computes only what is missing, failed or damaged.

Layout::

    ROOT/<kind>-<hash16>/info.json
    ROOT/<kind>-<hash16>/<outputs written by the run>
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import platform
import socket
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Store",
    "Run",
    "drawn",
    "open_store",
    "output_folder",
    "record_run",
    "versions",
    "input_hash",
    "write_json",
    "write_text",
    "write_dataset",
    "write_bytes",
]

_VERSIONED = ("numpy", "scipy", "xarray", "numba", "dask", "h5netcdf")


def versions(**extra: str) -> dict[str, str]:
    """Versions that decide a result: the suite, Python, core libraries, and ``extra``."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"suite": _suite_version(), "python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    found.update({k: str(v) for k, v in extra.items()})
    return found


def _suite_version() -> str:
    from multiscale import __version__

    return __version__


def _jsonable(obj: Any) -> Any:
    """Plain JSON types, with numpy scalars and arrays, paths and dataclasses converted."""
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and not np.isfinite(obj):
        return str(obj)
    return obj


def input_hash(inputs: dict, version_table: dict) -> str:
    """SHA-256 (hex, 16 characters) of the canonical JSON of inputs and versions."""
    canonical = json.dumps(
        {"inputs": _jsonable(inputs), "versions": version_table},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------- atomic writes
@contextlib.contextmanager
def _atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def output_folder(path: str | Path, key: str = "--out") -> Path:
    """Create the output folder ``path`` (parents too); InputError naming ``key`` when it
    cannot be created or written."""
    from multiscale.errors import InputError

    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise InputError(f"{key} = {str(path)!r}: cannot write there "
                         f"({error.strerror or error})") from None
    return folder


def open_store(root: str | Path | None, out: str | Path) -> Store:
    """The provenance store at ``root`` (``--store``), or at ``out/store`` when None.

    Nothing is created here (a run creates its folder when it starts); an InputError naming
    the option when the store could not be written: a file in its place or on its path, or a
    folder without write permission.
    """
    from multiscale.errors import InputError

    key, path = ("--out", Path(out) / "store") if root is None else ("--store", Path(root))
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(f"{key} = {str(root if root is not None else out)!r}: cannot write "
                         f"there ({str(existing)!r} is a file, not a folder)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{key} = {str(root if root is not None else out)!r}: cannot write "
                         f"there ({str(existing)!r} is not writable)")
    return Store(path)


def write_bytes(data: bytes, path: str | Path) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with _atomic_path(Path(path)) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(text: str, path: str | Path) -> Path:
    """Write ``text`` to ``path`` atomically."""
    return write_bytes(text.encode(), path)


def write_json(obj: Any, path: str | Path) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    return write_text(json.dumps(_jsonable(obj), indent=2, sort_keys=True) + "\n", path)


def write_dataset(ds, path: str | Path) -> Path:
    """Write an xarray Dataset as netCDF (h5netcdf engine) to ``path`` atomically."""
    with _atomic_path(Path(path)) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")
    return Path(path)


def write_array(array, path: str | Path) -> Path:
    """Write a numpy array as ``.npy`` to ``path`` atomically (a unique temporary name, so
    two runs writing the same file at once cannot mix their bytes)."""
    with _atomic_path(Path(path)) as tmp, open(tmp, "wb") as stream:
        np.save(stream, np.asarray(array))
    return Path(path)


def write_figure(figure, path: str | Path, **kwargs) -> Path:
    """Save a matplotlib figure to ``path`` atomically (format from the suffix)."""
    path = Path(path)
    kwargs.setdefault("dpi", 120)
    kwargs.setdefault("bbox_inches", "tight")
    with _atomic_path(path) as tmp:
        figure.savefig(tmp, format=path.suffix.lstrip(".") or "png", **kwargs)
    return path


def drawn(draw: Callable[[], Any], name: str) -> str | None:
    """Run ``draw`` (which makes and saves a figure); a figure that cannot be drawn is a
    warning on stderr, never a lost run: the results are written before their figures.
    Returns None, or the warning (to be recorded in ``info.json``)."""
    try:
        draw()
    except Exception as error:  # noqa: BLE001 - presentation must not lose the science
        import matplotlib.pyplot as plt

        plt.close("all")
        first = str(error).splitlines()[0] if str(error) else ""
        message = f"{name}: {type(error).__name__}: {first}"
        print(f"warning: figure not drawn: {message}", file=sys.stderr)
        return message
    return None


# ---------------------------------------------------------------------------- the store
def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass
class Run:
    """A run in progress: write outputs under :attr:`path`."""

    path: Path
    info: dict = field(default_factory=dict)

    def note(self, **items: Any) -> None:
        """Add items (figures, file names) to this run's ``info.json`` at its end."""
        self.info.setdefault("notes", {}).update(_jsonable(items))


class Store:
    """Run folders under ``root``, found again by their inputs.

    Parameters
    ----------
    root : path
        Folder of the store; created when needed.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def key(
        self, inputs: dict, engine: str | None = None, engine_version: str | None = None
    ) -> str:
        """Folder name for ``inputs``: ``<kind>-<hash>`` with kind = inputs.get('kind')."""
        kind = str(inputs.get("kind", "run"))
        extra = _engine_versions(engine, engine_version)
        return f"{kind}-{input_hash(inputs, versions(**extra))}"

    def path(
        self, inputs: dict, engine: str | None = None, engine_version: str | None = None
    ) -> Path:
        """Folder a run with these inputs has (whether or not it exists)."""
        return self.root / self.key(inputs, engine, engine_version)

    def find(
        self, inputs: dict, engine: str | None = None, engine_version: str | None = None
    ) -> Path | None:
        """Folder of a finished, successful run with these inputs, else None.

        ``engine`` and ``engine_version`` are part of a run's identity: pass the ones given
        to :meth:`record`.
        """
        folder = self.path(inputs, engine, engine_version)
        info = self.read_info(folder)
        if info is None or info.get("success") is not True:
            return None
        damaged = [name for name, digest in info.get("files_sha256", {}).items()
                   if _sha256(folder / name) != digest]
        if damaged:
            print(f"warning: store: {folder}: {', '.join(damaged)} changed or missing since "
                  "the run; computing it again", file=sys.stderr)
            return None
        return folder

    @staticmethod
    def read_info(folder: Path) -> dict | None:
        """``info.json`` of a run folder, or None when absent or unreadable."""
        try:
            return json.loads((Path(folder) / "info.json").read_text())
        except (OSError, ValueError):
            return None

    @contextlib.contextmanager
    def claim(
        self, inputs: dict, engine: str | None = None, engine_version: str | None = None
    ) -> Iterator[Path | None]:
        """Hold the run with these inputs exclusively; yield its folder if it is already done.

        Two identical runs started at once (two sweeps into one store) do not both compute:
        the second waits for the first's claim and then finds its result. The claim is an
        ``flock`` on ``ROOT/.<key>.lock``, released when the block ends or its process dies
        (a killed run leaves no stale claim)::

            with store.claim(inputs) as found:
                if found is None:
                    with store.record(inputs) as run:
                        ...
        """
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        lock = self.root / f".{self.key(inputs, engine, engine_version)}.lock"
        handle = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield self.find(inputs, engine, engine_version)
        finally:
            os.close(handle)  # releases the lock

    @contextlib.contextmanager
    def record(
        self,
        inputs: dict,
        *,
        seed: int | None = None,
        engine: str | None = None,
        engine_version: str | None = None,
    ) -> Iterator[Run]:
        """Run in the folder named by ``inputs`` and versions; see :func:`record_run`."""
        folder = self.path(inputs, engine, engine_version)
        with record_run(
            folder, inputs, seed=seed, engine=engine, engine_version=engine_version
        ) as run:
            yield run


def _engine_versions(engine: str | None, engine_version: str | None) -> dict[str, str]:
    extra = {"engine": engine or "none"}
    if engine_version is not None:
        extra["engine_version"] = engine_version
    return extra


@contextlib.contextmanager
def record_run(
    folder: str | Path,
    inputs: dict,
    *,
    seed: int | None = None,
    engine: str | None = None,
    engine_version: str | None = None,
) -> Iterator[Run]:
    """Run with outputs in ``folder``, keeping its ``info.json`` true.

    ``info.json`` is written at the start with ``success: null`` and rewritten at the end
    with ``success`` and, on failure, the error; the exception propagates. Items added with
    :meth:`Run.note` are kept under ``notes``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    info = {
        "inputs": _jsonable(inputs),
        "versions": versions(**_engine_versions(engine, engine_version)),
        "seed": seed,
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "start": _now(),
        "end": None,
        "success": None,
    }
    run = Run(path=folder, info=info)
    write_json(info, folder / "info.json")
    try:
        yield run
    except BaseException as error:
        info.update(
            end=_now(),
            success=False,
            error=f"{type(error).__name__}: {error}",
            traceback=traceback.format_exc(limit=20),
        )
        write_json(info, folder / "info.json")
        raise
    info.update(end=_now(), success=True, files_sha256={
        str(path.relative_to(folder)): _sha256(path) for path in _own_files(folder)})
    write_json(info, folder / "info.json")


def _own_files(folder: Path) -> list[Path]:
    """The files a run wrote into ``folder``: not its info.json, not temporary (dot) files,
    not those of nested run folders (a store under ``--out``: they have their own record)."""
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not (Path(root) / d / "info.json").exists())
        files += [Path(root) / n for n in sorted(names)
                  if not n.startswith(".") and not (Path(root) == folder and n == "info.json")]
    return files


def _sha256(path: Path) -> str | None:
    """SHA-256 (hex) of a file's bytes, None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
