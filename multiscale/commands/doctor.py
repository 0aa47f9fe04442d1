"""``multiscale doctor``: what this machine can run, and where the data are."""

from __future__ import annotations

import argparse
import platform

HELP = "report versions, which micromagnetic engines can run here and why not, and data sets"

ENGINES = ("builtin", "magnumnp", "oommf")
LIBRARIES = ("numpy", "scipy", "numba", "xarray", "dask", "distributed", "micromagneticmodel",
             "discretisedfield", "oommfc", "magnumnp", "torch")  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", metavar="DIR", help="a data folder to check instead of $MULTISCALE_DATA"
    )


def engine_status(name: str) -> tuple[bool, str]:
    """(can run here, why or why not) for a micromagnetic engine."""
    try:
        from micromag.engines.base import get_engine
    except ImportError as error:
        return False, f"the engine registry is not importable ({error})"
    try:
        engine = get_engine(name)
    except (KeyError, ValueError, ImportError) as error:
        return False, f"not part of this installation ({error})"
    return engine.availability()


def data_status(data: str | None) -> list[tuple[str, bool, str]]:
    """(data set, found, where or why not) for each data set."""
    import os

    from multiscale import datasets
    from multiscale.errors import InputError

    if data is not None:
        os.environ[datasets.ENV_VAR] = data
    report = []
    for name, loader, count in (
        ("hillenbrand1995", datasets.hillenbrand, "token"),
        ("peterson_barney1952", datasets.peterson_barney, "token"),
        ("fsdd", datasets.fsdd, None),
    ):
        where = [str(c) for c in datasets.candidates(name)]
        found = next((c for c in where if os.path.isdir(c)), None)
        if found is None:
            report.append((name, False, f"not found in {where}; downloaded on first use"))
            continue
        try:
            loaded = loader(found)
        except InputError as error:
            report.append((name, False, str(error)))
            continue
        size = loaded.sizes[count] if count else len(loaded)
        report.append((name, True, f"{found} ({size} records)"))
    return report


def run(args: argparse.Namespace) -> int:
    from importlib.metadata import PackageNotFoundError, version

    from multiscale import __version__
    from multiscale.cli import print_figures

    print(f"multiscale {__version__}")
    print(f"python {platform.python_version()} ({platform.platform()})")
    for name in LIBRARIES:
        try:
            print(f"  {name:20s} {version(name)}")
        except PackageNotFoundError:
            print(f"  {name:20s} not installed")

    print("micromagnetic engines:")
    usable = []
    for name in ENGINES:
        ok, why = engine_status(name)
        usable += [name] if ok else []
        print(f"  {name:10s} {'yes' if ok else 'no ':3s}  {why}")

    print("data sets:")
    found = 0
    for name, ok, where in data_status(args.data):
        found += ok
        print(f"  {name:20s} {'found' if ok else 'missing':7s}  {where}")

    print_figures(engines=",".join(usable) or "none", data_sets_found=found)
    return 0
