"""``multiscale doctor``: what this machine can run, and where the data are."""

from __future__ import annotations

import argparse
import platform

from micromag.engines.registry import ENGINE_NAMES as ENGINES

HELP = "report versions, which micromagnetic engines can run here and why not, and data sets"

LIBRARIES = ("numpy", "scipy", "numba", "xarray", "dask", "distributed", "micromagneticmodel",
             "discretisedfield", "oommfc", "magnumnp", "torch")  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", metavar="DIR", help="a data folder to check instead of $MULTISCALE_DATA"
    )


def engine_status(name: str) -> tuple[bool, str]:
    """(can run here, why or why not) for a micromagnetic engine."""
    try:
        from micromag.engines import get_engine
    except ImportError as error:
        return False, f"the engine registry is not importable ({error})"
    try:
        engine = get_engine(name)
    except (KeyError, ValueError, ImportError) as error:
        return False, f"not part of this installation ({error})"
    check = getattr(engine, "import_check", None)  # a real import, in its own process
    return check() if check is not None else engine.availability()


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
        for folder in where:
            try:
                loaded = loader(folder) if os.path.isdir(folder) else None
            except InputError:  # an empty or incomplete folder: look further
                loaded = None
            if loaded is not None:
                size = loaded.sizes[count] if count else len(loaded)
                report.append((name, True, f"{folder} ({size} records)"))
                break
        else:
            how = ("put it there by hand (no public copy to download)"
                   if name == "peterson_barney1952" else "downloaded on first use")
            report.append((name, False, f"not found in {where}; {how}"))
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
