"""``multiscale study CONFIG``: accuracy over a grid of device parameters, on dask."""

from __future__ import annotations

import argparse

HELP = ("accuracy over a grid (or list) of device or compact-model parameters; every point a "
        "dask task, resumable (see examples/study_damping_temperature.toml)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", metavar="CONFIG", help="TOML study config")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing dask scheduler, e.g. of a dask-jobqueue SLURMCluster "
                             "(default: a local cluster)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="local single-threaded dask workers (default: one per core)")
    parser.add_argument("--out", metavar="DIR", default="study",
                        help="output folder (default: ./study)")
    parser.add_argument("--store", metavar="DIR",
                        help="provenance store shared between studies (default: DIR/store)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    import math

    from multiscale.cli import print_figures
    from multiscale.errors import InputError
    from multiscale.study import load_study, run_study
    from multiscale.tasks import MAX_LOCAL_WORKERS

    if args.workers is not None and not 1 <= args.workers <= MAX_LOCAL_WORKERS:
        raise InputError(f"--workers = {args.workers!r}: must be >= 1 and <= "
                         f"{MAX_LOCAL_WORKERS} (local worker processes)")
    if args.workers is not None and args.scheduler is not None:
        raise InputError("--workers: only for the local cluster; not with --scheduler")
    study = load_study(args.config)
    result = run_study(study, out=args.out, store_root=args.store, scheduler=args.scheduler,
                       workers=args.workers, progress=not args.quiet)
    for point, error in result.failed.items():
        print(f"failed: {point}: {error}")
    for point, reason in result.without_network.items():  # a result, not a failure
        print(f"no network: {point}: {reason}")
    accuracy = result.dataset["accuracy_test"].values
    best = float(max((a for a in accuracy.ravel() if not math.isnan(a)), default=math.nan))
    for path in result.figures:
        print(f"figure: {path}")
    print_figures(points=int(accuracy.size), computed=result.computed, reused=result.reused,
                  failed=len(result.failed), no_network=len(result.without_network),
                  wall_s=round(result.wall_s, 2),
                  accuracy_test_max=best, out=f"{args.out}/study.nc")
    return 0 if not result.failed else 1
